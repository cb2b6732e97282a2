"""Loading many chained entries at once: seed data, benchmarks, imports of a register.

`load` chains the rows onto the current head (under its lock, one transaction) with
`chain.bulk_chain` and writes them with COPY on PostgreSQL, executemany elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from django.db import connection, transaction

from guanxi.access import partitions
from guanxi.access.chain import LOG_COLUMNS, BulkRow, ChainedRow, bulk_chain
from guanxi.access.models import ChainHead

COPY_SQL = f"COPY access_accesslogentry ({', '.join(LOG_COLUMNS)}) FROM STDIN"
INSERT_SQL = (
    f"INSERT INTO access_accesslogentry ({', '.join(LOG_COLUMNS)}) "  # noqa: S608 - constants
    f"VALUES ({', '.join(['%s'] * len(LOG_COLUMNS))})"
)


def load(rows: Iterable[BulkRow], batch: int = 50_000) -> tuple[int, str]:
    """Append `rows` to the chain; returns the new head (seq, hash)."""
    with transaction.atomic():
        head = ChainHead.objects.select_for_update().get_or_create(pk=1)[0]
        seq, last = head.seq, head.hash
        chained = bulk_chain(rows, after_seq=seq, after_hash=last)
        with connection.cursor() as cursor:
            while chunk := list(islice(chained, batch)):
                _write(cursor, chunk)
                seq, last = chunk[-1][0], chunk[-1][10]
        ChainHead.objects.filter(pk=1).update(seq=seq, hash=last)
    return seq, last


def _write(cursor: object, chunk: list[ChainedRow]) -> None:
    if connection.vendor == "postgresql":
        for at in {partitions.month_of(row[1]): row[1] for row in chunk}.values():
            partitions.ensure_month(cursor, at)
        with cursor.copy(COPY_SQL) as copy:  # type: ignore[attr-defined]
            for row in chunk:
                copy.write_row(row)
    else:
        cursor.executemany(INSERT_SQL, chunk)  # type: ignore[attr-defined]
