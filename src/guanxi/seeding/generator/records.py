"""One small generator per record type, in load order, each writing its table in bulk.

Rows link by id arithmetic rather than by lookups: customer `i` has id `ids.customer + i`, its
departments, contacts and dealing sit at ids computed from `i`, so a generator never reads
back what an earlier one wrote and memory stays flat at a million customers. A new record type
is one function decorated with `@generator("name")` that yields rows to `bulk.write`.

Generators run in the order they are registered: these first, then those of `archive`
(relationship events, contract summaries, market reports), `keycustomers` (customer plans,
campaigns) and `visits`, which build on them and are imported after this module.
"""

from __future__ import annotations

import datetime
import json
import random
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Max, Model
from django.utils.translation import gettext_lazy

from guanxi.access import partitions
from guanxi.access.chain import GENESIS_HASH, LOG_COLUMNS, BulkRow, bulk_chain
from guanxi.access.models import AccessLogEntry, ChainHead, Channel
from guanxi.activities.models import Activity, ActivityStatus
from guanxi.approvals.models import Approval
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
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.plans.models import Kind as PlanKind
from guanxi.plans.models import Period, Plan, PlanItem, PlanStatus, period_start
from guanxi.policy.schema import Policy
from guanxi.seeding.demo import DEMO_PASSWORD
from guanxi.seeding.generator import pools
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.profiles import Profile

# The history ends on a fixed day so the same seed gives the same rows on any day it runs.
HISTORY_END = datetime.datetime(2026, 6, 30, 18, 0, tzinfo=datetime.UTC)
HISTORY_YEARS = 5
HISTORY_START = HISTORY_END - datetime.timedelta(days=365 * HISTORY_YEARS)
_SPAN_SECONDS = int((HISTORY_END - HISTORY_START).total_seconds())
STATUSES = tuple(s.value for s in DealingStatus)
SERVED = {DealingStatus.IN_SERVICE.value, DealingStatus.COMPLETED.value}
OPPORTUNITY_STATUSES = {"lead", "negotiating", "lost"}
CONTACTS_PER_CUSTOMER = 3


@dataclass
class People:
    """Who was seeded where: ids by unit and role, and who may read a unit's customers."""

    by_unit_role: dict[tuple[int, str], list[int]] = field(default_factory=dict)
    usernames: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # as str(person) shows them
    readers_by_unit: dict[int, list[int]] = field(default_factory=dict)
    granted: dict[tuple[str, int, bool], list[int]] = field(default_factory=dict)


@dataclass
class Context:
    profile: Profile
    seed: int
    policy: Policy
    unit_ids: list[int] = field(default_factory=list)
    unit_codes: list[str] = field(default_factory=list)
    unit_names: list[str] = field(default_factory=list)
    unit_paths: dict[int, str] = field(default_factory=dict)
    people: People = field(default_factory=People)
    customer_base: int = 0
    customer_unit: array[int] = field(default_factory=lambda: array("q"))
    ids: dict[str, int] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def base(self, model: type[Model]) -> int:
        """The id before the first row this run writes to `model` (tables may hold rows)."""
        top = model._default_manager.aggregate(top=Max("pk"))["top"]
        return int(top or 0)


Generator = Callable[[Context], int]
REGISTRY: list[tuple[str, Generator]] = []


def generator(name: str) -> Callable[[Generator], Generator]:
    """Register a generator under `name`; they run in the order they are defined."""

    def register(function: Generator) -> Generator:
        REGISTRY.append((name, function))
        return function

    return register


# Progress -------------------------------------------------------------------------------------

Progress = Callable[[int], None]
_progress: Progress = lambda n: None  # noqa: E731


def set_progress(callback: Progress) -> None:
    global _progress
    _progress = callback


def counted(rows: Iterable[Row], every: int = 10_000) -> Iterator[Row]:
    """Pass rows through, telling the progress bar every `every` rows."""
    n = 0
    for row in rows:
        yield row
        n += 1
        if n == every:
            _progress(n)
            n = 0
    _progress(n)


def _moment(rng: random.Random) -> datetime.datetime:
    return HISTORY_START + datetime.timedelta(seconds=rng.randrange(_SPAN_SECONDS))


def on_day(day: datetime.date, hour: int) -> datetime.datetime:
    """`hour` o'clock on `day`, but never after the end of the history."""
    return min(
        datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC), HISTORY_END
    )


# Organisation ---------------------------------------------------------------------------------


def unit_plan(policy: Policy, profile: Profile) -> list[tuple[str, str, int | None]]:
    """(code, kind, parent index) for the tree the policy's unit kinds allow."""
    root = policy.root_kind()
    plan: list[tuple[str, str, int | None]] = [("HQ", root.key, None)]
    children = [k for k in policy.unit_kinds.values() if root.key in k.parents]
    for kind in children:
        for n in range(1, profile.units_per_kind + 1):
            plan.append((f"{kind.key[:3].upper()}{n}", kind.key, 0))
    for index, (code, kind_key, _parent) in enumerate(list(plan)):
        for grand in policy.unit_kinds.values():
            if kind_key in grand.parents and grand.key != kind_key and kind_key != root.key:
                for n in range(1, profile.units_per_parent + 1):
                    plan.append((f"{code}-{grand.key[:1].upper()}{n}", grand.key, index))
    return plan


@generator("units")
def units(ctx: Context) -> int:
    rng = ctx.rng("units")
    base = ctx.base(Unit)
    plan = unit_plan(ctx.policy, ctx.profile)
    rows: list[Row] = []
    for index, (code, kind_key, parent) in enumerate(plan):
        unit_id = base + 1 + index
        parent_id = None if parent is None else base + 1 + parent
        path = f"{ctx.unit_paths[parent_id] if parent_id else '/'}{unit_id}/"
        ctx.unit_paths[unit_id] = path
        ctx.unit_ids.append(unit_id)
        ctx.unit_codes.append(code)
        kind = ctx.policy.unit_kinds[kind_key]
        city = "北京" if parent is None else rng.choice(pools.CITIES)
        name = f"{city}{kind.name_zh}"
        ctx.unit_names.append(name)
        rows.append((unit_id, parent_id, kind_key, code, name, f"{city} {kind.name_en}", path))
    return write(Unit, ("id", "parent_id", "kind", "code", "name", "name_en", "path"), rows)


def _roles_for(ctx: Context, unit_index: int) -> list[tuple[str, int]]:
    """(role, how many) for a unit: the root holds every role, other units the line roles."""
    roles = ctx.policy.roles
    each = ctx.profile.staff_per_unit
    if unit_index == 0:
        return [(key, each if key == "staff" else 1) for key in roles]
    wanted = [("manager", 1), ("customer_manager", max(1, each // 2)), ("staff", each)]
    return [(key, n) for key, n in wanted if key in roles]


@generator("people")
def people(ctx: Context) -> int:
    rng = ctx.rng("people")
    base = ctx.base(Person)
    membership_base = ctx.base(Membership)
    password = make_password(DEMO_PASSWORD)  # one hash for all seeded accounts: seeding speed
    joined = HISTORY_START
    person_rows: list[Row] = []
    membership_rows: list[Row] = []
    readers = {role.key for role in ctx.policy.roles.values() if "customer.view" in role.grants}
    for index, unit_id in enumerate(ctx.unit_ids):
        code = ctx.unit_codes[index]
        for role, count in _roles_for(ctx, index):
            for n in range(1, count + 1):
                person_id = base + 1 + len(person_rows)
                username = f"{code.lower()}.{role}" + ("" if n == 1 else str(n))
                superuser = index == 0 and role == "admin"
                display_name = "".join(pools.person_name(rng))
                person_rows.append(
                    (
                        person_id,
                        password,
                        superuser,
                        username,
                        f"{username}@guanxi.example",
                        superuser,
                        True,
                        joined,
                        display_name,
                        pools.mobile(rng),
                    )
                )
                membership_rows.append(
                    (membership_base + len(membership_rows) + 1, person_id, unit_id, role)
                )
                ctx.people.by_unit_role.setdefault((unit_id, role), []).append(person_id)
                ctx.people.usernames[person_id] = username
                ctx.people.names[person_id] = display_name
    for unit_id in ctx.unit_ids:
        line = [int(part) for part in ctx.unit_paths[unit_id].strip("/").split("/")]
        ctx.people.readers_by_unit[unit_id] = [
            person
            for (unit, role), ids in ctx.people.by_unit_role.items()
            if unit in line and role in readers
            for person in ids
        ]
    written = write(
        Person,
        (
            "id",
            "password",
            "is_superuser",
            "username",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "display_name",
            "phone",
        ),
        person_rows,
    )
    write(Membership, ("id", "person_id", "unit_id", "role"), membership_rows)
    return written


def grantees(ctx: Context, grant: str, unit_id: int, *, own_unit: bool = False) -> list[int]:
    """People whose role grants `grant` over `unit_id`: members of the unit or of a unit above
    it (a membership covers its unit's subtree), or only of the unit itself with `own_unit`.
    HQ's manager when nobody is found, so every record has someone entitled to write it."""
    key = (grant, unit_id, own_unit)
    found = ctx.people.granted.get(key)
    if found is None:
        roles = [r.key for r in ctx.policy.roles.values() if grant in r.grants]
        line = [int(part) for part in ctx.unit_paths[unit_id].strip("/").split("/")]
        units = [unit_id] if own_unit else line
        by_unit_role = ctx.people.by_unit_role
        found = [p for u in units for role in roles for p in by_unit_role.get((u, role), [])]
        if not found and own_unit:
            found = grantees(ctx, grant, unit_id)
        found = found or ctx.people.by_unit_role[(ctx.unit_ids[0], "manager")][:1]
        ctx.people.granted[key] = found
    return found


# Customers ------------------------------------------------------------------------------------

_MASK = (1 << 64) - 1


def spread(n: int, salt: int) -> int:
    """A well-mixed 64-bit number from `n` (splitmix64): structure derived from an index
    alone, so later generators know it without reading rows back."""
    z = (n * 0x9E3779B97F4A7C15 + salt) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


_TIER_SALT = 7


def tier_index(i: int, tiers: int) -> int:
    """Customer i's tier, 0 the highest, from i alone: each tier holds four times as many
    customers as the one above it. Visits and customer plans go to the top tiers by it."""
    draw = spread(i, _TIER_SALT) % ((4**tiers - 1) // 3)
    index, bound = 0, 1
    while draw >= bound:
        index += 1
        bound += 4**index
    return index


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


def departments_of(i: int) -> tuple[int, int]:
    """(offset of customer i's first department, how many it has): one or two, alternately."""
    return i + i // 2, 1 + i % 2


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


def key_persons(i: int) -> int:
    """How many of customer i's contacts are key persons (with a relationship)."""
    return 1 + (i % 3 == 0)


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


# Plans and activities -----------------------------------------------------------------------


def months() -> Iterator[datetime.date]:
    month = HISTORY_START.date().replace(day=1)
    while month <= HISTORY_END.date():
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


@generator("plans")
def plans(ctx: Context) -> int:
    """Every unit's plans of every kind for each period of the five years, accepted by HQ
    (the last period still awaiting a decision)."""
    rng = ctx.rng("plans")
    base = ctx.base(Plan)
    hq_manager = ctx.people.by_unit_role[(ctx.unit_ids[0], "manager")][0]

    def rows() -> Iterator[Row]:
        n = 0
        for unit_id in ctx.unit_ids:
            author = (ctx.people.by_unit_role.get((unit_id, "manager")) or [hq_manager])[0]
            for kind in PlanKind.values:
                rule = ctx.policy.plans.get(kind)
                period = rule.periods[0] if rule and rule.periods else Period.MONTH.value
                starts = sorted({period_start(period, m) for m in months()})
                for index, start in enumerate(starts):
                    n += 1
                    last = index == len(starts) - 1
                    submitted = datetime.datetime.combine(
                        start, datetime.time(9), tzinfo=datetime.UTC
                    ) - datetime.timedelta(days=rng.randint(3, 12))
                    yield (
                        base + n,
                        unit_id,
                        kind,
                        period,
                        start,
                        PlanStatus.SUBMITTED.value if last else PlanStatus.ACCEPTED.value,
                        1,
                        submitted,
                        None if last else submitted + datetime.timedelta(days=rng.randint(1, 3)),
                        None if last else hq_manager,
                        author,
                    )

    return write(
        Plan,
        (
            "id",
            "unit_id",
            "kind",
            "period",
            "starts",
            "status",
            "revision",
            "submitted_at",
            "decided_at",
            "decided_by_id",
            "created_by_id",
        ),
        counted(rows()),
    )


PLAN_ITEM_CONTENT = {
    PlanKind.CARE.value: (
        "走访慰问关键人员",
        "赠送节日礼品并交流下一阶段合作",
        "邀请参加公司技术开放日",
    ),
    PlanKind.VISIT.value: (
        "了解作业后服务质量评价",
        "收集客户对作业方案的意见",
        "回访设备使用情况",
    ),
    PlanKind.SEMINAR.value: ("介绍新技术新工艺", "交流增产措施经验", "研讨区块开发方案"),
}


@generator("plan_items")
def plan_items(ctx: Context) -> int:
    """The items of every plan, spread evenly over the plans and stored plan by plan, each at a
    customer of the plan's unit line, dated inside the plan's period. Costs sit mostly under the
    approval threshold."""
    from guanxi.plans.services import period_end

    rng = ctx.rng("plan_items")
    base = ctx.base(PlanItem)
    plan_rows = list(
        Plan.objects.order_by("id").values_list("id", "unit_id", "kind", "period", "starts")
    )
    if not plan_rows or not ctx.profile.plan_items:
        return 0
    by_unit: dict[int, array[int]] = {}
    for i, unit_id in enumerate(ctx.customer_unit):
        by_unit.setdefault(unit_id, array("q")).append(i)
    spans = {
        (period, starts): (period_end(period, starts) - starts).days + 1
        for _pk, _unit, _kind, period, starts in plan_rows
    }
    costs = _costs(ctx)
    first = ctx.customer_base + 1

    def rows() -> Iterator[Row]:
        total = ctx.profile.plan_items
        for n in range(total):
            # a plan's items are entered together, so they sit together in the table
            plan_id, unit_id, kind, period, starts = plan_rows[n * len(plan_rows) // total]
            own = by_unit.get(unit_id)
            customer = first + own[rng.randrange(len(own))] if own else None
            yield (
                base + 1 + n,
                plan_id,
                rng.choice(ACTIVITY_NAMES[kind]),
                rng.choice(pools.CITIES),
                starts + datetime.timedelta(days=rng.randrange(spans[(period, starts)])),
                customer,
                rng.randint(1, 8),
                rng.choice(PLAN_ITEM_CONTENT[kind]),
                rng.choice(costs),
            )

    return write(
        PlanItem,
        (
            "id",
            "plan_id",
            "name",
            "place",
            "when",
            "customer_id",
            "customer_count",
            "content",
            "cost",
        ),
        counted(rows()),
    )


def _cost_threshold(ctx: Context) -> Decimal:
    """The lowest amount above which an activity's cost needs approval (policy)."""
    from guanxi.activities.services import COST_KIND

    limits = [
        r.amount_above for r in ctx.policy.approvals if r.kind == COST_KIND and r.amount_above
    ]
    return min(limits, default=Decimal(1_000_000))


def _costs(ctx: Context) -> list[Decimal]:
    """Costs to draw from: about one in nine above the approval threshold, as in practice
    (most care and visits are small; seminars and large events are not)."""
    limit = int(_cost_threshold(ctx))
    small = [Decimal(c) for c in range(500, limit * 2 // 3, max(limit // 300, 1))]
    large = [Decimal(c) for c in range(limit + 100, limit * 8 // 3, max(limit // 60, 1))]
    return small * max(len(large) * 8 // max(len(small), 1), 1) + large


_ACTIVITY_COST_TITLE = gettext_lazy("Activity cost: %(name)s, %(cost)s")


def _money_sql(vendor: str, column: str) -> str:
    """`column` as guanxi.formats.money writes it (12,345.60 元), in SQL: SQLite's printf
    groups thousands only for integers, so yuan and fen are printed apart. Costs are >= 0."""
    if vendor == "postgresql":
        return f"to_char({column}, 'FM999,999,999,990.00') || ' 元'"
    fen = f"CAST(round({column} * 100) AS INTEGER)"
    # doubled percent signs: the statement runs with parameters
    return f"printf('%%,d', {fen} / 100) || '.' || printf('%%02d', {fen} %% 100) || ' 元'"


ACTIVITY_NAMES = {
    PlanKind.CARE.value: ("节日慰问", "生日关怀", "项目交流座谈"),
    PlanKind.VISIT.value: ("作业后回访", "季度服务回访", "技术交流回访"),
    PlanKind.SEMINAR.value: ("技术研讨会", "新技术推介会", "客户座谈会"),
}
ACTIVITY_RESULTS = ("客户满意，提出后续合作意向", "了解到明年作业计划", "客户反馈服务质量良好", "")


@generator("activities")
def activities(ctx: Context) -> int:
    """Care activities, service visits and seminars over five years, at random customers,
    by a person of the customer's unit line; older ones written off."""
    rng = ctx.rng("activities")
    base = ctx.base(Activity)
    ctx.ids["activity_base"] = base
    kinds = PlanKind.values  # care, visit, seminar in turn
    span_days = (HISTORY_END - HISTORY_START).days
    start = HISTORY_START.date()
    recent = span_days - 60  # the last two months are not written off yet

    # values made once and drawn from: a Decimal or datetime per row is the slow part
    dates = [start + datetime.timedelta(days=d) for d in range(span_days)]
    stamps = [datetime.datetime.combine(d, datetime.time(18), tzinfo=datetime.UTC) for d in dates]
    costs = _costs(ctx)
    done, written_off = ActivityStatus.CARRIED_OUT.value, ActivityStatus.WRITTEN_OFF.value
    customer_unit, readers = ctx.customer_unit, ctx.people.readers_by_unit
    customers_n, first = ctx.profile.customers, ctx.customer_base + 1

    def rows() -> Iterator[Row]:
        total = ctx.profile.activities
        for n in range(total):
            i = rng.randrange(customers_n)
            unit_id = customer_unit[i]
            kind = kinds[n % len(kinds)]
            day = n * span_days // total  # recorded as they happen: ids follow the dates
            yield (
                base + 1 + n,
                unit_id,
                kind,
                rng.choice(ACTIVITY_NAMES[kind]),
                first + i,
                dates[day],
                rng.choice(pools.CITIES),
                rng.choice(costs),
                rng.choice(ACTIVITY_RESULTS),
                written_off if day < recent else done,
                rng.choice(readers[unit_id]),
                stamps[day],
            )

    return write(
        Activity,
        (
            "id",
            "unit_id",
            "kind",
            "name",
            "customer_id",
            "date",
            "place",
            "cost",
            "result",
            "status",
            "created_by_id",
            "created_at",
        ),
        counted(rows()),
    )


@generator("approvals")
def approvals(ctx: Context) -> int:
    """HQ's approval of every activity whose cost is above the policy's threshold (000 §14.4),
    with its steps: decided where the activity was written off, awaiting HQ's decision where
    it was carried out but not written off yet (the write-off waits for it).

    Written set-based (INSERT … SELECT from the activities, per unit and cost band), so the
    chain of each unit comes from `approvals.services.chain_for`, the same as a live request.
    """
    import re

    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from guanxi.activities.services import COST_KIND
    from guanxi.approvals.models import Decision, Status, Step
    from guanxi.approvals.services import PlannedStep, _rule_records, chain_for

    rules = [r for r in ctx.policy.approvals if r.kind == COST_KIND and r.amount_above is not None]
    if not rules or "activity_base" not in ctx.ids:
        return 0
    limits = sorted({r.amount_above for r in rules if r.amount_above is not None})
    bands = [(low, limits[i + 1] if i + 1 < len(limits) else None) for i, low in enumerate(limits)]
    with translation.override("zh-hans"):
        template = str(_ACTIVITY_COST_TITLE)
    pieces = re.split(r"%\((name|cost)\)s", template)  # text, name, text, cost, text
    title = " || ".join(
        "%s"
        if n % 2 == 0
        else ("a.name" if piece == "name" else _money_sql(connection.vendor, "a.cost"))
        for n, piece in enumerate(pieces)
    )
    title_params = [piece for n, piece in enumerate(pieces) if n % 2 == 0]
    ops = connection.ops
    carried_out = ActivityStatus.CARRIED_OUT.value  # not written off yet: approval pending
    activity_type = ContentType.objects.get_for_model(Activity).pk
    approval_base = ctx.base(Approval)
    activity_base = ctx.ids["activity_base"]
    json_param = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    activity_t, approval_t, step_t = (
        Activity._meta.db_table,
        Approval._meta.db_table,
        Step._meta.db_table,
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ctx.unit_ids)}
    # Units whose requests take the same chain in the same cost band are written together:
    # one statement per group, not one per unit (a scan of the activities each).
    groups: dict[tuple[Any, ...], tuple[list[PlannedStep], list[int]]] = {}
    for unit_id in ctx.unit_ids:
        for low, high in bands:
            chain = chain_for(
                kind=COST_KIND, amount=low + Decimal("0.01"), requesting_unit=units[unit_id]
            )
            if chain:
                signature = (low, high, *((p.unit.pk, p.role, p.rule.key) for p in chain))
                groups.setdefault(signature, (chain, []))[1].append(unit_id)
    written = 0
    with connection.cursor() as cursor:
        for (low, high, *_steps), (chain, group) in groups.items():
            marks = ", ".join(["%s"] * len(group))
            where = f"a.unit_id IN ({marks}) AND a.id > %s AND a.cost > %s"
            where_params: list[int | str | Decimal | None] = [
                *group,
                activity_base,
                ops.adapt_decimalfield_value(low),
            ]
            if high is not None:
                where += " AND a.cost <= %s"
                where_params.append(ops.adapt_decimalfield_value(high))
            where += " ORDER BY a.id"  # ids in a fixed order: the same seed, the same rows
            cursor.execute(
                f"INSERT INTO {approval_t} (id, kind, subject_type_id, subject_id, title, "  # noqa: S608 - names from model metadata
                "requesting_unit_id, requested_by_id, requested_at, amount, status, "
                "current_step, rules, decided_at, version) "
                f"SELECT %s + a.id, %s, %s, a.id, {title}, a.unit_id, a.created_by_id, "
                "a.created_at, a.cost, CASE WHEN a.status = %s THEN %s ELSE %s END, "
                f"CASE WHEN a.status = %s THEN 1 ELSE %s END, {json_param}, "
                "CASE WHEN a.status = %s THEN NULL ELSE a.created_at END, 1 "
                f"FROM {activity_t} a WHERE {where}",
                [
                    approval_base - activity_base,
                    COST_KIND,
                    activity_type,
                    *title_params,
                    carried_out,
                    Status.PENDING.value,
                    Status.APPROVED.value,
                    carried_out,
                    len(chain),
                    json.dumps(_rule_records(chain), ensure_ascii=False),
                    carried_out,
                    *where_params,
                ],
            )
            written += max(cursor.rowcount, 0)
            for position, planned in enumerate(chain, start=1):
                decider = ctx.people.by_unit_role.get((planned.unit.pk, planned.role), [None])[0]
                cursor.execute(
                    f"INSERT INTO {step_t} (approval_id, position, unit_id, role, clause, "  # noqa: S608 - names from model metadata
                    "decision, decided_by_id, on_behalf_of_id, decided_at, comment) "
                    "SELECT %s + a.id, %s, %s, %s, %s, "
                    "CASE WHEN a.status = %s THEN %s ELSE %s END, "
                    "CASE WHEN a.status = %s THEN NULL ELSE %s END, NULL, "
                    "CASE WHEN a.status = %s THEN NULL ELSE a.created_at END, '' "
                    f"FROM {activity_t} a WHERE {where}",
                    [
                        approval_base - activity_base,
                        position,
                        planned.unit.pk,
                        planned.role,
                        planned.rule.clause,
                        carried_out,
                        (Decision.PENDING if position == 1 else Decision.WAITING).value,
                        Decision.APPROVED.value,
                        carried_out,
                        decider,
                        carried_out,
                        *where_params,
                    ],
                )
    _progress(written)
    return written


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


def planned(profile: Profile, policy: Policy | None = None) -> dict[str, int]:
    """How many rows each generator will write, for the progress bars (under `policy`, by
    default the current one: the organisation and the tiers come from it)."""
    from guanxi.seeding.generator import archive, keycustomers, visits

    if policy is None:
        from guanxi.policy.loader import current

        policy = current()
    customers_n = profile.customers
    return {
        "customers": customers_n,
        "customer_departments": customers_n + customers_n // 2,
        "contacts": customers_n * CONTACTS_PER_CUSTOMER,
        "relationships": sum(key_persons(i) for i in range(customers_n)),
        "dealings": customers_n,
        "operations": customers_n * 2 // len(STATUSES),
        "plan_items": profile.plan_items,
        "activities": profile.activities,
        "approvals": profile.activities // 9,
        "access_log": profile.access_log,
        **archive.planned(profile, policy),
        **keycustomers.planned(profile, policy),
        **visits.planned(profile),
    }


def sequences_models() -> list[type[Model]]:
    """Tables written with explicit ids, whose PostgreSQL sequences must move past them."""
    from guanxi.seeding.generator import archive, keycustomers, visits

    return [
        Unit,
        Person,
        Membership,
        Customer,
        CustomerDepartment,
        Contact,
        Relationship,
        Relationship.holders.through,
        Dealing,
        Operation,
        Plan,
        PlanItem,
        Activity,
        Approval,
        *archive.SEQUENCES,
        *keycustomers.SEQUENCES,
        *visits.SEQUENCES,
    ]


def analyse() -> None:
    """Fresh statistics, so the planner knows the tables are big now. On PostgreSQL also a
    VACUUM: it sets the hint bits and visibility map of the freshly loaded rows once, instead
    of the first readers doing it (the first `audit verify` took twice as long without it)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
