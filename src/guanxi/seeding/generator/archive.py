"""Generators for the archive's own history: relationship events, contract operation summaries,
the units' monthly market reports and the top-tier customers' information-and-meaning tables
(registered after those of `organisation`, `customers`, `plans`
and `accesslog`).

Relationship events and contract summaries replay the random stream of the generator that
wrote their parent rows, so they agree with them (the current state, the signing date) without
reading a million rows back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Model

from guanxi.customers.models import (
    BuyingRole,
    ContractSummary,
    DealingStatus,
    InformationMeaning,
    InformationTopic,
    MarketReport,
    RelationshipEvent,
    RelationshipState,
)
from guanxi.policy.schema import Policy
from guanxi.seeding.generator import pools
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.common import (
    HISTORY_END,
    HISTORY_START,
    Context,
    counted,
    generator,
    grantees,
    key_persons,
    months,
    on_day,
    spread,
    tier_index,
    unit_plan,
)
from guanxi.seeding.generator.customers import (
    DEALING_COLUMNS,
    RelationshipFacts,
    dealing_rows,
    dealing_status,
    relationship_facts,
)
from guanxi.seeding.generator.profiles import Profile

SEQUENCES: list[type[Model]] = [
    RelationshipEvent,
    ContractSummary,
    MarketReport,
    InformationMeaning,
]

# Relationship events ----------------------------------------------------------------------------

_CHANGED_SALT = 11

# The state a relationship was first recorded in before it reached its current one; one that
# is still "none yet" changed its buying role instead.
EARLIER_STATE = {
    RelationshipState.POSITIVE.value: RelationshipState.NEUTRAL.value,
    RelationshipState.NEGATIVE.value: RelationshipState.NEUTRAL.value,
    RelationshipState.NEUTRAL.value: RelationshipState.NONE.value,
    RelationshipState.NONE.value: RelationshipState.NONE.value,
}
ROLES = BuyingRole.values


def changed_since_first(n: int) -> bool:
    """Whether relationship n (0-based) was changed after it was first recorded: 3 in 10."""
    return spread(n, _CHANGED_SALT) % 10 < 3


def _earlier_role(relationship: RelationshipFacts) -> str:
    if relationship.state != RelationshipState.NONE.value:
        return relationship.buying_role
    return ROLES[(ROLES.index(relationship.buying_role) + 1) % len(ROLES)]


@generator("relationship_events")
def relationship_events(ctx: Context) -> int:
    """Each relationship's history as `archive.relationship_set` keeps it: its latest event is
    its current role, state and holders, at its `updated_at`; about three in ten were first
    recorded earlier in another state (or, still "none yet", another buying role)."""
    rng = ctx.rng("relationship_events")
    base = ctx.base(RelationshipEvent)
    first = ctx.ids["relationship"] + 1
    names = ctx.people.names

    def rows() -> Iterator[Row]:
        n = 0
        for r in relationship_facts(ctx):
            by = rng.choice(grantees(ctx, "customer.change", ctx.customer_unit[r.customer]))
            note = rng.choice(pools.RELATIONSHIP_FIRST_NOTES)
            if changed_since_first(r.id - first):
                n += 1
                at = HISTORY_START + (r.updated_at - HISTORY_START) * rng.uniform(0.1, 0.9)
                role, state = _earlier_role(r), EARLIER_STATE[r.state]
                yield base + n, r.id, at, by, role, state, names[r.holder], note
                note = rng.choice(pools.RELATIONSHIP_CHANGE_NOTES[r.state])
            n += 1
            yield base + n, r.id, r.updated_at, by, r.buying_role, r.state, names[r.holder], note

    return write(
        RelationshipEvent,
        ("id", "relationship_id", "at", "by_id", "buying_role", "state", "holders", "note"),
        counted(rows()),
    )


# Contract summaries -----------------------------------------------------------------------------

_ID, _STATUS, _SIGNED, _UNIT = (
    DEALING_COLUMNS.index(c) for c in ("id", "status", "signed_on", "our_unit_id")
)


@generator("contract_summaries")
def contract_summaries(ctx: Context) -> int:
    """A contract operation summary 合同运作总结报告 for every completed contract, written
    by someone of its unit's line three months to a year and a half after the signing."""
    rng = ctx.rng("contract_summaries")
    base = ctx.base(ContractSummary)
    completed = DealingStatus.COMPLETED.value
    end = HISTORY_END.date()

    def rows() -> Iterator[Row]:
        n = 0
        for dealing in dealing_rows(ctx):
            if dealing[_STATUS] != completed:
                continue
            n += 1
            signed: datetime.date = dealing[_SIGNED]
            yield (
                base + n,
                dealing[_ID],
                min(signed + datetime.timedelta(days=rng.randint(90, 540)), end),
                rng.choice(grantees(ctx, "customer.change", dealing[_UNIT])),
                rng.choice(pools.CONTRACT_SUMMARIES),
                rng.choice(pools.CONTRACT_PROBLEMS),
            )

    return write(
        ContractSummary,
        ("id", "dealing_id", "written_on", "author_id", "summary", "problems"),
        counted(rows()),
    )


# Market reports ---------------------------------------------------------------------------------

_MAJOR_SALT = 13


def report_months() -> list[datetime.date]:
    """The months whose report is due by the end of the history (written early the next)."""
    return list(months())[:-1]


def has_major_news(n: int) -> bool:
    """Whether the n-th (unit, month) also had major news, reported at once: 1 in 30."""
    return spread(n, _MAJOR_SALT) % 30 == 0


def _next_month(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1)


@generator("market_reports")
def market_reports(ctx: Context) -> int:
    """Every unit's monthly industry and market report (003 §12.1) over the history, by a
    person of the unit who may write the archive; now and then a major-news report too,
    written in the month itself. Month by month, so ids follow the dates."""
    rng = ctx.rng("market_reports")
    base = ctx.base(MarketReport)

    def rows() -> Iterator[Row]:
        n = slot = 0
        for month in report_months():
            for index, unit_id in enumerate(ctx.unit_ids):
                authors = grantees(ctx, "customer.change", unit_id, own_unit=True)
                if has_major_news(slot):
                    n += 1
                    news = rng.choice(pools.MAJOR_NEWS)
                    yield (
                        base + n,
                        unit_id,
                        rng.choice(authors),
                        month,
                        f"重大市场信息：{news}",
                        f"{news}。{rng.choice(pools.MARKET_NEWS)}。",
                        True,
                        on_day(month + datetime.timedelta(days=rng.randrange(27)), 11),
                    )
                slot += 1
                n += 1
                yield (
                    base + n,
                    unit_id,
                    rng.choice(authors),
                    month,
                    f"{ctx.unit_names[index]}{month.year}年{month.month}月行业市场信息",
                    f"{rng.choice(pools.SEAS)}："
                    + "；".join(rng.sample(pools.MARKET_NEWS, 3))
                    + "。",
                    False,
                    on_day(_next_month(month) + datetime.timedelta(days=rng.randrange(7)), 16),
                )

    return write(
        MarketReport,
        ("id", "unit_id", "author_id", "month", "title", "body", "major", "created_at"),
        counted(rows()),
    )


# Information and meaning ------------------------------------------------------------------------

_TOPICS_SALT = 17


def information_topics(i: int, tiers: int) -> int:
    """How many topics of 附表5 customer i's table fills: 1 to 4 for a top-tier customer (the
    ones with annual plans), none for the others."""
    return 1 + spread(i, _TOPICS_SALT) % 4 if tier_index(i, tiers) == 0 else 0


@generator("information_meaning")
def information_meaning(ctx: Context) -> int:
    """What the customer managers learned about each top-tier customer and what it means for
    us (003 附表5), one row per topic, through one of the policy's information channels."""
    rng = ctx.rng("information_meaning")
    base = ctx.base(InformationMeaning)
    tiers = len(ctx.policy.tiers_by_rank())
    topics = InformationTopic.values
    sources = sorted(ctx.policy.sources) or [""]
    span = (HISTORY_END - HISTORY_START).days

    def rows() -> Iterator[Row]:
        n = 0
        for i in range(ctx.profile.customers):
            for topic in topics[: information_topics(i, tiers)]:
                n += 1
                information, meaning = rng.choice(pools.INFORMATION[topic])
                day = HISTORY_START.date() + datetime.timedelta(days=rng.randrange(span))
                yield (
                    base + n,
                    ctx.customer_base + 1 + i,
                    topic,
                    information,
                    meaning,
                    rng.choice(sources),
                    on_day(day, 15),
                )

    return write(
        InformationMeaning,
        ("id", "customer_id", "topic", "information", "meaning", "source", "updated_at"),
        counted(rows()),
    )


def planned(profile: Profile, policy: Policy) -> dict[str, int]:
    relationships_n = sum(key_persons(i) for i in range(profile.customers))
    completed = DealingStatus.COMPLETED.value
    slots = len(unit_plan(policy, profile)) * len(report_months())
    return {
        "relationship_events": relationships_n
        + sum(changed_since_first(n) for n in range(relationships_n)),
        "contract_summaries": sum(dealing_status(i) == completed for i in range(profile.customers)),
        "market_reports": slots + sum(has_major_news(n) for n in range(slots)),
        "information_meaning": sum(
            information_topics(i, len(policy.tiers_by_rank())) for i in range(profile.customers)
        ),
    }
