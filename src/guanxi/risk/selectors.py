"""Reads of risk signals, scoped by the customer's unit, and each part put into words.

The at-risk list is ordered by score, highest first, in keyset pages on (score, id). A reader
whose line is a few units gets each page from one (unit, score, id) index range per unit,
merged in one query; HQ walks the (score, id) index. Neither sorts the table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guanxi.access.scope import User, scope_of, visible
from guanxi.customers.models import BuyingRole, Contact
from guanxi.organisation.models import Unit
from guanxi.paging import MERGE_UNITS_MAX, KeysetPage, decode_cursor, encode_cursor
from guanxi.policy.schema import WARNING_PARTS
from guanxi.risk.models import RiskSignal

UNIT_FIELD = "unit"
PERMISSION = "risk.view"


@dataclass(frozen=True)
class RiskFilters:
    unit: int | None = None
    tier: str = ""
    part: str = ""


def signal_list(*, actor: User, filters: RiskFilters | None = None) -> QuerySet[RiskSignal]:
    filters = filters or RiskFilters()
    rows = visible(
        actor, RiskSignal.objects.select_related("customer", "unit"), PERMISSION, UNIT_FIELD
    )
    if filters.tier:
        rows = rows.filter(tier=filters.tier)
    if filters.part in WARNING_PARTS:
        rows = rows.filter(**{f"{filters.part}__gt": 0})
    if filters.unit is not None:
        rows = rows.filter(unit_id__in=_line_ids(filters.unit))
    return rows


def _line_ids(unit_id: int) -> list[int]:
    """The unit and the units below it; none for a unit that does not exist."""
    chosen = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    if chosen is None:
        return []
    return list(Unit.objects.filter(path__startswith=chosen).values_list("pk", flat=True))


def units_of_list(actor: User, filters: RiskFilters) -> set[int] | None:
    """The units the list can hold rows of (None: every unit)."""
    ids = scope_of(actor).unit_ids(PERMISSION)
    if filters.unit is not None:
        line = set(_line_ids(filters.unit))
        ids = line if ids is None else ids & line
    return ids


def _after(rows: QuerySet[RiskSignal], cursor: tuple[str, int] | None) -> QuerySet[RiskSignal]:
    if cursor is None:
        return rows
    score, pk = int(cursor[0]) if cursor[0].isdigit() else 0, cursor[1]
    # `score <= s` bounds the index range; the OR drops the ties already shown
    return rows.filter(Q(score__lte=score) & (Q(score__lt=score) | Q(pk__lt=pk)))


def _top_keys(parts: list[QuerySet[RiskSignal]], limit: int) -> list[int]:
    """The ids of the `limit` highest (score, id) in the union of `parts`, in one query."""
    sql_parts: list[str] = []
    params: list[Any] = []
    db = "default"
    for part in parts:
        db = part.db
        try:
            sql, part_params = (
                part.order_by("-score", "-pk").values_list("score", "pk")[:limit].query
            ).sql_with_params()
        except EmptyResultSet:
            continue
        sql_parts.append(f"SELECT * FROM ({sql}) u{len(sql_parts)}")  # noqa: S608 - ORM-made SQL
        params.extend(part_params)
    if not sql_parts:
        return []
    query = " UNION ALL ".join(sql_parts) + " ORDER BY 1 DESC, 2 DESC LIMIT %s"
    with connections[db].cursor() as cursor:
        cursor.execute(query, [*params, limit])
        return [row[1] for row in cursor.fetchall()]


def signal_page(
    rows: QuerySet[RiskSignal], *, after: str | None, size: int, unit_ids: set[int] | None
) -> KeysetPage[RiskSignal]:
    """One page of the list, highest score first."""
    cursor = decode_cursor(after)
    rows = _after(rows, cursor)
    if unit_ids is not None and len(unit_ids) <= MERGE_UNITS_MAX:
        parts = [rows.filter(unit_id=unit_id) for unit_id in sorted(unit_ids)]
        ids = _top_keys(parts, size + 1)
        found = list(rows.filter(pk__in=ids).order_by("-score", "-pk")) if ids else []
    else:
        found = list(rows.order_by("-score", "-pk")[: size + 1])
    more = len(found) > size
    found = found[:size]
    last = found[-1] if more and found else None
    return KeysetPage(
        items=found,
        next_after=encode_cursor(str(last.score), last.pk) if last else None,
        is_first=cursor is None,
    )


# ---------------------------------------------------------------------- in words


@dataclass(frozen=True)
class Part:
    key: str
    points: int
    text: str


def contact_names(signals: Iterable[RiskSignal]) -> dict[int, str]:
    """The names of the key persons the signals name, in one query (an erased person: —)."""
    ids = {
        int(contact_id)
        for signal in signals
        for contact_id, _role in signal.parts.get("relationship", {}).get("contacts", [])
    }
    if not ids:
        return {}
    rows = Contact.objects.filter(pk__in=ids).values_list("pk", "name", "erased_at")
    return {pk: ("—" if erased else name) for pk, name, erased in rows}


def _role_name(role: str) -> str:
    return str(dict(BuyingRole.choices).get(role, role))


def _words(key: str, facts: dict[str, Any], names: dict[int, str]) -> str:
    if key == "satisfaction":
        return _(
            "Falling satisfaction: last %(n)s forms average %(recent)s, before %(previous)s"
        ) % {
            "n": facts.get("window", ""),
            "recent": facts.get("recent", ""),
            "previous": facts.get("previous", ""),
        }
    if key == "relationship":
        people = [
            _("%(role)s %(name)s: relationship negative")
            % {"role": _role_name(role), "name": names.get(int(pk), "—")}
            for pk, role in facts.get("contacts", [])
        ]
        return "；".join(people)
    if key == "overdue_demands":
        count = int(facts.get("count", 0))
        return ngettext("%(count)s demand overdue", "%(count)s demands overdue", count) % {
            "count": count
        }
    if key == "silence":
        return _("No contact for %(days)s days (%(allowed)s allowed)") % facts
    count, late = int(facts.get("count", 0)), int(facts.get("breached", 0))
    text = ngettext("%(count)s complaint unanswered", "%(count)s complaints unanswered", count) % {
        "count": count
    }
    return text + (_(" (%(late)s past the answer clock)") % {"late": late} if late else "")


def explain(signal: RiskSignal, names: dict[int, str]) -> list[Part]:
    """Every part that counts, in the policy's order, with its points and its words."""
    return [
        Part(key=key, points=getattr(signal, key), text=_words(key, signal.parts[key], names))
        for key in WARNING_PARTS
        if getattr(signal, key) and key in signal.parts
    ]
