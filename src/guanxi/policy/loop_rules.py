"""Load the [improvements] and [early_warning] tables (000 §17.3–17.4, §19.3.3; 001), naming the
line of every problem.

Kept apart from `loader`, which only calls `build_improvements` and `build_early_warning`: the
feedback loop's rules read as one piece. Each part of the early warning is a sub-table
([early_warning.silence] …) with its own weight, clause and text."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from guanxi.policy.demand_rules import _number, _problem, _table
from guanxi.policy.schema import (
    BUYING_ROLES,
    WARNING_PARTS,
    EarlyWarning,
    ImprovementRules,
    WarningPart,
)

if TYPE_CHECKING:
    from guanxi.policy.loader import Problem, _Locator

IMPROVEMENTS_KEYS = {"low_ratings", "deadline_days", "answer_days", "clause", "text"}
WARNING_KEYS = {*WARNING_PARTS, "clause", "text"}
PART_KEYS = {"weight", "cap", "clause", "text"}
PART_EXTRA = {
    "satisfaction": {"window", "drop"},
    "relationship": {"roles"},
    "silence": {"days"},
    "complaints": {"breached_weight"},
}
DAYS = range(1, 3 * 366 + 1)
WEIGHTS = range(0, 1001)
CAPS = range(1, 101)
WINDOWS = range(1, 21)


def _strings(
    raw: dict[str, Any], table: str, key: str, known: set[str] | tuple[str, ...], *, at: Any
) -> tuple[str, ...]:
    where, problems = at
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.append(_problem(where.key(table, None, key), f"{key!r} must be a list"))
        return ()
    for value in values:
        if value not in known:
            problems.append(
                _problem(where.key(table, None, key), f"{key!r} names unknown {value!r}")
            )
    return tuple(v for v in values if v in known)


def build_improvements(
    data: dict[str, Any], ratings: set[str], where: _Locator, problems: list[Problem]
) -> ImprovementRules:
    raw = _table(data.get("improvements"), "improvements", IMPROVEMENTS_KEYS, where, problems)
    low = _strings(raw, "improvements", "low_ratings", ratings, at=(where, problems))
    return ImprovementRules(
        low_ratings=low,
        deadline_days=_number(raw, "improvements", "deadline_days", DAYS, 90, where, problems),
        answer_days=_number(raw, "improvements", "answer_days", DAYS, 30, where, problems),
        clause=str(raw.get("clause", "")),
        text=str(raw.get("text", "")),
    )


def _part(
    raw: dict[str, Any], key: str, where: _Locator, problems: list[Problem]
) -> tuple[WarningPart, dict[str, Any]]:
    table = f"early_warning.{key}"
    allowed = PART_KEYS | PART_EXTRA.get(key, set())
    entry = raw.get(key)
    if not isinstance(entry, dict):  # [early_warning] reported it missing
        return WarningPart(key=key, weight=0), {}
    for name in sorted(set(entry) - allowed):
        problems.append(
            _problem(where.key(table, None, name), f"[{table}] has an unknown key {name!r}")
        )
    for name in sorted(allowed - {"cap"} - set(entry)):
        problems.append(_problem(where.entry(table), f"[{table}] is missing {name!r}"))
    clause = str(entry.get("clause", ""))
    from guanxi.policy.loader import CLAUSE_RE

    if clause and not CLAUSE_RE.match(clause):
        problems.append(
            _problem(
                where.key(table, None, "clause"),
                f"clause {clause!r} must look like '000 §14.4' or '003 附表2'",
            )
        )
    part = WarningPart(
        key=key,
        weight=_number(entry, table, "weight", WEIGHTS, 0, where, problems),
        cap=_number(entry, table, "cap", CAPS, 1, where, problems),
        clause=clause,
        text=str(entry.get("text", "")),
    )
    return part, entry


def _drop(entry: dict[str, Any], where: _Locator, problems: list[Problem]) -> Decimal:
    value = entry.get("drop", 0.5)
    try:
        drop = Decimal(str(value)) if isinstance(value, int | float) else None
    except InvalidOperation:  # pragma: no cover - a float always converts
        drop = None
    if isinstance(value, bool) or drop is None or not Decimal("0.1") <= drop <= Decimal("5"):
        problems.append(
            _problem(
                where.key("early_warning.satisfaction", None, "drop"),
                "'drop' must be a number from 0.1 to 5 (points of the rating scale)",
            )
        )
        return Decimal("0.5")
    return drop


def _silence_days(
    entry: dict[str, Any], tiers: set[str], where: _Locator, problems: list[Problem]
) -> dict[str, int]:
    line = where.key("early_warning.silence", None, "days")
    days = entry.get("days")
    if not isinstance(days, dict) or set(days) != tiers:
        problems.append(
            _problem(line, f"'days' must give the days allowed for each tier: {sorted(tiers)}")
        )
        return {}
    found: dict[str, int] = {}
    for tier, value in days.items():
        if isinstance(value, bool) or not isinstance(value, int) or value not in DAYS:
            problems.append(_problem(line, f"days of {tier!r} must be a whole number of days"))
            continue
        found[tier] = value
    return found


def build_early_warning(
    data: dict[str, Any], tiers: set[str], where: _Locator, problems: list[Problem]
) -> EarlyWarning:
    raw = _table(data.get("early_warning"), "early_warning", WARNING_KEYS, where, problems)
    if not raw:
        return EarlyWarning()
    parts: dict[str, WarningPart] = {}
    entries: dict[str, dict[str, Any]] = {}
    for key in WARNING_PARTS:
        parts[key], entries[key] = _part(raw, key, where, problems)
    satisfaction, complaints = entries["satisfaction"], entries["complaints"]
    return EarlyWarning(
        parts=parts,
        satisfaction_window=_number(
            satisfaction, "early_warning.satisfaction", "window", WINDOWS, 3, where, problems
        ),
        satisfaction_drop=_drop(satisfaction, where, problems) if satisfaction else Decimal("0.5"),
        negative_roles=_strings(
            entries["relationship"],
            "early_warning.relationship",
            "roles",
            BUYING_ROLES,
            at=(where, problems),
        ),
        silence_days=_silence_days(entries["silence"], tiers, where, problems)
        if entries["silence"]
        else {},
        breached_weight=_number(
            complaints, "early_warning.complaints", "breached_weight", WEIGHTS, 0, where, problems
        ),
        clause=str(raw.get("clause", "")),
        text=str(raw.get("text", "")),
    )
