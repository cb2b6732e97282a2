"""The read register's history: hash-chained entries written by COPY, month partitions first."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db import connection

from guanxi.access import partitions
from guanxi.access.chain import GENESIS_HASH, LOG_COLUMNS, BulkRow, bulk_chain
from guanxi.access.models import AccessLogEntry, ChainHead, Channel
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.common import (
    _SPAN_SECONDS,
    CONTACTS_PER_CUSTOMER,
    HISTORY_END,
    HISTORY_START,
    Context,
    counted,
    generator,
)

# The read register ----------------------------------------------------------------------------


@generator("access_log")
def access_log(ctx: Context) -> int:
    """Reads spread evenly over five years, each by a person who may see the record, chained
    onto the current head with the very hash function the register and `audit verify` use."""
    rng = ctx.rng("access_log")
    head = ChainHead.objects.filter(pk=1).first() or ChainHead(pk=1, seq=0, hash=GENESIS_HASH)
    total = ctx.profile.access_log
    customers_n = ctx.profile.customers
    contact_base = ctx.ids["contact"]
    channels = [Channel.PAGE.value, Channel.API.value, Channel.EXPORT.value]
    picks = rng.choices(channels, [70, 28, 2], k=min(total, 100_003))
    step = datetime.timedelta(microseconds=_SPAN_SECONDS * 1_000_000 // max(total, 1))
    usernames = ctx.people.usernames
    readers_by_unit = ctx.people.readers_by_unit
    last = {"seq": head.seq, "hash": head.hash}
    # each person reads from their own office address
    addresses = {p: f"10.{p % 250}.{(p // 250) % 250}.{1 + p % 199}" for p in usernames}

    def reads() -> Iterator[BulkRow]:
        at = HISTORY_START
        for n in range(total):
            i = rng.randrange(customers_n)
            unit_id = ctx.customer_unit[i]
            reader = rng.choice(readers_by_unit[unit_id])
            if n % 5 == 4:
                record_type = "customers.contact"
                record_id = str(contact_base + 1 + i * CONTACTS_PER_CUSTOMER + n % 3)
            else:
                record_type = "customers.customer"
                record_id = str(ctx.customer_base + 1 + i)
            yield (
                at,
                reader,
                usernames[reader],
                record_type,
                record_id,
                unit_id,
                picks[n % len(picks)],
                addresses[reader],
            )
            at += step

    def chained() -> Iterator[Row]:
        for row in bulk_chain(reads(), after_seq=head.seq, after_hash=head.hash):
            last["seq"], last["hash"] = row[0], row[10]
            yield row

    _month_partitions()
    written = write(AccessLogEntry, LOG_COLUMNS, counted(chained()))
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": last["seq"], "hash": last["hash"]})
    return written


def _month_partitions() -> None:
    """On PostgreSQL, a partition per month of the history, so no row lands in DEFAULT."""
    if connection.vendor != "postgresql" or not partitions.is_partitioned():
        return
    month = partitions.month_of(HISTORY_START)
    with connection.cursor() as cursor:
        while month <= partitions.month_of(HISTORY_END):
            partitions.create_month(cursor, month)
            month = partitions.next_month(month)
