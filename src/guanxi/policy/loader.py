"""Load and validate policy files, naming the line of every problem."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guanxi.policy.schema import PERMISSIONS, ROLE_KEYS, Policy, Role, Tier, UnitKind

KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CLAUSE_RE = re.compile(r"^00[0-9] (§[0-9][0-9.]*|附表[0-9一二三四五六七八九十]+|附件[0-9]+)")
RULE_KEYS = {"key", "name_zh", "name_en", "clause", "text"}
TABLE_KEYS = {
    "unit_kinds": RULE_KEYS | {"parents", "sees_all"},
    "roles": RULE_KEYS | {"grants"},
    "tiers": RULE_KEYS | {"rank"},
}


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


def _check_rule(
    raw: dict[str, Any], table: str, index: int, where: _Locator, problems: list[Problem]
) -> None:
    def report(key: str, message: str) -> None:
        problems.append(Problem(where.key(table, index, key), message))

    for key in sorted(set(raw) - TABLE_KEYS[table]):
        report(key, f"[[{table}]] has an unknown key {key!r}")
    for key in sorted(TABLE_KEYS[table] - set(raw)):
        problems.append(Problem(where.entry(table, index), f"[[{table}]] is missing {key!r}"))
    for key in RULE_KEYS & set(raw):
        if not isinstance(raw[key], str) or not raw[key].strip():
            report(key, f"{key!r} must be a non-empty string")
    if isinstance(raw.get("key"), str) and not KEY_RE.match(raw["key"]):
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


def parse(text: str, path: Path) -> Policy:
    """Parse and validate policy text; raise PolicyError listing every problem found."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(error))) else 1
        raise PolicyError(path, [Problem(line, f"not valid TOML: {error}")]) from error
    where = _Locator(text)
    problems: list[Problem] = []
    for key in sorted(set(data) - {"policy", *TABLE_KEYS}):
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
