"""Generators for key-customer work (registered after `archive`): annual customer plans with
their contact, action and revenue tables (003 §14–16, 附表6–7) and HQ's company-wide campaigns
with their targets (002 §6.1); the visits are in `visits`, which builds on the helpers here.

Which customers are key comes from `common.tier_index`, from the index alone; a plan's or a
campaign's shape (dates, status, how many child rows) comes from its own index, and the people
on it from index arithmetic or a random stream of its own. So every table is written in one
pass, in bulk, and agrees with its parent without reading it back.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Model

from guanxi.customers.models import Contact
from guanxi.keycustomers.models import (
    ActionPlanRow,
    ActionStatus,
    Campaign,
    CampaignIntent,
    CampaignScope,
    CampaignStatus,
    CampaignTarget,
    ContactPlanRow,
    CustomerPlan,
    RevenuePlanRow,
    TargetStatus,
    yuan,
)
from guanxi.policy.schema import Policy
from guanxi.seeding.generator import pools
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.common import (
    CONTACTS_PER_CUSTOMER,
    HISTORY_END,
    HISTORY_START,
    HISTORY_YEARS,
    Context,
    counted,
    generator,
    grantees,
    key_persons,
    on_day,
    spread,
    tier_index,
)
from guanxi.seeding.generator.profiles import Profile

SEQUENCES: list[type[Model]] = [
    CustomerPlan,
    ContactPlanRow,
    ActionPlanRow,
    RevenuePlanRow,
    Campaign,
    CampaignTarget,
]
TODAY = HISTORY_END.date()  # the last day of the history: what lies after it is still planned

# salts of `spread`, one per decision taken from an index (the visits' come after these)
(
    _ACTIONS,
    _REVENUES,
    _OWNER,
    _CAMPAIGN_START,
    _CAMPAIGN_LENGTH,
    _TARGETS,
) = range(101, 107)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def contact_id(ctx: Context, i: int, k: int) -> int:
    """The id of contact k of customer i (its key persons come first)."""
    return ctx.ids["contact"] + 1 + i * CONTACTS_PER_CUSTOMER + k


def is_key(i: int, tiers: int) -> bool:
    """A key customer: one of the top two tiers (of three; the top one if there are two)."""
    return tier_index(i, tiers) < max(1, tiers - 1)


# Customer plans ----------------------------------------------------------------------------------

PLAN_YEARS = (HISTORY_END.year - 1, HISTORY_END.year)  # last year's plan and this year's


class PlanShape(NamedTuple):
    n: int  # 0-based, in id order
    customer: int  # index
    year: int
    contacts: int  # one contact-plan row per key person of the customer
    actions: int
    revenues: int


def plan_shapes(customers: int, tiers: int) -> Iterator[PlanShape]:
    """The annual plans in id order, from the indexes alone: one for each top-tier customer
    and plan year, with 2–3 action rows and 1–3 revenue rows."""
    n = 0
    for i in range(customers):
        if tier_index(i, tiers) != 0:
            continue
        for year in PLAN_YEARS:
            actions, revenues = 2 + spread(n, _ACTIONS) % 2, 1 + spread(n, _REVENUES) % 3
            yield PlanShape(n, i, year, key_persons(i), actions, revenues)
            n += 1


def _plans(ctx: Context) -> Iterator[tuple[int, PlanShape, int]]:
    """(plan id, its shape, its owner): a customer manager of the customer's own unit."""
    base, units = ctx.ids["customer_plan"], ctx.customer_unit
    for shape in plan_shapes(ctx.profile.customers, len(ctx.policy.tiers_by_rank())):
        owners = grantees(ctx, "customer_plan.change", units[shape.customer], own_unit=True)
        yield base + 1 + shape.n, shape, owners[spread(shape.n, _OWNER) % len(owners)]


@generator("customer_plans")
def customer_plans(ctx: Context) -> int:
    """Last year's and this year's plan 客户计划 for every top-tier customer, written by a
    customer manager of its unit in the December before."""
    rng = ctx.rng("customer_plans")
    ctx.ids["customer_plan"] = ctx.base(CustomerPlan)
    texts = (
        pools.PLAN_SUMMARIES,
        pools.STRENGTHS,
        pools.WEAKNESSES,
        pools.OPPORTUNITIES,
        pools.THREATS,
        pools.COMPETITION,
        pools.ASSESSMENTS,
        pools.OBJECTIVES,
        pools.REVENUE_NOTES,
    )

    def rows() -> Iterator[Row]:
        for plan_id, shape, owner in _plans(ctx):
            written = datetime.date(shape.year - 1, 12, rng.randint(1, 28))
            yield (
                plan_id,
                ctx.customer_base + 1 + shape.customer,
                shape.year,
                owner,
                *(rng.choice(pool) for pool in texts),
                on_day(written, 10),
            )

    return write(
        CustomerPlan,
        (
            "id",
            "customer_id",
            "year",
            "owner_id",
            "summary",
            "strengths",
            "weaknesses",
            "opportunities",
            "threats",
            "competition",
            "assessment",
            "objectives",
            "revenue_notes",
            "updated_at",
        ),
        counted(rows()),
    )


def _next_contact(rng_days: int, year: int) -> datetime.date:
    """A date in the plan's year; for this year's plan one still ahead."""
    if year < TODAY.year:
        return datetime.date(year, 1, 1) + days(rng_days)
    return min(TODAY + days(1 + rng_days // 2), datetime.date(year, 12, 31))


@generator("contact_plan_rows")
def contact_plan_rows(ctx: Context) -> int:
    """附表6: one of our people for each key person of the customer, and when next to meet.
    The position is the key person's, as `plan_row_add` copies it when left blank."""
    rng = ctx.rng("contact_plan_rows")
    base = ctx.base(ContactPlanRow)

    def rows() -> Iterator[Row]:
        n = 0
        for plan_id, shape, _owner in _plans(ctx):
            line = grantees(ctx, "visit.change", ctx.customer_unit[shape.customer])
            for k in range(shape.contacts):
                n += 1
                yield (
                    base + n,
                    plan_id,
                    rng.choice(line),
                    contact_id(ctx, shape.customer, k),
                    _next_contact(rng.randrange(360), shape.year),
                )

    written = write(
        ContactPlanRow,
        ("id", "plan_id", "our_person_id", "their_person_id", "next_contact_on"),
        counted(rows()),
    )
    table, contacts = ContactPlanRow._meta.db_table, Contact._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET position = (SELECT c.position FROM {contacts} c "  # noqa: S608 - names from model metadata
            f"WHERE c.id = {table}.their_person_id) WHERE id > %s",
            [base],
        )
    return written


def _action_status(starts: datetime.date, ends: datetime.date) -> str:
    if ends < TODAY:
        return ActionStatus.DONE.value
    if starts > TODAY:
        return ActionStatus.PLANNED.value
    return ActionStatus.IN_PROGRESS.value


@generator("action_plan_rows")
def action_plan_rows(ctx: Context) -> int:
    """附表7 行动计划: actions over the plan's year, done, in progress or not started as of the
    end of the history, by the plan's owner or a colleague who may write plans."""
    rng = ctx.rng("action_plan_rows")
    base = ctx.base(ActionPlanRow)

    def rows() -> Iterator[Row]:
        n = 0
        for plan_id, shape, owner in _plans(ctx):
            unit = ctx.customer_unit[shape.customer]
            # the owner takes the larger share
            doers = [owner, *grantees(ctx, "customer_plan.change", unit, own_unit=True)]
            year_end = datetime.date(shape.year, 12, 31)
            for action in rng.sample(pools.PLAN_ACTIONS, shape.actions):
                n += 1
                starts = datetime.date(shape.year, 1, 15) + days(rng.randrange(300))
                ends = min(starts + days(rng.randint(14, 90)), year_end)
                yield (
                    base + n,
                    plan_id,
                    action,
                    rng.choice(doers),
                    starts,
                    ends,
                    _action_status(starts, ends),
                )

    return write(
        ActionPlanRow,
        ("id", "plan_id", "action", "owner_id", "starts_on", "ends_on", "status"),
        counted(rows()),
    )


# contract amounts from 0.5 to 80 million yuan; win rates mostly in steps of five percent,
# some as estimated to four places; margins in whole percent
CONTRACT_AMOUNTS = (500_000, 80_000_000)
WIN_RATES = (
    *(Decimal(p) / 100 for p in range(20, 95, 5)),
    *(Decimal(p) for p in ("0.1250", "0.3333", "0.6667", "0.8750")),
)
MARGINS = tuple(Decimal(p) / 100 for p in range(8, 36))


def revenue_figures(amount: Decimal, win_rate: Decimal, margin: Decimal) -> tuple[Decimal, ...]:
    """(amount, win rate, margin, expected revenue, profit) as `RevenuePlanRow.compute` makes
    and stores them: each result rounded to the fen, half up, the profit from the rounded
    revenue."""
    expected = yuan(amount * win_rate)
    return amount, win_rate, margin, expected, yuan(expected * margin)


@generator("revenue_plan_rows")
def revenue_plan_rows(ctx: Context) -> int:
    """附表7 收益计划: the projects expected from the customer in the plan's year."""
    rng = ctx.rng("revenue_plan_rows")
    base = ctx.base(RevenuePlanRow)

    def rows() -> Iterator[Row]:
        n = 0
        for plan_id, shape, _owner in _plans(ctx):
            for project in rng.sample(pools.PLAN_PROJECTS, shape.revenues):
                n += 1
                amount = Decimal(rng.randrange(*CONTRACT_AMOUNTS))
                yield (
                    base + n,
                    plan_id,
                    f"{rng.choice(pools.SEAS)}{project}",
                    *revenue_figures(amount, rng.choice(WIN_RATES), rng.choice(MARGINS)),
                    rng.choice(pools.REVENUE_ROW_NOTES),
                )

    return write(
        RevenuePlanRow,
        (
            "id",
            "plan_id",
            "project",
            "contract_amount",
            "win_rate",
            "margin",
            "expected_revenue",
            "profit",
            "note",
        ),
        counted(rows()),
    )


# Campaigns ---------------------------------------------------------------------------------------


def campaign_count(profile: Profile) -> int:
    return profile.campaigns_per_year * HISTORY_YEARS


def targets_per_campaign(profile: Profile) -> int:
    return min(profile.campaign_targets // max(campaign_count(profile), 1), profile.customers)


def campaign_dates(c: int, count: int) -> tuple[datetime.date, datetime.date]:
    """Campaign c runs three to eight months; the campaigns follow each other evenly back from
    the last one, which started two to three months before the end of the history and runs."""
    span = (HISTORY_END - HISTORY_START).days
    back = 60 + (count - 1 - c) * span // count + spread(c, _CAMPAIGN_START) % 20
    starts = max(TODAY - days(back), HISTORY_START.date())
    return starts, starts + days(90 + spread(c, _CAMPAIGN_LENGTH) % 150)


def _stride(customers: int) -> int:
    """A step through the customers that visits each once before it repeats."""
    stride = max(1, customers * 618 // 1000)
    while math.gcd(stride, customers) != 1:
        stride += 1
    return stride


@generator("campaigns")
def campaigns(ctx: Context) -> int:
    """HQ marketing's company-wide campaigns (002 §6.1), a few a year: closed once over,
    published while running."""
    rng = ctx.rng("campaigns")
    ctx.ids["campaign"] = base = ctx.base(Campaign)
    hq = ctx.unit_ids[0]
    publishers = grantees(ctx, "campaign.publish", hq, own_unit=True)
    count = campaign_count(ctx.profile)
    products = pools.CAMPAIGN_PRODUCTS

    def rows() -> Iterator[Row]:
        for c in range(count):
            starts, ends = campaign_dates(c, count)
            product = products[c % len(products)]
            yield (
                base + 1 + c,
                f"{starts.year}年{product}推广",
                CampaignScope.COMPANY.value,
                hq,
                product,
                rng.choice(pools.CAMPAIGN_DESCRIPTIONS).format(product=product),
                starts,
                ends,
                (CampaignStatus.CLOSED if ends < TODAY else CampaignStatus.PUBLISHED).value,
                on_day(starts - days(rng.randint(3, 10)), 10),
                rng.choice(publishers),
            )

    return write(
        Campaign,
        (
            "id",
            "title",
            "scope",
            "unit_id",
            "product",
            "description",
            "starts_on",
            "ends_on",
            "status",
            "published_at",
            "created_by_id",
        ),
        counted(rows()),
    )


# how targets stand at the end of a closed campaign and in a running one (TargetStatus)
CLOSED_PROGRESS = {
    "contracted": 15,
    "declined": 25,
    "negotiating": 10,
    "promoted": 35,
    "not_started": 15,
}
RUNNING_PROGRESS = {
    "contracted": 5,
    "declined": 5,
    "negotiating": 20,
    "promoted": 35,
    "not_started": 35,
}
INTENTS = {
    TargetStatus.NOT_STARTED.value: (CampaignIntent.UNKNOWN.value,),
    TargetStatus.PROMOTED.value: (
        CampaignIntent.LOW.value,
        CampaignIntent.MEDIUM.value,
        CampaignIntent.HIGH.value,
    ),
    TargetStatus.NEGOTIATING.value: (CampaignIntent.MEDIUM.value, CampaignIntent.HIGH.value),
    TargetStatus.CONTRACTED.value: (CampaignIntent.HIGH.value,),
    TargetStatus.DECLINED.value: (CampaignIntent.LOW.value,),
}


@generator("campaign_targets")
def campaign_targets(ctx: Context) -> int:
    """Each campaign's target customers, a different stretch of them per campaign, with the
    intent and progress reported by the customer's owning unit (as `target_add` sets it)."""
    rng = ctx.rng("campaign_targets")
    base, campaign_base = ctx.base(CampaignTarget), ctx.ids["campaign"]
    count, per = campaign_count(ctx.profile), targets_per_campaign(ctx.profile)
    customers = ctx.profile.customers
    stride = _stride(customers)

    def rows() -> Iterator[Row]:
        n = 0
        for c in range(count):
            starts, ends = campaign_dates(c, count)
            weights = CLOSED_PROGRESS if ends < TODAY else RUNNING_PROGRESS
            statuses = rng.choices(list(weights), list(weights.values()), k=per)
            opened = on_day(starts, 9)
            running = on_day(min(ends, TODAY), 18) - opened
            offset = spread(c, _TARGETS) % customers
            for t, status in enumerate(statuses):
                n += 1
                i = (offset + t * stride) % customers
                yield (
                    base + n,
                    campaign_base + 1 + c,
                    ctx.customer_base + 1 + i,
                    ctx.customer_unit[i],
                    rng.choice(INTENTS[status]),
                    status,
                    rng.choice(pools.TARGET_NOTES[status]),
                    opened + running * rng.random(),
                )

    return write(
        CampaignTarget,
        ("id", "campaign_id", "customer_id", "unit_id", "intent", "status", "note", "updated_at"),
        counted(rows()),
    )


def planned(profile: Profile, policy: Policy) -> dict[str, int]:
    plans = ("customer_plans", "contact_plan_rows", "action_plan_rows", "revenue_plan_rows")
    counts = dict.fromkeys(plans, 0)
    for plan in plan_shapes(profile.customers, len(policy.tiers_by_rank())):
        for key, rows in zip(plans, (1, plan.contacts, plan.actions, plan.revenues), strict=True):
            counts[key] += rows
    return {
        **counts,
        "campaigns": campaign_count(profile),
        "campaign_targets": campaign_count(profile) * targets_per_campaign(profile),
    }
