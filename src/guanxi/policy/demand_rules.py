"""Load the demand and complaint rules of a policy file (002 §8; 001), naming every problem's line.

Kept apart from `loader` so the demands part of the file reads as one piece: the nine
categories of 002 §8.1.1, the severities, the [demands] table (tiers, the monthly due day)
and the [complaints] table (the first-answer clock)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guanxi.policy.schema import ComplaintRules, DemandRules, Rule

if TYPE_CHECKING:
    from guanxi.policy.loader import Problem, _Locator

RULE_KEYS = {"key", "name_zh", "name_en", "clause", "text"}
DEMAND_TABLES = ("demand_categories", "demand_severities")
DEMANDS_KEYS = {
    "report_tiers",
    "escalate_tiers",
    "urgent_severities",
    "monthly_due_day",
    "clause",
    "text",
}
COMPLAINTS_KEYS = {"answer_hours", "clause", "text"}
DUE_DAYS = range(1, 29)  # a day every month has
ANSWER_HOURS = range(1, 24 * 30 + 1)


def _problem(line: int, message: str) -> Problem:
    from guanxi.policy.loader import Problem

    return Problem(line, message)


def _rules(entries: Any, table: str, where: _Locator, problems: list[Problem]) -> dict[str, Rule]:
    from guanxi.policy.loader import CLAUSE_RE, KEY_RE

    if not isinstance(entries, list) or not entries:
        problems.append(_problem(where.entry(table), f"at least one [[{table}]] entry is needed"))
        return {}
    rules: dict[str, Rule] = {}
    for index, raw in enumerate(entries):
        for key in sorted(set(raw) - RULE_KEYS):
            problems.append(
                _problem(where.key(table, index, key), f"[[{table}]] has an unknown key {key!r}")
            )
        for key in sorted(RULE_KEYS - set(raw)):
            problems.append(_problem(where.entry(table, index), f"[[{table}]] is missing {key!r}"))
        key = raw.get("key")
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
            problems.append(
                _problem(where.key(table, index, "key"), f"key {key!r} must be lowercase letters")
            )
        elif key in rules:
            problems.append(
                _problem(where.key(table, index, "key"), f"[[{table}]] key {key!r} is used twice")
            )
        clause = raw.get("clause")
        if isinstance(clause, str) and not CLAUSE_RE.match(clause):
            problems.append(
                _problem(
                    where.key(table, index, "clause"),
                    f"clause {clause!r} must look like '000 §14.4' or '003 附表2'",
                )
            )
        text = {name: str(raw.get(name, "")) for name in RULE_KEYS}
        rules[str(key)] = Rule(
            key=text["key"],
            name_zh=text["name_zh"],
            name_en=text["name_en"],
            clause=text["clause"],
            text=text["text"],
        )
    return rules


def _table(
    raw: Any, name: str, allowed: set[str], where: _Locator, problems: list[Problem]
) -> dict[str, Any]:
    """A single required table with exactly `allowed` keys and a clause."""
    from guanxi.policy.loader import CLAUSE_RE

    if not isinstance(raw, dict):
        problems.append(_problem(where.entry(name), f"a [{name}] table is needed"))
        return {}
    for key in sorted(set(raw) - allowed):
        problems.append(
            _problem(where.key(name, None, key), f"[{name}] has an unknown key {key!r}")
        )
    for key in sorted(allowed - set(raw)):
        problems.append(_problem(where.entry(name), f"[{name}] is missing {key!r}"))
    clause = raw.get("clause")
    if isinstance(clause, str) and not CLAUSE_RE.match(clause):
        problems.append(
            _problem(
                where.key(name, None, "clause"),
                f"clause {clause!r} must look like '000 §14.4' or '003 附表2'",
            )
        )
    return raw


def _keys(
    raw: dict[str, Any],
    key: str,
    known: set[str] | dict[str, Any],
    where: _Locator,
    problems: list[Problem],
) -> tuple[str, ...]:
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.append(_problem(where.key("demands", None, key), f"{key!r} must be a list"))
        return ()
    for value in values:
        if value not in known:
            problems.append(
                _problem(where.key("demands", None, key), f"{key!r} names unknown {value!r}")
            )
    return tuple(v for v in values if v in known)


def _number(
    raw: dict[str, Any],
    table: str,
    key: str,
    allowed: range,
    default: int,
    where: _Locator,
    problems: list[Problem],
) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        problems.append(
            _problem(
                where.key(table, None, key),
                f"{key!r} must be a whole number from {allowed.start} to {allowed.stop - 1}",
            )
        )
        return default
    return int(value)


def build_demands(
    data: dict[str, Any], tiers: set[str], where: _Locator, problems: list[Problem]
) -> DemandRules:
    categories = _rules(data.get("demand_categories"), "demand_categories", where, problems)
    severities = _rules(data.get("demand_severities"), "demand_severities", where, problems)
    raw = _table(data.get("demands"), "demands", DEMANDS_KEYS, where, problems)
    return DemandRules(
        categories=categories,
        severities=severities,
        report_tiers=_keys(raw, "report_tiers", tiers, where, problems),
        escalate_tiers=_keys(raw, "escalate_tiers", tiers, where, problems),
        urgent_severities=_keys(raw, "urgent_severities", severities, where, problems),
        monthly_due_day=_number(raw, "demands", "monthly_due_day", DUE_DAYS, 28, where, problems),
        clause=str(raw.get("clause", "")),
        text=str(raw.get("text", "")),
    )


def build_complaints(
    data: dict[str, Any], where: _Locator, problems: list[Problem]
) -> ComplaintRules:
    raw = _table(data.get("complaints"), "complaints", COMPLAINTS_KEYS, where, problems)
    return ComplaintRules(
        answer_hours=_number(raw, "complaints", "answer_hours", ANSWER_HOURS, 24, where, problems),
        clause=str(raw.get("clause", "")),
        text=str(raw.get("text", "")),
    )
