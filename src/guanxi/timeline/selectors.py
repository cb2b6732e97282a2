"""One page of a customer's timeline: each visible source's newest rows, merged (CUS-14)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from guanxi.access.lists import list_reads
from guanxi.access.register import Read, read_of, unit_id_of
from guanxi.access.scope import User, may, visible
from guanxi.customers.models import Customer
from guanxi.timeline.registry import Source, registered

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Entry:
    """One thing that happened: a record of a source, on a day."""

    source: Source
    record: Model
    on: date
    at: date | datetime  # the stored value: a day, or a moment within `on`

    @property
    def kind(self) -> str:
        return self.source.key

    @property
    def label(self) -> str:
        return str(self.source.label)

    @property
    def url(self) -> str:
        return self.source.url(self.record)

    @property
    def title(self) -> str:
        return self.source.title(self.record)

    @property
    def detail(self) -> str:
        return self.source.detail(self.record)

    @property
    def unit_id(self) -> int | None:
        return unit_id_of(self.record, self.source.unit_field)

    def sort_key(self) -> tuple[int, str, float, int]:
        """Newest day first, then kind, then newest moment and id: a total order."""
        moment = self.at.timestamp() if isinstance(self.at, datetime) else self.on.toordinal()
        return (-self.on.toordinal(), self.kind, -moment, -int(self.record.pk))


@dataclass(frozen=True)
class Cursor:
    """Where a page ended: the last entry's day, kind, stored value and id."""

    on: date
    kind: str
    at: date | datetime
    pk: int

    def encode(self) -> str:
        raw = json.dumps([self.on.isoformat(), self.kind, self.at.isoformat(), self.pk])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(text: str | None) -> Cursor | None:
    """The cursor in `text`; None for none or a tampered one (the first page then)."""
    if not text or len(text) > 500:
        return None
    try:
        on, kind, at, pk = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        day = date.fromisoformat(on)
        moment: date | datetime = (
            datetime.fromisoformat(at) if "T" in at else date.fromisoformat(at)
        )
        if not isinstance(kind, str) or not isinstance(pk, int) or not 0 < pk < 2**63:
            return None
    except (ValueError, TypeError, binascii.Error):
        return None
    return Cursor(on=day, kind=kind, at=moment, pk=pk)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[Entry]
    next_after: str | None
    sources: list[Source]  # the kinds the reader may see (the filter chips)
    kinds: list[str]  # the kinds chosen; empty when all visible ones are shown


def visible_sources(actor: User) -> list[Source]:
    return [source for source in registered() if may(actor, source.permission)]


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _before_day(source: Source, day: date, *, inclusive: bool) -> Q:
    """Rows on days before `day` (or up to and including it)."""
    field = source.date_field
    if source.is_datetime():
        bound = _day_start(day + timedelta(days=1) if inclusive else day)
        return Q(**{f"{field}__lt": bound})
    return Q(**{f"{field}__lte" if inclusive else f"{field}__lt": day})


def _after_cursor(source: Source, cursor: Cursor) -> Q:
    """The rows of `source` that come after `cursor` in the timeline's order."""
    if source.key < cursor.kind:  # shown before the cursor's kind on its day
        return _before_day(source, cursor.on, inclusive=False)
    if source.key > cursor.kind:
        return _before_day(source, cursor.on, inclusive=True)
    field = source.date_field
    return Q(**{f"{field}__lt": cursor.at}) | Q(**{field: cursor.at, "pk__lt": cursor.pk})


def _entries(
    actor: User, source: Source, customer: Customer, cursor: Cursor | None, limit: int
) -> list[Entry]:
    """At most `limit` of the source's newest rows after the cursor: one indexed query."""
    rows: QuerySet[Any] = visible(
        actor, source.rows(customer.pk), source.permission, source.unit_field
    )
    if cursor is not None:
        rows = rows.filter(_after_cursor(source, cursor))
    field = source.date_field
    found = []
    for record in rows.order_by(f"-{field}", "-pk")[:limit]:
        at = getattr(record, field)
        on = timezone.localdate(at) if isinstance(at, datetime) else at
        found.append(Entry(source=source, record=record, on=on, at=at))
    return found


def timeline_page(
    *,
    actor: User,
    customer: Customer,
    kinds: Collection[str] = (),
    after: str | None = None,
    size: int = PAGE_SIZE,
) -> TimelinePage:
    """A page of `customer`'s timeline as `actor` may see it; the customer itself must already
    have been read through the access module. Unknown or invisible kinds are ignored."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    sources = visible_sources(actor)
    chosen = [s for s in sources if s.key in kinds] or sources
    cursor = decode(after)
    merged = sorted(
        (entry for s in chosen for entry in _entries(actor, s, customer, cursor, size + 1)),
        key=Entry.sort_key,
    )
    page = merged[:size]
    next_after = None
    if len(merged) > size and page:
        last = page[-1]
        next_after = Cursor(on=last.on, kind=last.kind, at=last.at, pk=int(last.record.pk)).encode()
    return TimelinePage(
        entries=page,
        next_after=next_after,
        sources=sources,
        kinds=[s.key for s in chosen] if len(chosen) < len(sources) else [],
    )


def page_reads(customer: Customer, page: TimelinePage, query: str) -> list[Read]:
    """What a response showing `page` registers: the customer read, and one list read per
    kind of record (per owning unit) naming the entries shown; registered in one append."""
    reads = [read_of(customer)]
    grouped: dict[str, list[Entry]] = {}
    for entry in page.entries:
        grouped.setdefault(entry.record._meta.label_lower, []).append(entry)
    for record_type, entries in grouped.items():
        pairs = [(str(entry.record.pk), entry.unit_id) for entry in entries]
        reads += list_reads(record_type, pairs, query)
    return reads
