"""The [working_days] table: what "day" means in the regulation (000 §27, CMP-1).

Kept apart from loader.py, which only calls `build_working_days`; every problem names its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guanxi.policy.demand_rules import _table
from guanxi.policy.schema import WorkingDays

if TYPE_CHECKING:
    from guanxi.policy.loader import Problem, _Locator

TABLE = "working_days"
FLAGS = ("count_working_days", "due_on_working_day")
KEYS = {*FLAGS, "clause", "text"}


def _flag(raw: dict[str, Any], key: str, where: _Locator, problems: list[Problem]) -> bool:
    from guanxi.policy.loader import Problem

    value = raw.get(key, True)
    if not isinstance(value, bool):
        problems.append(Problem(where.key(TABLE, None, key), f"{key!r} must be true or false"))
        return True
    return value


def build_working_days(
    data: dict[str, Any], where: _Locator, problems: list[Problem]
) -> WorkingDays:
    """The required [working_days] table: both flags, a clause and its text."""
    from guanxi.policy.loader import Problem

    raw = _table(data.get(TABLE), TABLE, KEYS, where, problems)
    for key in ("clause", "text"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            problems.append(
                Problem(where.key(TABLE, None, key), f"{key!r} must be a non-empty string")
            )
    return WorkingDays(
        count_working_days=_flag(raw, "count_working_days", where, problems),
        due_on_working_day=_flag(raw, "due_on_working_day", where, problems),
        clause=str(raw.get("clause", "")),
        text=str(raw.get("text", "")),
    )
