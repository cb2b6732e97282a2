"""What every generator shares: the fixed history window, the run's context, the registry
that orders generators, and progress reporting.

Rows link by id arithmetic rather than by lookups: customer `i` has id `ids.customer + i`, its
departments, contacts and dealing sit at ids computed from `i`, so a generator never reads
back what an earlier one wrote and memory stays flat at a million customers. A new record type
is one function decorated with `@generator("name")` that yields rows to `bulk.write`; generators
run in the order their modules are imported by `guanxi.seeding.generator`."""

from __future__ import annotations

import datetime
import random
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Max, Model

from guanxi.policy.schema import Policy
from guanxi.seeding.generator.bulk import Row
from guanxi.seeding.generator.profiles import Profile

# The history ends on a fixed day so the same seed gives the same rows on any day it runs.
HISTORY_END = datetime.datetime(2026, 6, 30, 18, 0, tzinfo=datetime.UTC)
HISTORY_YEARS = 5
HISTORY_START = HISTORY_END - datetime.timedelta(days=365 * HISTORY_YEARS)
_SPAN_SECONDS = int((HISTORY_END - HISTORY_START).total_seconds())
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


def departments_of(i: int) -> tuple[int, int]:
    """(offset of customer i's first department, how many it has): one or two, alternately."""
    return i + i // 2, 1 + i % 2


def key_persons(i: int) -> int:
    """How many of customer i's contacts are key persons (with a relationship)."""
    return 1 + (i % 3 == 0)


# Plans and activities -----------------------------------------------------------------------


def months() -> Iterator[datetime.date]:
    month = HISTORY_START.date().replace(day=1)
    while month <= HISTORY_END.date():
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)
