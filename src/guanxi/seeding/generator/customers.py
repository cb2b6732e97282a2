"""The customer archive: customers, their departments, key persons, relationships, dealings and
operations."""

from __future__ import annotations

import datetime
import random
from array import array
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from guanxi.customers.models import (
    BuyingRole,
    Contact,
    Customer,
    CustomerDepartment,
    Dealing,
    DealingKind,
    DealingStatus,
    Operation,
    Relationship,
    RelationshipState,
)
from guanxi.customers.validators import credit_code_check_char
from guanxi.seeding.generator import pools
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.common import (
    CONTACTS_PER_CUSTOMER,
    HISTORY_END,
    HISTORY_YEARS,
    Context,
    _moment,
    counted,
    departments_of,
    generator,
    key_persons,
    tier_index,
)

STATUSES = tuple(s.value for s in DealingStatus)
SERVED = {DealingStatus.IN_SERVICE.value, DealingStatus.COMPLETED.value}
OPPORTUNITY_STATUSES = {"lead", "negotiating", "lost"}


def _credit_code(rng: random.Random, index: int) -> str:
    """Unique by construction: the organisation code spells the customer's index."""
    prefix = rng.choice(pools.CREDIT_PREFIXES)
    digits = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body, n = "", index
    for _ in range(9):
        n, r = divmod(n, len(digits))
        body = digits[r] + body
    first17 = prefix + body
    return first17 + credit_code_check_char(first17)


def _tiers(ctx: Context) -> list[str]:
    return [t.key for t in ctx.policy.tiers_by_rank()]


def _options(ctx: Context, dimension: str) -> list[str]:
    found = ctx.policy.dimensions.get(dimension)
    return [o.key for o in found.options] if found else [""]


@generator("customers")
def customers(ctx: Context) -> int:
    rng = ctx.rng("customers")
    ctx.customer_base = ctx.base(Customer)
    total = ctx.profile.customers
    tiers = _tiers(ctx)
    dims = {d: _options(ctx, d) for d in ("industry", "scale", "value", "credit", "loyalty")}
    sources = list(ctx.policy.sources) or [""]
    unit_weights = [10 if i == 0 else 3 for i in range(len(ctx.unit_ids))]
    owners = rng.choices(range(len(ctx.unit_ids)), unit_weights, k=total)
    ctx.customer_unit = array("q", (ctx.unit_ids[o] for o in owners))
    creator = ctx.people.by_unit_role.get((ctx.unit_ids[0], "manager"), [None])[0]

    def rows() -> Iterator[Row]:
        for i in range(total):
            unit_id = ctx.customer_unit[i]
            parts = pools.customer_name_parts(rng, i)
            pinyin, initials, key = pools.search_keys(parts)
            managers = ctx.people.by_unit_role.get((unit_id, "customer_manager"), [])
            created = _moment(rng)
            yield (
                ctx.customer_base + 1 + i,
                "".join(parts),
                _credit_code(rng, ctx.customer_base + i),
                unit_id,
                tiers[tier_index(i, len(tiers))],
                *(rng.choice(dims[d]) for d in dims),
                rng.randint(1995, 2026),
                rng.choice(managers) if managers and rng.random() < 0.7 else None,
                rng.choice(sources),
                pinyin,
                initials,
                key,
                created,
                created,
                creator,
                pools.address(rng),
                f"{rng.randrange(100000, 999999)}",
                f"0{rng.randrange(10, 999)}-{rng.randrange(10_000_000, 99_999_999)}",
                pools.mobile(rng),
            )

    return write(
        Customer,
        (
            "id",
            "name",
            "credit_code",
            "owning_unit_id",
            "tier",
            "industry",
            "scale",
            "value",
            "credit",
            "loyalty",
            "cooperation_since",
            "manager_id",
            "source",
            "name_pinyin",
            "name_initials",
            "name_key",
            "created_at",
            "updated_at",
            "created_by_id",
            "address",
            "postcode",
            "phone",
            "mobile",
        ),
        counted(rows()),
    )


@generator("customer_departments")
def departments(ctx: Context) -> int:
    rng = ctx.rng("departments")
    ctx.ids["department"] = base = ctx.base(CustomerDepartment)

    def rows() -> Iterator[Row]:
        for i in range(ctx.profile.customers):
            first, count = departments_of(i)
            for n, (kind, name) in enumerate(rng.sample(pools.DEPARTMENTS, k=count)):
                yield (base + 1 + first + n, ctx.customer_base + 1 + i, kind, name, "")

    return write(
        CustomerDepartment, ("id", "customer_id", "kind", "name", "location"), counted(rows())
    )


@generator("contacts")
def contacts(ctx: Context) -> int:
    rng = ctx.rng("contacts")
    ctx.ids["contact"] = base = ctx.base(Contact)
    dept_base = ctx.ids["department"]
    consent = "名片交换时口头同意"

    def rows() -> Iterator[Row]:
        for i in range(ctx.profile.customers):
            first, count = departments_of(i)
            keys = key_persons(i)
            for k in range(CONTACTS_PER_CUSTOMER):
                surname, given = pools.person_name(rng)
                key = k < keys
                yield (
                    base + 1 + i * CONTACTS_PER_CUSTOMER + k,
                    ctx.customer_base + 1 + i,
                    dept_base + 1 + first + k % count,
                    surname + given,
                    rng.choice(pools.POSITIONS),
                    pools.mobile(rng),
                    key,
                    "客户关系维护与业务联系" if key else "",
                    consent if key else "",
                    pools.person_initials(surname, given),
                )

    return write(
        Contact,
        (
            "id",
            "customer_id",
            "department_id",
            "name",
            "position",
            "mobile",
            "is_key",
            "purpose",
            "consent_note",
            "name_initials",
        ),
        counted(rows()),
    )


class RelationshipFacts(NamedTuple):
    """What the relationships generator decided for one key person."""

    id: int
    customer: int  # index
    contact_id: int
    holder: int
    buying_role: str
    state: str
    updated_at: datetime.datetime


def relationship_facts(ctx: Context) -> Iterator[RelationshipFacts]:
    """The relationships in id order, drawn from the generator's own random stream: the
    relationship events replay it to agree with the relationships without reading them back."""
    rng = ctx.rng("relationships")
    base, contact_base = ctx.ids["relationship"], ctx.ids["contact"]
    roles = [r.value for r in BuyingRole]
    states = [s.value for s in RelationshipState]
    n = 0
    for i in range(ctx.profile.customers):
        readers = ctx.people.readers_by_unit[ctx.customer_unit[i]]
        for k in range(key_persons(i)):
            n += 1
            holder = rng.choice(readers)
            yield RelationshipFacts(
                base + n,
                i,
                contact_base + 1 + i * CONTACTS_PER_CUSTOMER + k,
                holder,
                rng.choice(roles),
                rng.choice(states),
                _moment(rng),
            )


@generator("relationships")
def relationships(ctx: Context) -> int:
    ctx.ids["relationship"] = base = ctx.base(Relationship)
    through = Relationship.holders.through
    holder_base = ctx.base(through)
    holders: list[Row] = []

    def rows() -> Iterator[Row]:
        for r in relationship_facts(ctx):
            holders.append((holder_base + r.id - base, r.id, r.holder))
            yield r.id, r.contact_id, r.buying_role, r.state, r.updated_at

    written = write(
        Relationship, ("id", "contact_id", "buying_role", "state", "updated_at"), counted(rows())
    )
    write(through, ("id", "relationship_id", "person_id"), holders)
    return written


def dealing_status(i: int) -> str:
    """Customer i's dealing status, from i alone, so operations know which were served."""
    return STATUSES[(i * 2654435761 >> 7) % len(STATUSES)]


def dealing_rows(ctx: Context) -> Iterator[Row]:
    """Customer i's dealing, in id order, from the generator's own random stream (contract
    summaries replay it to be written after the contract was signed)."""
    rng = ctx.rng("dealings")
    base = ctx.ids["dealing"]
    for i in range(ctx.profile.customers):
        status = dealing_status(i)
        contract = status not in OPPORTUNITY_STATUSES
        year = rng.randrange(HISTORY_END.year - HISTORY_YEARS + 1, HISTORY_END.year + 1)
        yield (
            base + 1 + i,
            ctx.customer_base + 1 + i,
            DealingKind.CONTRACT.value if contract else DealingKind.OPPORTUNITY.value,
            status,
            f"{rng.choice(pools.SEAS)}{rng.choice(pools.OPERATIONS)}项目",
            f"HT-{year}-{i:07d}" if contract else "",
            Decimal(rng.randrange(200_000, 80_000_000, 10_000)),
            datetime.date(year, rng.randint(1, 6), rng.randint(1, 28)) if contract else None,
            ctx.customer_unit[i],
            _moment(rng),
        )


DEALING_COLUMNS = (
    "id",
    "customer_id",
    "kind",
    "status",
    "title",
    "contract_number",
    "amount",
    "signed_on",
    "our_unit_id",
    "created_at",
)


@generator("dealings")
def dealings(ctx: Context) -> int:
    ctx.ids["dealing"] = ctx.base(Dealing)
    return write(Dealing, DEALING_COLUMNS, counted(dealing_rows(ctx)))


@generator("operations")
def operations(ctx: Context) -> int:
    rng = ctx.rng("operations")
    base = ctx.base(Operation)
    dealing_base = ctx.ids["dealing"]
    end = HISTORY_END.date()

    def rows() -> Iterator[Row]:
        n = 0
        for i in range(ctx.profile.customers):
            if dealing_status(i) not in SERVED:
                continue
            n += 1
            started = end - datetime.timedelta(days=rng.randrange(30, 365 * HISTORY_YEARS))
            ended = started + datetime.timedelta(days=rng.randrange(10, 200))
            yield (
                base + n,
                ctx.customer_base + 1 + i,
                dealing_base + 1 + i,
                rng.choice(pools.OPERATIONS),
                rng.choice(pools.SEAS),
                ctx.customer_unit[i],
                started,
                ended if ended < end else None,
            )

    return write(
        Operation,
        (
            "id",
            "customer_id",
            "dealing_id",
            "name",
            "location",
            "executing_unit_id",
            "started_on",
            "ended_on",
        ),
        counted(rows()),
    )
