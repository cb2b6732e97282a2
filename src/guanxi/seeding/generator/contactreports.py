"""Generators for contact reports 接触报告 (ACT-4), registered after the key-customer visits:
a few reports a year for every key customer, with their key persons and our people, and one
busy customer of the first division's line with `BUSY_REPORTS` reports, the timeline
benchmark's case (a customer with 5,000 events). Its reports are written last, so the newest
report of the table belongs to it (tests/bench/run.py finds it so)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Model

from guanxi.contactreports.models import ContactReport
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.common import (
    HISTORY_END,
    HISTORY_START,
    Context,
    counted,
    generator,
    grantees,
    key_persons,
    on_day,
    spread,
)
from guanxi.seeding.generator.keycustomers import contact_id, is_key

KEY_PERSONS = ContactReport.key_persons.through
OUR_PEOPLE = ContactReport.our_people.through
SEQUENCES: list[type[Model]] = [ContactReport, KEY_PERSONS, OUR_PEOPLE]

REPORTS_PER_KEY_CUSTOMER = 8  # over the five years of history
BUSY_REPORTS = 5_000
_DAY, _KIND, _WHO = range(301, 304)
SUMMARIES = [
    "电话沟通三季度固井作业安排，客户希望提前一周进场。",
    "会面介绍随钻测井新装备，对方表示可安排现场试用。",
    "微信确认下月技术交流会的时间与参会人员。",
    "致函说明合同价格调整依据，客户采办部已收悉。",
    "走访客户作业区，了解新调整井的钻井计划和服务需求。",
    "电话回访上月完井作业，客户对作业时效满意。",
]
FOLLOW_UPS = ["一周内提交进场计划", "准备技术交流材料", "", "跟进合同补充协议", ""]
SPAN_DAYS = (HISTORY_END.date() - HISTORY_START.date()).days


def busy_customer(ctx: Context) -> int | None:
    """The index of the first key customer owned within the first division's line."""
    codes = zip(ctx.unit_ids, ctx.unit_codes, strict=True)
    division = next((unit for unit, code in codes if code == "DIV1"), None)
    if division is None:
        return None
    line = ctx.unit_paths[division]
    tiers = len(ctx.policy.tiers_by_rank())
    for i, unit_id in enumerate(ctx.customer_unit):
        if is_key(i, tiers) and ctx.unit_paths[unit_id].startswith(line):
            return i
    return None


def _shapes(ctx: Context) -> Iterator[tuple[int, int]]:
    """(n, customer index) of every report in id order: the key customers' first, the busy
    customer's last."""
    tiers = len(ctx.policy.tiers_by_rank())
    n = 0
    for i in range(len(ctx.customer_unit)):
        if is_key(i, tiers):
            for _ in range(REPORTS_PER_KEY_CUSTOMER):
                yield n, i
                n += 1
    busy = busy_customer(ctx)
    if busy is not None:
        for _ in range(min(BUSY_REPORTS, 10 * len(ctx.customer_unit))):
            yield n, busy
            n += 1


def _day(n: int) -> datetime.date:
    return HISTORY_START.date() + datetime.timedelta(days=spread(n, _DAY) % SPAN_DAYS)


@generator("contact_reports")
def contact_reports(ctx: Context) -> int:
    """The reports, each by someone who may write them for the customer's unit."""
    rng = ctx.rng("contact_reports")
    base = ctx.ids["contact_report"] = ctx.base(ContactReport)
    kinds = list(ctx.policy.contact_kinds)

    def rows() -> Iterator[Row]:
        for n, i in _shapes(ctx):
            unit = ctx.customer_unit[i]
            writers = grantees(ctx, "contact_report.change", unit)
            day = _day(n)
            yield (
                base + 1 + n,
                ctx.customer_base + 1 + i,
                unit,
                kinds[spread(n, _KIND) % len(kinds)],
                day,
                rng.choice(SUMMARIES),
                rng.choice(FOLLOW_UPS),
                writers[spread(n, _WHO) % len(writers)],
                on_day(day, 18),
            )

    return write(
        ContactReport,
        (
            "id",
            "customer_id",
            "unit_id",
            "kind",
            "contacted_on",
            "summary",
            "follow_up",
            "created_by_id",
            "created_at",
        ),
        counted(rows()),
    )


@generator("contact_report_people")
def contact_report_people(ctx: Context) -> int:
    """One key person of the customer and the report's writer on each report."""
    base = ctx.ids["contact_report"]
    written = 0

    def theirs() -> Iterator[Row]:
        for n, i in _shapes(ctx):
            yield (base + 1 + n, contact_id(ctx, i, n % key_persons(i)))

    def ours() -> Iterator[Row]:
        for n, i in _shapes(ctx):
            writers = grantees(ctx, "contact_report.change", ctx.customer_unit[i])
            yield (base + 1 + n, writers[spread(n, _WHO) % len(writers)])

    written += write(KEY_PERSONS, ("contactreport_id", "contact_id"), counted(theirs()))
    written += write(OUR_PEOPLE, ("contactreport_id", "person_id"), counted(ours()))
    return written


def planned_reports(customers: int, tiers: int) -> int:
    """How many reports a profile of `customers` gets (for the progress bar)."""
    keyed = sum(1 for i in range(customers) if is_key(i, tiers))
    return keyed * REPORTS_PER_KEY_CUSTOMER + min(BUSY_REPORTS, 10 * customers)
