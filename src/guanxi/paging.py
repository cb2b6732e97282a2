"""Keyset pagination for pages: `?after=<id>` walks down a list ordered by id, newest first.

Unlike offsets, a deep page costs the same as the first: the database seeks to the key. A list
sorted by something else carries an opaque cursor holding that sort key and the id, so rows that
share a key are neither skipped nor repeated.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, Q, QuerySet

from guanxi.params import id_or_none, parse_int

M = TypeVar("M", bound=Model)


@dataclass
class KeysetPage(Generic[M]):
    items: list[M]
    next_after: int | str | None
    is_first: bool


def keyset_page(
    queryset: QuerySet[M], *, after: str | None, size: int, key: str = "pk"
) -> KeysetPage[M]:
    cursor = id_or_none(after)
    if cursor is not None:
        queryset = queryset.filter(**{f"{key}__lt": cursor})
    rows = list(queryset.order_by(f"-{key}")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_after = getattr(rows[-1], key) if more and rows else None
    return KeysetPage(items=rows, next_after=next_after, is_first=cursor is None)


@dataclass(frozen=True)
class Part:
    """Rows of another table whose `key` field holds ids of the listed records (e.g. the
    approval steps of one (unit, role), keyed by `approval_id`), walked by an index on it."""

    rows: QuerySet[Any]
    key: str


# Above this many units the per-unit merge costs more than it saves; the plain query is used.
MERGE_UNITS_MAX = 64


def newest_ids_in_units(
    queryset: QuerySet[M], *, unit_field: str, unit_ids: set[int], before: int | None, limit: int
) -> list[int]:
    """The `limit` newest ids of `queryset` among rows of `unit_ids`, below `before`.

    `unit_id IN (…) ORDER BY id DESC` makes a database read every row of those units and sort
    them (or walk the whole table), which grows with the data. Taken unit by unit, each part is
    one short range of the (unit, id) index; merging a few dozen such ranges costs the same at
    any size. One query, whatever the number of rows.
    """
    parts = [queryset.filter(**{unit_field: unit_id}) for unit_id in sorted(unit_ids)]
    return newest_ids_of_parts(parts, before=before, limit=limit)


def newest_ids_of_parts(
    parts: list[QuerySet[Any]] | list[Part], *, before: int | None, limit: int
) -> list[int]:
    """The `limit` newest ids in the union of `parts`, below `before`, in one query.

    Each part should be a list an index walks newest first (one unit, one requester, …): it
    then reads at most `limit` index entries, and the union is sorted from those alone. An id
    in several parts counts once. A part is a queryset of the listed records, or a `Part`
    naming the field of another table that holds their ids."""
    sql_parts: list[str] = []
    params: list[Any] = []
    db = "default"
    for given in parts:
        part = given if isinstance(given, Part) else Part(given, "pk")
        rows, db = part.rows, part.rows.db
        if before is not None:
            rows = rows.filter(**{f"{part.key}__lt": before})
        try:
            sql, part_params = (
                rows.order_by(f"-{part.key}")
                .values_list(part.key, flat=True)[:limit]
                .query.sql_with_params()
            )
        except EmptyResultSet:  # a filter nothing can match (an unknown unit, say)
            continue
        sql_parts.append(f"SELECT * FROM ({sql}) u{len(sql_parts)}")  # noqa: S608 - ORM-made SQL
        params.extend(part_params)
    if not sql_parts:
        return []
    with connections[db].cursor() as cursor:
        cursor.execute(" UNION ".join(sql_parts) + " ORDER BY 1 DESC LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def keyset_page_of_parts(
    queryset: QuerySet[M],
    parts: list[QuerySet[Any]] | list[Part],
    *,
    after: str | None,
    size: int,
) -> KeysetPage[M]:
    """`keyset_page` (newest first) of a list that is the union of `parts`: the page's ids come
    from `newest_ids_of_parts`, then the rows of `queryset` (joins, the order) by those ids."""
    cursor = id_or_none(after)
    ids = newest_ids_of_parts(parts, before=cursor, limit=size + 1)
    return _page_of_ids(queryset, ids, cursor=cursor, size=size)


def _page_of_ids(
    queryset: QuerySet[M], ids: list[int], *, cursor: int | None, size: int
) -> KeysetPage[M]:
    """The page whose rows (and the one after it) are exactly `ids`."""
    rows = list(queryset.filter(pk__in=ids).order_by("-pk")) if ids else []
    more = len(rows) > size
    rows = rows[:size]
    next_after = rows[-1].pk if more and rows else None
    return KeysetPage(items=rows, next_after=next_after, is_first=cursor is None)


# A joined unit (a contact's customer's unit) has no (unit, id) index to merge; the newest rows
# are looked for among this many times a page's worth of the newest rows of the table first.
WINDOW_PAGES = 20
WINDOW_MIN_PAGE = 50  # a small page still looks among 20 × 50 rows


def newest_ids_in_window(
    queryset: QuerySet[M], *, unit_field: str, unit_ids: set[int], before: int | None, limit: int
) -> list[int] | None:
    """The `limit` newest ids of `queryset` among rows of `unit_ids` reached through a join
    (`customer__owning_unit`), found among the newest rows of the whole table; None when that
    window holds too few of them to tell, and the caller's plain query must answer.

    Scoped through a join, a database starts from the units' rows and sorts all of them (a
    division's contacts: hundreds of thousands); the newest rows of the table hold a page of a
    large scope within a few hundred, and a small scope is quick to sort anyway."""
    window = WINDOW_PAGES * max(limit, WINDOW_MIN_PAGE)
    table = queryset.model._default_manager.all()
    if before is not None:
        table = table.filter(pk__lt=before)
    rows = list(table.order_by("-pk").values_list("pk", f"{unit_field}_id")[:window])
    candidates = [pk for pk, unit_id in rows if unit_id in unit_ids]
    if not candidates:
        return [] if len(rows) < window else None
    ids = list(
        queryset.filter(pk__in=candidates).order_by("-pk").values_list("pk", flat=True)[:limit]
    )
    if len(ids) < limit and len(rows) == window:
        return None  # the rest of the page may lie below the window
    return ids


def newest_ids_in_scope(
    queryset: QuerySet[M], *, unit_field: str, unit_ids: set[int], before: int | None, limit: int
) -> list[int] | None:
    """The `limit` newest ids of `queryset`, a list scoped to `unit_ids` through `unit_field`:
    one index range per unit (`newest_ids_in_units`), or for a unit reached through a join the
    table's newest rows (`newest_ids_in_window`). None when the plain query should answer:
    too many units to merge, or a window that cannot tell."""
    if "__" in unit_field:
        return newest_ids_in_window(
            queryset, unit_field=unit_field, unit_ids=unit_ids, before=before, limit=limit
        )
    if len(unit_ids) > MERGE_UNITS_MAX:
        return None
    return newest_ids_in_units(
        queryset, unit_field=unit_field, unit_ids=unit_ids, before=before, limit=limit
    )


def keyset_page_in_units(
    queryset: QuerySet[M],
    *,
    unit_field: str,
    unit_ids: set[int] | None,
    after: str | None,
    size: int,
) -> KeysetPage[M]:
    """`keyset_page` (newest first) for a list scoped to a set of units, its ids from
    `newest_ids_in_scope`. All units (None) take the plain path, where walking the id index is
    fast, as does a scope the merge cannot serve."""
    cursor = id_or_none(after)
    ids = None
    if unit_ids is not None:
        ids = newest_ids_in_scope(
            queryset, unit_field=unit_field, unit_ids=unit_ids, before=cursor, limit=size + 1
        )
    if ids is None:
        return keyset_page(queryset, after=after, size=size)
    return _page_of_ids(queryset, ids, cursor=cursor, size=size)


def encode_cursor(key: str, pk: int) -> str:
    """An opaque, URL-safe cursor for the row with sort key `key` and id `pk`."""
    raw = json.dumps([key, pk], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str | None) -> tuple[str, int] | None:
    """The (sort key, id) in a cursor; None for a missing or tampered one (a first page)."""
    if not text or len(text) > 2000:
        return None
    try:
        value = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, binascii.Error):
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and parse_int(value[1]) is not None  # an id the database can hold
    ):
        return value[0], value[1]
    return None


def keyset_page_by(
    queryset: QuerySet[M], *, key: str, after: str | None, size: int
) -> KeysetPage[M]:
    """A page of `queryset` in ascending (`key`, id) order, after the cursor's row."""
    cursor = decode_cursor(after)
    if cursor is not None:
        value, pk = cursor
        # `key >= value` bounds the index range; the OR only drops the ties already shown.
        queryset = queryset.filter(
            Q(**{f"{key}__gte": value}) & (Q(**{f"{key}__gt": value}) | Q(pk__gt=pk))
        )
    rows = list(queryset.order_by(key, "pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if more and rows else None
    next_after = encode_cursor(getattr(last, key), last.pk) if last is not None else None
    return KeysetPage(items=rows, next_after=next_after, is_first=cursor is None)
