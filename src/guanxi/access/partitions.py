"""Monthly partitions of the read register on PostgreSQL (SQLite keeps one plain table).

Choice: the Django model keeps `seq` as its primary key (every query, serializer and the
admin stay as they are) and the table itself is managed in SQL: `partition_table` turns it into
a table partitioned by RANGE of `at`, whose primary key must then include `at` and is
(seq, at). `seq` stays unique because only the chainer assigns it, under the chain-head lock;
`audit.verify` names any duplicate as a fork. A composite primary key in the model was the
alternative; it would have changed `pk` for every reader of the log for no gain.

Partitions are named `access_accesslogentry_y2026m01` and cover one UTC month each. An insert
never fails for want of one: a DEFAULT partition catches any row whose month has none, the
chainer creates the month on demand (`ensure_month`, with a short lock timeout so it never
queues behind a long reader) and `guanxi audit partitions --ahead N` creates months ahead from
cron. A month is not created while the DEFAULT partition holds rows of it (PostgreSQL would
refuse); such rows stay valid and verifiable there, and the command reports the month.
"""

from __future__ import annotations

# ruff: noqa: S608  (SQL built from constants, never from input)
import logging
from datetime import UTC, date, datetime
from typing import Any

from django.db import DatabaseError, connection, transaction

from guanxi.access.triggers import LOG, PG_FUNCTIONS, truncate_trigger_sql

logger = logging.getLogger(__name__)

DEFAULT = f"{LOG}_default"
INDEXES = (
    ("accesslog_unit_seq", "(record_unit_id, seq DESC)"),
    ("accesslog_reader_seq", "(reader_id, seq DESC)"),
    ("accesslog_record_seq", "(record_type, record_id, seq DESC)"),
    ("accesslog_form1_seq", "(seq) WHERE form = 1"),
)
_ready: set[date] = set()


def month_of(at: datetime) -> date:
    at = at.astimezone(UTC)
    return date(at.year, at.month, 1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{LOG}_y{month.year:04d}m{month.month:02d}"


def is_partitioned(cursor: Any = None) -> bool:
    if connection.vendor != "postgresql":
        return False
    if cursor is None:
        with connection.cursor() as own:
            return is_partitioned(own)
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [LOG])
    row = cursor.fetchone()
    return row is not None and row[0] == "p"


def _bounds(month: date) -> tuple[str, str]:
    return f"{month.isoformat()} 00:00:00+00", f"{next_month(month).isoformat()} 00:00:00+00"


def create_month(cursor: Any, month: date) -> bool:
    """Create the partition of `month` unless it exists; False if the DEFAULT partition holds
    rows of that month (PostgreSQL would refuse the new partition)."""
    name = partition_name(month)
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return True
    low, high = _bounds(month)
    cursor.execute(
        f'SELECT EXISTS (SELECT 1 FROM "{DEFAULT}" WHERE at >= %s AND at < %s)', [low, high]
    )
    if cursor.fetchone()[0]:
        return False
    cursor.execute(
        f'CREATE TABLE "{name}" PARTITION OF {LOG} FOR VALUES FROM (%s) TO (%s)', [low, high]
    )
    cursor.execute(truncate_trigger_sql(name))
    return True


def ensure_partitions(ahead: int = 3, now: datetime | None = None) -> tuple[list[str], list[str]]:
    """Create the partitions of this month and `ahead` months after it.

    Returns (partitions that exist now, months left to the DEFAULT partition).
    """
    if not is_partitioned():
        return [], []
    month = month_of(now or datetime.now(UTC))
    made: list[str] = []
    skipped: list[str] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for _ in range(ahead + 1):
            (made if create_month(cursor, month) else skipped).append(partition_name(month))
            _ready.add(month)
            month = next_month(month)
    return made, skipped


def ensure_month(cursor: Any, at: datetime) -> None:
    """Make sure `at`'s month has its partition before inserting rows of it (chainer's path).

    Never fails the insert: on a lock timeout or refusal the rows go to the DEFAULT partition.
    """
    month = month_of(at)
    if month in _ready:
        return
    cursor.execute("SELECT current_setting('lock_timeout')")
    previous = cursor.fetchone()[0]
    try:
        with transaction.atomic():
            cursor.execute("SELECT set_config('lock_timeout', '200ms', true)")
            if create_month(cursor, month):
                _ready.add(month)
    except DatabaseError:
        logger.warning("partition for %s not created now; rows go to the default", month)
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])


def partition_table(cursor: Any, ahead: int = 3) -> None:
    """Convert the plain log table into the partitioned one, keeping every entry (migration)."""
    old = f"{LOG}_unpartitioned"
    cursor.execute(PG_FUNCTIONS)  # the partitions' TRUNCATE triggers call it
    cursor.execute(f"ALTER TABLE {LOG} RENAME TO {old}")
    cursor.execute(f"ALTER TABLE {old} DROP CONSTRAINT IF EXISTS {LOG}_pkey")
    for name, _columns in INDEXES:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    cursor.execute(
        f"CREATE TABLE {LOG} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
        "PARTITION BY RANGE (at)"
    )
    cursor.execute(f"ALTER TABLE {LOG} ADD CONSTRAINT {LOG}_pkey PRIMARY KEY (seq, at)")
    for name, columns in INDEXES:
        cursor.execute(f"CREATE INDEX {name} ON {LOG} {columns}")
    cursor.execute(f'CREATE TABLE "{DEFAULT}" PARTITION OF {LOG} DEFAULT')
    cursor.execute(f"SELECT min(at) FROM {old}")
    first = cursor.fetchone()[0]
    now = datetime.now(UTC)
    month = month_of(first or now)
    last = month_of(now)
    for _ in range(ahead):
        last = next_month(last)
    while month <= last:
        create_month(cursor, month)
        month = next_month(month)
    cursor.execute(f"INSERT INTO {LOG} SELECT * FROM {old} ORDER BY seq")
    cursor.execute(f"DROP TABLE {old}")
    _ready.clear()


def unpartition_table(cursor: Any) -> None:
    """The reverse: one plain table again, every entry kept."""
    old = f"{LOG}_partitioned"
    cursor.execute(f"ALTER TABLE {LOG} RENAME TO {old}")
    cursor.execute(f"ALTER TABLE {old} DROP CONSTRAINT IF EXISTS {LOG}_pkey")
    for name, _columns in INDEXES:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")
    cursor.execute(f"CREATE TABLE {LOG} (LIKE {old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(f"ALTER TABLE {LOG} ADD CONSTRAINT {LOG}_pkey PRIMARY KEY (seq)")
    for name, columns in INDEXES:
        cursor.execute(f"CREATE INDEX {name} ON {LOG} {columns}")
    cursor.execute(f"INSERT INTO {LOG} SELECT * FROM {old} ORDER BY seq")
    cursor.execute(f"DROP TABLE {old} CASCADE")
    _ready.clear()
