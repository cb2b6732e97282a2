"""Whole numbers read from a query string: one reading for every list filter, cursor and page.

`str.isdigit()` accepts "²" and "٣" and any length, so `int()` after it could raise, and a
20-digit id passes PostgreSQL's bigint (an error) or SQLite's INTEGER (a silent overflow). Here
a number is ASCII digits (a leading minus only where negatives are allowed) inside the 64-bit
range the databases store. Pages drop what does not read as one (as they drop any nonsense
filter); the API answers 400 naming the parameter (`BadNumber`, see `guanxi.api.errors`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# PostgreSQL's bigint and SQLite's INTEGER: every id and every stored whole number fits.
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
ID_MIN, ID_MAX = 1, INT64_MAX
_WHOLE = re.compile(r"-?[0-9]{1,19}")


class BadNumber(ValueError):
    """A query parameter that is not a whole number within its range."""

    def __init__(self, name: str, *, low: int = ID_MIN, high: int = ID_MAX) -> None:
        super().__init__(name)
        self.name, self.low, self.high = name, low, high

    @property
    def message(self) -> str:
        if (self.low, self.high) == (ID_MIN, ID_MAX):
            return _("Give the id of a record, a whole number.")
        return _("Give a whole number from %(low)s to %(high)s.") % {
            "low": self.low,
            "high": self.high,
        }


def parse_int(text: object, *, low: int = ID_MIN, high: int = ID_MAX) -> int | None:
    """`text` as a whole number within [low, high]; None for anything else ("1e3", "²", "")."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        return None
    candidate = str(text).strip()
    if not _WHOLE.fullmatch(candidate):
        return None
    value = int(candidate)
    return value if low <= value <= high else None


def int_param(
    params: Mapping[str, Any],
    name: str,
    *,
    low: int = ID_MIN,
    high: int = ID_MAX,
    strict: bool = False,
) -> int | None:
    """The parameter `name` as a whole number; None when absent or blank. Malformed or out of
    range: None for a page (the filter is dropped), `BadNumber` when `strict` (the API)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    value = parse_int(raw, low=low, high=high)
    if value is None and strict:
        raise BadNumber(name, low=low, high=high)
    return value


def id_or_none(text: object) -> int | None:
    """A record id (a path part, an `after` cursor) or None: the lenient reading of pages."""
    return parse_int(text)
