"""The [feedback] table: the satisfaction scale and the rated dimensions of 000 附表一–二.

Kept apart from loader.py, which only calls `build_feedback`; every problem names its line.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from guanxi.policy.schema import Feedback, Option, Rating

FEEDBACK_KEYS = {"ratings", "dimensions", "clause", "text"}
OPTION_KEYS = {"key", "name_zh", "name_en"}
RATING_KEYS = OPTION_KEYS | {"score"}
SCORE_MAX = 100
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CLAUSE_RE = re.compile(r"^00[0-9] (§[0-9][0-9.]*|附表[0-9一二三四五六七八九十]+|附件[0-9]+)")


class Problems(Protocol):
    def __call__(self, line: int, message: str) -> None: ...


class Where(Protocol):
    def entry(self, table: str, index: int | None = None) -> int: ...
    def key(self, table: str, index: int | None, key: str) -> int: ...


def _options(
    raw: dict[str, Any], name: str, where: Where, report: Problems, keys: set[str] = OPTION_KEYS
) -> tuple[Option, ...]:
    line = where.key("feedback", None, name)
    entries = raw.get(name)
    shape = "{" + ", ".join(sorted(keys)) + "}"
    if not isinstance(entries, list) or len(entries) < 2:
        report(line, f"[feedback] {name!r} must be a list of at least two {shape}")
        return ()
    options: list[Option] = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != keys:
            report(line, f"every entry of [feedback] {name!r} is {shape}")
            continue
        if not all(isinstance(entry[k], str) and entry[k].strip() for k in OPTION_KEYS):
            report(line, f"[feedback] {name!r}: key and names must be non-empty strings")
            continue
        if not KEY_RE.fullmatch(entry["key"]):
            report(line, f"[feedback] {name!r}: key {entry['key']!r} must be lowercase letters")
            continue
        if any(option.key == entry["key"] for option in options):
            report(line, f"[feedback] {name!r} names {entry['key']!r} twice")
            continue
        options.append(Option(key=entry["key"], name_zh=entry["name_zh"], name_en=entry["name_en"]))
    return tuple(options)


def _ratings(raw: dict[str, Any], where: Where, report: Problems) -> tuple[Rating, ...]:
    """The scale with a whole-number score per step (ACT-6 averages them), rising from the
    worst step to the best, so "higher is better" holds for every preset."""
    options = _options(raw, "ratings", where, report, RATING_KEYS)
    entries = {e["key"]: e for e in raw.get("ratings", []) if isinstance(e, dict) and "key" in e}
    line = where.key("feedback", None, "ratings")
    ratings: list[Rating] = []
    for option in options:
        score = entries[option.key].get("score")
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= SCORE_MAX:
            report(line, f"[feedback] rating {option.key!r}: score must be a whole number 0–100")
            continue
        if ratings and score <= ratings[-1].score:
            report(line, f"[feedback] rating {option.key!r}: scores must rise from worst to best")
        ratings.append(Rating(**vars(option), score=score))
    return tuple(ratings)


def build_feedback(raw: Any, where: Where, report: Problems) -> Feedback:
    """The required [feedback] table (ACT-1..3): the forms cannot be filled in without it."""
    if raw is None:
        report(1, "a [feedback] table is needed (the satisfaction scale of 000 附表一)")
        return Feedback()
    if not isinstance(raw, dict):
        report(where.entry("feedback"), "'feedback' must be one table: [feedback]")
        return Feedback()
    for key in sorted(set(raw) - FEEDBACK_KEYS):
        report(where.key("feedback", None, key), f"[feedback] has an unknown key {key!r}")
    for key in ("clause", "text"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            report(where.key("feedback", None, key), f"[feedback] needs a non-empty {key!r}")
    clause = raw.get("clause")
    if isinstance(clause, str) and clause.strip() and not CLAUSE_RE.match(clause):
        report(
            where.key("feedback", None, "clause"),
            f"clause {clause!r} must look like '000 §14.4' or '000 附表一'",
        )
    return Feedback(
        ratings=_ratings(raw, where, report),
        dimensions=_options(raw, "dimensions", where, report),
        clause=str(raw.get("clause", "")),
        text=str(raw.get("text", "")),
    )
