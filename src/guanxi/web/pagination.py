"""Keyset pagination for pages: `?after=<id>` walks down a list ordered by id, newest first.

Unlike offsets, a deep page costs the same as the first: the database seeks to the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


@dataclass
class KeysetPage(Generic[M]):
    items: list[M]
    next_after: int | None
    is_first: bool


def keyset_page(
    queryset: QuerySet[M], *, after: str | None, size: int, key: str = "pk"
) -> KeysetPage[M]:
    cursor = int(after) if after and after.isdigit() else None
    if cursor is not None:
        queryset = queryset.filter(**{f"{key}__lt": cursor})
    rows = list(queryset.order_by(f"-{key}")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_after = getattr(rows[-1], key) if more and rows else None
    return KeysetPage(items=rows, next_after=next_after, is_first=cursor is None)
