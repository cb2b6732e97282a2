"""Load and validate policy files, naming the line of every problem."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TypedDict

from guanxi.policy.feedback import build_feedback
from guanxi.policy.schema import (
    APPROVAL_OWN_UNIT,
    DIMENSION_KEYS,
    PERMISSIONS,
    PLAN_ITEM_FIELDS,
    PLAN_KINDS,
    PLAN_PERIODS,
    REVIEW_FIELDS,
    ROLE_KEYS,
    ApprovalRule,
    ApprovalStep,
    ContactKind,
    Dimension,
    Exports,
    Option,
    PlanKind,
    Policy,
    Review,
    Role,
    Security,
    Source,
    Tier,
    UnitKind,
)

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CLAUSE_RE = re.compile(r"^00[0-9] (§[0-9][0-9.]*|附表[0-9一二三四五六七八九十]+|附件[0-9]+)")
RULE_KEYS = {"key", "name_zh", "name_en", "clause", "text"}
OPTION_KEYS = {"key", "name_zh", "name_en"}
TABLE_KEYS = {
    "unit_kinds": RULE_KEYS | {"parents", "sees_all"},
    "roles": RULE_KEYS | {"grants"},
    "tiers": RULE_KEYS | {"rank"},
    "dimensions": RULE_KEYS | {"options"},
    "sources": RULE_KEYS | {"level"},
    "plans": RULE_KEYS | {"periods", "submitted_by", "submit_days_before", "fields"},
    "approvals": RULE_KEYS | {"kind", "amount_above", "requester_kinds", "steps", "blocks"},
    "contact_kinds": RULE_KEYS,
}
OPTIONAL_KEYS = {"approvals": {"amount_above", "requester_kinds", "blocks"}}
SUBMIT_DAYS = range(0, 367)
SOURCE_LEVELS = range(1, 5)
REVIEW_KEYS = {"required", "stale_after_days", "review_every_months", "clause", "text"}
REVIEW_STALE_DAYS = range(1, 3661)
REVIEW_MONTHS = range(1, 13)
SECURITY_KEYS = {"session_idle_minutes", "webhook_private_addresses", "clause", "text"}
SESSION_IDLE_MINUTES = range(1, 24 * 60 + 1)
EXPORTS_KEYS = {"confirm_above", "clause", "text"}
EXPORT_CONFIRM_ABOVE = range(1, 100_000 + 1)
STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'')


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class PolicyError(Exception):
    def __init__(self, path: Path, problems: list[Problem]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {path}:{problem}" for problem in problems)
        super().__init__(f"policy file {path} has {len(problems)} problem(s):\n{lines}")


class _Locator:
    """Finds the line of an entry or a key, since tomllib reports none after parsing."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines, start=1):
            if match := re.match(r"^\s*\[\[?\s*([A-Za-z0-9_.-]+)\s*\]\]?", line):
                self.headers.setdefault(match.group(1), []).append(number)

    def entry(self, table: str, index: int | None = None) -> int:
        found = self.headers.get(table, [])
        if index is None:
            return found[0] if found else 1
        return found[index] if index < len(found) else 1

    def key(self, table: str, index: int | None, key: str) -> int:
        start = self.entry(table, index)
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if number > start and re.match(r"^\s*\[", line):
                break
            if re.match(rf"^\s*{re.escape(key)}\s*=", line):
                return number
        return start

    def item(self, table: str, index: int, key: str, position: int) -> int:
        """The line of the position-th inline table in the array under key, else the key's line."""
        start = self.key(table, index, key)
        depth = seen = 0
        for number in range(start, len(self.lines) + 1):
            bare = STRING_RE.sub('""', self.lines[number - 1]).split("#", 1)[0]
            if number == start:
                if "=" not in bare:
                    return start
                bare = bare.split("=", 1)[1]
            depth += bare.count("[") - bare.count("]")
            seen += bare.count("{")
            if seen > position:
                return number
            if depth <= 0:
                break
        return start


class _RuleFields(TypedDict):
    key: str
    name_zh: str
    name_en: str
    clause: str
    text: str


def _rule_fields(raw: dict[str, Any]) -> _RuleFields:
    return _RuleFields(
        key=str(raw.get("key")),
        name_zh=str(raw.get("name_zh")),
        name_en=str(raw.get("name_en")),
        clause=str(raw.get("clause")),
        text=str(raw.get("text")),
    )


def _check_rule(
    raw: dict[str, Any], table: str, index: int, where: _Locator, problems: list[Problem]
) -> None:
    def report(key: str, message: str) -> None:
        problems.append(Problem(where.key(table, index, key), message))

    for key in sorted(set(raw) - TABLE_KEYS[table]):
        report(key, f"[[{table}]] has an unknown key {key!r}")
    for key in sorted(TABLE_KEYS[table] - OPTIONAL_KEYS.get(table, set()) - set(raw)):
        problems.append(Problem(where.entry(table, index), f"[[{table}]] is missing {key!r}"))
    for key in RULE_KEYS & set(raw):
        if not isinstance(raw[key], str) or not raw[key].strip():
            report(key, f"{key!r} must be a non-empty string")
    if isinstance(raw.get("key"), str) and not KEY_RE.fullmatch(raw["key"]):
        report("key", f"key {raw['key']!r} must be lowercase letters, digits and underscores")
    if isinstance(raw.get("clause"), str) and not CLAUSE_RE.match(raw["clause"]):
        report("clause", f"clause {raw['clause']!r} must look like '000 §14.4' or '003 附表2'")


def _build_unit_kinds(
    entries: list[dict[str, Any]], where: _Locator, problems: list[Problem]
) -> dict[str, UnitKind]:
    kinds: dict[str, UnitKind] = {}
    for index, raw in enumerate(entries):
        parents = raw.get("parents", [])
        if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
            problems.append(
                Problem(
                    where.key("unit_kinds", index, "parents"),
                    "'parents' must be a list of unit kind keys",
                )
            )
            parents = []
        if not isinstance(raw.get("sees_all", False), bool):
            problems.append(
                Problem(
                    where.key("unit_kinds", index, "sees_all"), "'sees_all' must be true or false"
                )
            )
        kinds[str(raw.get("key"))] = UnitKind(
            key=str(raw.get("key")),
            name_zh=str(raw.get("name_zh")),
            name_en=str(raw.get("name_en")),
            clause=str(raw.get("clause")),
            text=str(raw.get("text")),
            parents=tuple(parents),
            sees_all=raw.get("sees_all") is True,
        )
    for index, kind in enumerate(kinds.values()):
        for parent in kind.parents:
            if parent not in kinds:
                problems.append(
                    Problem(
                        where.key("unit_kinds", index, "parents"),
                        f"unit kind {kind.key!r} names an unknown parent {parent!r}",
                    )
                )
    roots = [kind.key for kind in kinds.values() if not kind.parents]
    if len(roots) != 1:
        problems.append(
            Problem(
                where.entry("unit_kinds"),
                f"exactly one unit kind must have parents = [] (found {roots})",
            )
        )
    return kinds


def _build_roles(
    entries: list[dict[str, Any]], where: _Locator, problems: list[Problem]
) -> dict[str, Role]:
    roles: dict[str, Role] = {}
    for index, raw in enumerate(entries):
        grants = raw.get("grants", [])
        if not isinstance(grants, list):
            grants = []
        for grant in grants:
            if grant not in PERMISSIONS:
                problems.append(
                    Problem(
                        where.key("roles", index, "grants"),
                        f"role {raw.get('key')!r} grants unknown permission {grant!r}",
                    )
                )
        if raw.get("key") not in ROLE_KEYS:
            problems.append(
                Problem(
                    where.key("roles", index, "key"),
                    f"role key {raw.get('key')!r} is not one of {', '.join(ROLE_KEYS)}",
                )
            )
        roles[str(raw.get("key"))] = Role(
            key=str(raw.get("key")),
            name_zh=str(raw.get("name_zh")),
            name_en=str(raw.get("name_en")),
            clause=str(raw.get("clause")),
            text=str(raw.get("text")),
            grants=frozenset(g for g in grants if g in PERMISSIONS),
        )
    return roles


def _build_tiers(
    entries: list[dict[str, Any]], where: _Locator, problems: list[Problem]
) -> dict[str, Tier]:
    tiers: dict[str, Tier] = {}
    ranks: set[int] = set()
    for index, raw in enumerate(entries):
        rank = raw.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            problems.append(
                Problem(where.key("tiers", index, "rank"), "'rank' must be a whole number from 1")
            )
            rank = 0
        elif rank in ranks:
            problems.append(
                Problem(where.key("tiers", index, "rank"), f"rank {rank} is used twice")
            )
        ranks.add(rank)
        tiers[str(raw.get("key"))] = Tier(
            key=str(raw.get("key")),
            name_zh=str(raw.get("name_zh")),
            name_en=str(raw.get("name_en")),
            clause=str(raw.get("clause")),
            text=str(raw.get("text")),
            rank=rank,
        )
    return tiers


def _build_option(
    raw: Any, dimension: str, line: int, seen: set[str], problems: list[Problem]
) -> Option | None:
    if not isinstance(raw, dict):
        problems.append(Problem(line, f"an option of dimension {dimension!r} must be a table"))
        return None
    for key in sorted(set(raw) - OPTION_KEYS):
        problems.append(
            Problem(line, f"an option of dimension {dimension!r} has unknown key {key!r}")
        )
    for key in sorted(OPTION_KEYS - set(raw)):
        problems.append(Problem(line, f"an option of dimension {dimension!r} is missing {key!r}"))
    for key in sorted(OPTION_KEYS & set(raw)):
        if not isinstance(raw[key], str) or not raw[key].strip():
            problems.append(Problem(line, f"option {key!r} must be a non-empty string"))
    key = raw.get("key")
    if isinstance(key, str) and not KEY_RE.fullmatch(key):
        problems.append(
            Problem(line, f"option key {key!r} must be lowercase letters, digits and underscores")
        )
    elif isinstance(key, str) and key in seen:
        problems.append(
            Problem(line, f"option key {key!r} is used twice in dimension {dimension!r}")
        )
    if isinstance(key, str):
        seen.add(key)
    return Option(key=str(key), name_zh=str(raw.get("name_zh")), name_en=str(raw.get("name_en")))


def _build_options(
    raw: dict[str, Any], index: int, where: _Locator, problems: list[Problem]
) -> tuple[Option, ...]:
    if "options" not in raw:
        return ()  # reported as a missing key by _check_rule
    dimension, entries = str(raw.get("key")), raw["options"]
    if not isinstance(entries, list) or len(entries) < 2:
        problems.append(
            Problem(
                where.key("dimensions", index, "options"),
                f"dimension {dimension!r} needs 'options' = a list of at least two options",
            )
        )
        if not isinstance(entries, list):
            return ()
    seen: set[str] = set()
    options: list[Option] = []
    for position, entry in enumerate(entries):
        line = where.item("dimensions", index, "options", position)
        if option := _build_option(entry, dimension, line, seen, problems):
            options.append(option)
    return tuple(options)


def _build_dimensions(
    entries: list[dict[str, Any]], where: _Locator, problems: list[Problem]
) -> dict[str, Dimension]:
    dimensions: dict[str, Dimension] = {}
    for index, raw in enumerate(entries):
        if isinstance(raw.get("key"), str) and raw["key"] not in DIMENSION_KEYS:
            problems.append(
                Problem(
                    where.key("dimensions", index, "key"),
                    f"dimension key {raw['key']!r} is not one of {', '.join(DIMENSION_KEYS)}",
                )
            )
        options = _build_options(raw, index, where, problems)
        dimensions[str(raw.get("key"))] = Dimension(**_rule_fields(raw), options=options)
    for key in DIMENSION_KEYS:
        if key not in dimensions:
            problems.append(
                Problem(where.entry("dimensions"), f"[[dimensions]] has no entry for {key!r}")
            )
    return dimensions


def _build_sources(
    entries: list[dict[str, Any]], where: _Locator, problems: list[Problem]
) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for index, raw in enumerate(entries):
        level = raw.get("level", 0)
        if not isinstance(level, int) or isinstance(level, bool) or level not in SOURCE_LEVELS:
            if "level" in raw:
                problems.append(
                    Problem(
                        where.key("sources", index, "level"),
                        "'level' must be a whole number from 1 to 4 (the levels of 003 §11.2)",
                    )
                )
            level = 0
        sources[str(raw.get("key"))] = Source(**_rule_fields(raw), level=level)
    return sources


def _key_list(
    raw: dict[str, Any],
    key: str,
    allowed: tuple[str, ...] | set[str],
    line: int,
    problems: list[Problem],
    *,
    what: str,
) -> tuple[str, ...]:
    """A list of known keys under `key`; every unknown one is a problem on that line."""
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        problems.append(Problem(line, f"{key!r} must be a list of {what}"))
        return ()
    for value in values:
        if value not in allowed:
            known = ", ".join(sorted(allowed))
            problems.append(Problem(line, f"{key!r} names {value!r}, which is not one of {known}"))
    return tuple(v for v in values if v in allowed)


def _build_plans(
    entries: list[dict[str, Any]], kinds: set[str], where: _Locator, problems: list[Problem]
) -> dict[str, PlanKind]:
    """[[plans]]: which plan kinds exist, their periods, submitters, deadline and item fields."""
    plans: dict[str, PlanKind] = {}
    for index, raw in enumerate(entries):

        def line(key: str, index: int = index) -> int:
            return where.key("plans", index, key)

        if isinstance(raw.get("key"), str) and raw["key"] not in PLAN_KINDS:
            problems.append(
                Problem(
                    line("key"), f"plan kind {raw['key']!r} is not one of {', '.join(PLAN_KINDS)}"
                )
            )
        periods = _key_list(
            raw,
            "periods",
            PLAN_PERIODS,
            line("periods"),
            problems,
            what="periods (month, quarter, year)",
        )
        fields = _key_list(
            raw, "fields", PLAN_ITEM_FIELDS, line("fields"), problems, what="item fields"
        )
        submitters = _key_list(
            raw, "submitted_by", kinds, line("submitted_by"), problems, what="unit kinds"
        )
        for key, value in (("periods", periods), ("fields", fields)):
            if key in raw and not value:
                problems.append(Problem(line(key), f"{key!r} must not be empty"))
        days = raw.get("submit_days_before", 0)
        if not isinstance(days, int) or isinstance(days, bool) or days not in SUBMIT_DAYS:
            problems.append(
                Problem(
                    line("submit_days_before"),
                    "'submit_days_before' must be a whole number from 0 to 366",
                )
            )
            days = 0
        plans[str(raw.get("key"))] = PlanKind(
            **_rule_fields(raw),
            periods=periods,
            submitted_by=submitters,
            submit_days_before=days,
            fields=fields,
        )
    return plans


def _build_steps(
    raw: dict[str, Any], index: int, kinds: set[str], where: _Locator, problems: list[Problem]
) -> tuple[ApprovalStep, ...]:
    entries = raw.get("steps")
    if not isinstance(entries, list) or not entries:
        if "steps" in raw:
            problems.append(
                Problem(
                    where.key("approvals", index, "steps"),
                    "'steps' must be a non-empty list of {unit_kind, role}",
                )
            )
        return ()
    steps: list[ApprovalStep] = []
    for position, entry in enumerate(entries):
        line = where.item("approvals", index, "steps", position)
        if not isinstance(entry, dict) or set(entry) != {"unit_kind", "role"}:
            problems.append(Problem(line, "a step must be a table {unit_kind = …, role = …}"))
            continue
        unit_kind, role = entry["unit_kind"], entry["role"]
        if unit_kind != APPROVAL_OWN_UNIT and unit_kind not in kinds:
            problems.append(Problem(line, f"a step names an unknown unit kind {unit_kind!r}"))
        if role not in ROLE_KEYS:
            problems.append(Problem(line, f"a step names an unknown role {role!r}"))
        steps.append(ApprovalStep(unit_kind=str(unit_kind), role=str(role)))
    return tuple(steps)


def _amount(
    raw: dict[str, Any], index: int, where: _Locator, problems: list[Problem]
) -> Decimal | None:
    value = raw.get("amount_above")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        problems.append(
            Problem(
                where.key("approvals", index, "amount_above"),
                "'amount_above' must be a number of yuan, 0 or more",
            )
        )
        return None
    return Decimal(str(value))


def _build_approvals(
    entries: list[dict[str, Any]], kinds: set[str], where: _Locator, problems: list[Problem]
) -> tuple[ApprovalRule, ...]:
    """[[approvals]]: which requests need whose approval (APR-1..4)."""
    rules: list[ApprovalRule] = []
    for index, raw in enumerate(entries):
        kind = raw.get("kind")
        if not isinstance(kind, str) or not KEY_RE.fullmatch(kind):
            problems.append(
                Problem(
                    where.key("approvals", index, "kind"),
                    "'kind' must be a request kind such as 'activity_cost'",
                )
            )
        requesters = _key_list(
            raw,
            "requester_kinds",
            kinds,
            where.key("approvals", index, "requester_kinds"),
            problems,
            what="unit kinds",
        )
        blocks = raw.get("blocks", [])
        if not isinstance(blocks, list) or not all(
            isinstance(b, str) and KEY_RE.fullmatch(b) for b in blocks
        ):
            problems.append(
                Problem(
                    where.key("approvals", index, "blocks"),
                    "'blocks' must be a list of action names such as 'write_off'",
                )
            )
            blocks = []
        rules.append(
            ApprovalRule(
                **_rule_fields(raw),
                kind=str(kind),
                amount_above=_amount(raw, index, where, problems),
                requester_kinds=requesters,
                steps=_build_steps(raw, index, kinds, where, problems),
                blocks=tuple(blocks),
            )
        )
    return tuple(rules)


def _value_line(where: _Locator, table: str, key: str, value: str) -> int:
    """The line of a quoted value in a (possibly multi-line) array under key, else the key's."""
    start = where.key(table, None, key)
    for number in range(start, len(where.lines) + 1):
        line = where.lines[number - 1]
        if number > start and re.match(r"^\s*(\[|[A-Za-z0-9_-]+\s*=)", line):
            break
        if f'"{value}"' in line or f"'{value}'" in line:
            return number
    return start


def _review_required(
    raw: dict[str, Any], where: _Locator, problems: list[Problem]
) -> tuple[str, ...]:
    if "required" not in raw:
        return ()  # reported as a missing key
    names = raw["required"]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        problems.append(
            Problem(
                where.key("review", None, "required"),
                "'required' must be a non-empty list of field names",
            )
        )
        return ()
    seen: set[str] = set()
    for name in names:
        if name not in REVIEW_FIELDS:
            problems.append(
                Problem(
                    _value_line(where, "review", "required", name),
                    f"[review] 'required' names an unknown field {name!r} "
                    f"(one of {', '.join(REVIEW_FIELDS)})",
                )
            )
        elif name in seen:
            problems.append(
                Problem(
                    _value_line(where, "review", "required", name),
                    f"[review] 'required' names {name!r} twice",
                )
            )
        seen.add(name)
    return tuple(dict.fromkeys(n for n in names if n in REVIEW_FIELDS))


def _review_number(
    raw: dict[str, Any], key: str, allowed: range, where: _Locator, problems: list[Problem]
) -> int:
    value = raw.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value in allowed:
        return value
    if key in raw:
        problems.append(
            Problem(
                where.key("review", None, key),
                f"{key!r} must be a whole number from {allowed.start} to {allowed.stop - 1}",
            )
        )
    return allowed.start


def _build_review(raw: Any, where: _Locator, problems: list[Problem]) -> Review:
    """The single [review] table of the quarterly archive review (CUS-13); every key needed."""
    if raw is None:
        problems.append(Problem(1, "a [review] table is needed (the archive review, CUS-13)"))
        return Review()
    if not isinstance(raw, dict):
        problems.append(Problem(where.entry("review"), "'review' must be one table: [review]"))
        return Review()
    for key in sorted(set(raw) - REVIEW_KEYS):
        problems.append(
            Problem(where.key("review", None, key), f"[review] has an unknown key {key!r}")
        )
    for key in sorted(REVIEW_KEYS - set(raw)):
        problems.append(Problem(where.entry("review"), f"[review] is missing {key!r}"))
    for key in ("clause", "text"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            problems.append(
                Problem(where.key("review", None, key), f"{key!r} must be a non-empty string")
            )
    clause = raw.get("clause")
    if isinstance(clause, str) and clause.strip() and not CLAUSE_RE.match(clause):
        problems.append(
            Problem(
                where.key("review", None, "clause"),
                f"clause {clause!r} must look like '000 §14.4' or '003 附表2'",
            )
        )
    return Review(
        required=_review_required(raw, where, problems),
        stale_after_days=_review_number(
            raw, "stale_after_days", REVIEW_STALE_DAYS, where, problems
        ),
        review_every_months=_review_number(
            raw, "review_every_months", REVIEW_MONTHS, where, problems
        ),
        clause=str(raw.get("clause", "")),
        text=str(raw.get("text", "")),
    )


def _build_security(raw: Any, where: _Locator, problems: list[Problem]) -> Security:
    """The optional [security] table; without it the product defaults apply (30 minutes idle,
    no webhooks to private addresses)."""
    if raw is None:
        return Security()
    if not isinstance(raw, dict):
        problems.append(Problem(where.entry("security"), "'security' must be one table"))
        return Security()
    for key in sorted(set(raw) - SECURITY_KEYS):
        problems.append(
            Problem(where.key("security", None, key), f"[security] has an unknown key {key!r}")
        )
    for key in ("clause", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(
                Problem(where.key("security", None, key), f"[security] needs a non-empty {key!r}")
            )
    clause = raw.get("clause")
    if isinstance(clause, str) and clause.strip() and not CLAUSE_RE.match(clause):
        problems.append(
            Problem(
                where.key("security", None, "clause"),
                f"clause {clause!r} must look like '000 §14.4' or '003 附表2'",
            )
        )
    minutes = raw.get("session_idle_minutes", Security.session_idle_minutes)
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or minutes not in SESSION_IDLE_MINUTES
    ):
        problems.append(
            Problem(
                where.key("security", None, "session_idle_minutes"),
                "'session_idle_minutes' must be a whole number from 1 to 1440",
            )
        )
        minutes = Security.session_idle_minutes
    private = raw.get("webhook_private_addresses", False)
    if not isinstance(private, bool):
        problems.append(
            Problem(
                where.key("security", None, "webhook_private_addresses"),
                "'webhook_private_addresses' must be true or false",
            )
        )
        private = False
    return Security(
        session_idle_minutes=minutes,
        webhook_private_addresses=private,
        clause=str(raw.get("clause", "")),
        text=str(raw.get("text", "")),
    )


def _build_exports(raw: Any, where: _Locator, problems: list[Problem]) -> Exports:
    """The optional [exports] table; without it an export of more than 200 records asks for
    confirmation (product default)."""
    if raw is None:
        return Exports()
    if not isinstance(raw, dict):
        problems.append(Problem(where.entry("exports"), "'exports' must be one table"))
        return Exports()
    for key in sorted(set(raw) - EXPORTS_KEYS):
        problems.append(
            Problem(where.key("exports", None, key), f"[exports] has an unknown key {key!r}")
        )
    for key in ("clause", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            problems.append(
                Problem(where.key("exports", None, key), f"[exports] needs a non-empty {key!r}")
            )
    clause = raw.get("clause")
    if isinstance(clause, str) and clause.strip() and not CLAUSE_RE.match(clause):
        problems.append(
            Problem(
                where.key("exports", None, "clause"),
                f"clause {clause!r} must look like '000 §14.4' or '003 附表2'",
            )
        )
    above = raw.get("confirm_above", Exports.confirm_above)
    if isinstance(above, bool) or not isinstance(above, int) or above not in EXPORT_CONFIRM_ABOVE:
        problems.append(
            Problem(
                where.key("exports", None, "confirm_above"),
                "'confirm_above' must be a whole number from 1 to 100000",
            )
        )
        above = Exports.confirm_above
    return Exports(
        confirm_above=above, clause=str(raw.get("clause", "")), text=str(raw.get("text", ""))
    )


def parse(text: str, path: Path) -> Policy:
    """Parse and validate policy text; raise PolicyError listing every problem found."""
    from guanxi.policy.demand_rules import DEMAND_TABLES, build_complaints, build_demands
    from guanxi.policy.loop_rules import build_early_warning, build_improvements
    from guanxi.policy.working_days import build_working_days

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(error))) else 1
        raise PolicyError(path, [Problem(line, f"not valid TOML: {error}")]) from error
    where = _Locator(text)
    problems: list[Problem] = []
    known = {"policy", "review", "security", "exports", "feedback", "demands", "complaints"}
    known |= {"improvements", "early_warning", "working_days"}
    for key in sorted(set(data) - known - set(DEMAND_TABLES) - set(TABLE_KEYS)):
        problems.append(Problem(where.entry(key), f"unknown section {key!r}"))
    header = data.get("policy", {})
    for key in ("key", "name_zh", "name_en", "source"):
        if not isinstance(header.get(key), str) or not header[key]:
            problems.append(
                Problem(where.key("policy", None, key), f"[policy] needs a non-empty {key!r}")
            )
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in TABLE_KEYS:
        entries = data.get(table, [])
        if not isinstance(entries, list) or not entries:
            problems.append(
                Problem(where.entry(table), f"at least one [[{table}]] entry is needed")
            )
            entries = []
        seen: set[str] = set()
        for index, raw in enumerate(entries):
            _check_rule(raw, table, index, where, problems)
            if raw.get("key") in seen:
                problems.append(
                    Problem(
                        where.key(table, index, "key"),
                        f"[[{table}]] key {raw.get('key')!r} is used twice",
                    )
                )
            seen.add(str(raw.get("key")))
        tables[table] = entries
    policy = Policy(
        key=str(header.get("key", "")),
        name_zh=str(header.get("name_zh", "")),
        name_en=str(header.get("name_en", "")),
        source=str(header.get("source", "")),
        unit_kinds=_build_unit_kinds(tables["unit_kinds"], where, problems),
        roles=_build_roles(tables["roles"], where, problems),
        tiers=_build_tiers(tables["tiers"], where, problems),
        dimensions=_build_dimensions(tables["dimensions"], where, problems),
        sources=_build_sources(tables["sources"], where, problems),
        review=_build_review(data.get("review"), where, problems),
        security=_build_security(data.get("security"), where, problems),
        exports=_build_exports(data.get("exports"), where, problems),
        contact_kinds={
            str(raw.get("key")): ContactKind(**_rule_fields(raw)) for raw in tables["contact_kinds"]
        },
        feedback=build_feedback(
            data.get("feedback"),
            where,
            lambda line, message: problems.append(Problem(line, message)),
        ),
    )
    kinds = set(policy.unit_kinds)
    policy = replace(
        policy,
        plans=_build_plans(tables["plans"], kinds, where, problems),
        approvals=_build_approvals(tables["approvals"], kinds, where, problems),
        demands=build_demands(data, set(policy.tiers), where, problems),
        complaints=build_complaints(data, where, problems),
        improvements=build_improvements(
            data, {rating.key for rating in policy.feedback.ratings}, where, problems
        ),
        early_warning=build_early_warning(data, set(policy.tiers), where, problems),
        working_days=build_working_days(data, where, problems),
    )
    if policy.key and path.suffix == ".toml" and policy.key != path.stem:
        problems.append(
            Problem(
                where.key("policy", None, "key"),
                f"[policy] key {policy.key!r} differs from the file name {path.stem!r}",
            )
        )
    if problems:
        raise PolicyError(path, sorted(problems, key=lambda problem: problem.line))
    return policy


def load(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(path, [Problem(1, f"cannot read the file: {error}")]) from error
    return parse(text, path)


def policy_path(name: str) -> Path:
    from django.conf import settings

    candidate = Path(name)
    if candidate.suffix == ".toml" or candidate.is_absolute():
        return candidate
    return Path(settings.GUANXI_POLICY_DIR) / f"{name}.toml"


@functools.cache
def _load_named(name: str) -> Policy:
    return load(policy_path(name))


def current() -> Policy:
    """The installation's policy. Files are read once per process; they change only on deploy."""
    from django.conf import settings

    return _load_named(settings.GUANXI_POLICY)
