"""Reading the read register 查阅登记 (DOC-4): the auditor's page, its export and the API.

The log keeps readers and records as plain values, so a page names them afterwards: one query
for the readers and one per record type for the records of the whole page, never one per row.
A record that no longer exists, or that has left the viewer's line, shows the entry's own
details (type and id); a link appears only when the viewer may open the record. Entries of one
list or export response (same time, reader, channel and query) are shown as one row again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from guanxi.access.models import AccessLogEntry, Channel
from guanxi.access.register import chain_before_reading, unit_id_of
from guanxi.access.scope import User, scope_of, visible
from guanxi.organisation.models import Person
from guanxi.paging import KeysetPage, keyset_page

PERMISSION = "access_log.view"
PAGE_SIZE = 50
# Ids of one list read named on a page; the rest are counted. Bounds the page's name queries.
NAMED_PER_GROUP = 200
# Entries of one response that straddle a page's end are pulled onto it, at most this many.
GROUP_TAIL = 500
EXPORT_LIMIT = 20_000  # entries in one workbook, as for the customer export


@dataclass(frozen=True)
class Kind:
    """How to name, scope and link a record type of the log."""

    permission: str
    unit_field: str
    url: str | None
    name: Callable[[Any], str]
    related: tuple[str, ...] = ()


def _attr(name: str) -> Callable[[Any], str]:
    return lambda obj: str(getattr(obj, name) or "")


KINDS: dict[str, Kind] = {
    "customers.customer": Kind("customer.view", "owning_unit", "customer-detail", _attr("name")),
    "customers.contact": Kind(
        "customer.view",
        "customer__owning_unit",
        "contact-detail",
        lambda c: f"{c.name} · {c.customer.name}",
    ),
    "customers.customerdepartment": Kind(
        "customer.view",
        "customer__owning_unit",
        "department-detail",
        lambda d: f"{d.name} · {d.customer.name}",
    ),
    "customers.marketreport": Kind("customer.view", "unit", "market-report-detail", _attr("title")),
    "customers.personaldatarequest": Kind(
        "customer.view",
        "contact__customer__owning_unit",
        "personal-request-detail",
        lambda r: f"{r.contact.name} · {r.get_kind_display()}",
    ),
    "plans.plan": Kind("plan.view", "unit", "plan-detail", str, ("unit",)),
    "plans.planitem": Kind("plan.view", "plan__unit", None, _attr("name")),
    "activities.activity": Kind("activity.view", "unit", "activity-detail", _attr("name")),
    "keycustomers.visitplan": Kind(
        "visit.view", "customer__owning_unit", "keycustomers:visit-detail", _attr("theme")
    ),
    "keycustomers.followup": Kind(
        "visit.view", "visit__customer__owning_unit", None, _attr("title")
    ),
    "keycustomers.customerplan": Kind(
        "customer_plan.view",
        "customer__owning_unit",
        "keycustomers:plan-detail",
        lambda p: f"{p.customer.name} · {p.year}",
    ),
    "keycustomers.campaign": Kind(
        "campaign.view", "unit", "keycustomers:campaign-detail", _attr("title")
    ),
    "keycustomers.campaigntarget": Kind(
        "campaign.view",
        "customer__owning_unit",
        None,
        lambda t: f"{t.campaign.title} · {t.customer.name}",
        ("campaign",),
    ),
}


def type_label(record_type: str) -> str:
    """The record type in words: the model's verbose name, or the stored label if unknown."""
    try:
        model = apps.get_model(record_type)
    except (LookupError, ValueError):
        return record_type
    return str(model._meta.verbose_name)


def type_choices() -> list[tuple[str, str]]:
    """The record types a filter may name, in words."""
    labels = [*KINDS, "access.accesslogentry"]
    return sorted(((label, type_label(label)) for label in labels), key=lambda c: c[1])


# ---------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class LogFilters:
    reader: str = ""
    record_type: str = ""
    record_id: int | None = None
    channel: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def params(self) -> dict[str, str]:
        """The filters as query parameters (for links and the export's registered query)."""
        values = {
            "reader": self.reader,
            "record_type": self.record_type,
            "record_id": "" if self.record_id is None else str(self.record_id),
            "channel": self.channel,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {key: value for key, value in values.items() if value}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _record_match(record_type: str, record_id: int | None) -> Q:
    """Single reads of the record and list reads whose returned ids contain it."""
    q = Q()
    if record_type:
        q &= Q(record_type=record_type)
    if record_id is None:
        return q
    rid = str(record_id)
    in_list = (
        Q(record_ids=rid)
        | Q(record_ids__startswith=f"{rid},")
        | Q(record_ids__endswith=f",{rid}")
        | Q(record_ids__contains=f",{rid},")
    )
    return q & (Q(record_id=rid) | (Q(record_id="") & in_list))


def _reader_match(text: str) -> Q:
    people = Person.objects.filter(
        Q(username__icontains=text)
        | Q(display_name__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
    ).values("pk")
    return Q(username__icontains=text) | Q(reader_id__in=people)


def log_entries(*, actor: User, filters: LogFilters) -> QuerySet[AccessLogEntry]:
    """The entries `actor` may see (records owned by their line), filtered; chained first so
    the newest reads are in it."""
    chain_before_reading()
    entries = visible(actor, AccessLogEntry.objects.all(), PERMISSION, unit_field="record_unit")
    if filters.reader:
        entries = entries.filter(_reader_match(filters.reader))
    if filters.record_type or filters.record_id is not None:
        entries = entries.filter(_record_match(filters.record_type, filters.record_id))
    if filters.channel:
        entries = entries.filter(channel=filters.channel)
    if filters.date_from:
        entries = entries.filter(at__gte=_day_start(filters.date_from))
    if filters.date_to:
        entries = entries.filter(at__lt=_day_start(filters.date_to + timedelta(days=1)))
    return entries


def log_page(
    *, actor: User, filters: LogFilters, after: str | None, size: int = PAGE_SIZE
) -> KeysetPage[AccessLogEntry]:
    """A keyset page, newest first; a list read cut by the page's end is completed on it
    (one more query), so a group is never split across pages."""
    entries = log_entries(actor=actor, filters=filters)
    page = keyset_page(entries, after=after, size=size, key="seq")
    last = page.items[-1] if page.items else None
    if page.next_after is None or last is None or last.record_id != "":
        return page
    tail = list(
        entries.filter(
            seq__lt=last.seq,
            at=last.at,
            reader_id=last.reader_id,
            channel=last.channel,
            query=last.query,
            record_id="",
        ).order_by("-seq")[:GROUP_TAIL]
    )
    if tail:
        page.items.extend(tail)
        page.next_after = tail[-1].seq
    return page


# ---------------------------------------------------------------------------- naming


@dataclass(frozen=True)
class RecordRef:
    """A record as the register shows it: its name when known to the viewer, a link when the
    viewer may open it, else its type and id."""

    record_type: str
    record_id: str
    type_label: str
    name: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return self.name if self.name is not None else f"{self.type_label} #{self.record_id}"


@dataclass
class LogRow:
    """One row of the register: a single read, or the entries of one list/export response."""

    at: datetime
    reader_id: int
    username: str
    reader_name: str
    channel: str
    channel_label: str
    record_type: str
    type_label: str
    query: str
    entries: list[AccessLogEntry] = field(default_factory=list)
    records: list[RecordRef] = field(default_factory=list)
    record_count: int = 0

    @property
    def is_list(self) -> bool:
        return self.entries[0].record_id == ""

    @property
    def record(self) -> RecordRef | None:
        return self.records[0] if not self.is_list and self.records else None

    @property
    def first_seq(self) -> int:
        return self.entries[0].seq

    @property
    def unnamed_count(self) -> int:
        return self.record_count - len(self.records)


def _ids_by_type(entries: Iterable[AccessLogEntry], per_group: int | None) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        ids = [entry.record_id] if entry.record_id else entry.returned_ids
        if per_group is not None:
            ids = ids[:per_group]
        wanted.setdefault(entry.record_type, set()).update(i for i in ids if i.isdigit())
    return wanted


def resolve_records(
    *, actor: User, wanted: dict[str, set[str]]
) -> dict[tuple[str, str], RecordRef]:
    """Name the wanted records: one query per record type. A record is named when it exists and
    lies in the viewer's line (for the register or for its own permission), linked only when the
    viewer may open it."""
    scope = scope_of(actor)
    found: dict[tuple[str, str], RecordRef] = {}
    for record_type, ids in wanted.items():
        kind = KINDS.get(record_type)
        label = type_label(record_type)
        if kind is None or not ids:
            continue
        model: type[Model] = apps.get_model(record_type)
        hops = kind.unit_field.split("__")[:-1]
        related = {*kind.related, *(["__".join(hops)] if hops else [])}
        for obj in model._default_manager.select_related(*sorted(related)).filter(
            pk__in=sorted(int(i) for i in ids)
        ):
            unit = unit_id_of(obj, kind.unit_field)
            opens = scope.covers(kind.permission, unit)
            if not (opens or scope.covers(PERMISSION, unit)):
                continue
            url = None
            if opens and kind.url:
                try:
                    url = reverse(kind.url, args=[obj.pk])
                except NoReverseMatch:
                    url = None
            found[(record_type, str(obj.pk))] = RecordRef(
                record_type, str(obj.pk), label, name=kind.name(obj), url=url
            )
    return found


def reader_names(reader_ids: Iterable[int]) -> dict[int, str]:
    """Readers' names in one query; a reader since removed keeps only the logged username."""
    rows = Person.objects.filter(pk__in=sorted(set(reader_ids))).values_list(
        "pk", "display_name", "first_name", "last_name", "username"
    )
    return {pk: Person.label(d, f, last, u) for pk, d, f, last, u in rows}


def _ref(
    names: dict[tuple[str, str], RecordRef], record_type: str, record_id: str, label: str
) -> RecordRef:
    return names.get((record_type, record_id)) or RecordRef(record_type, record_id, label)


def group_key(entry: AccessLogEntry) -> tuple[Any, ...] | None:
    """What the entries of one list/export response share; None for a single read."""
    if entry.record_id != "":
        return None
    return (entry.at, entry.reader_id, entry.channel, entry.query or "", entry.record_type)


def describe(
    entries: list[AccessLogEntry], *, actor: User, per_group: int | None = NAMED_PER_GROUP
) -> list[LogRow]:
    """The page's rows: readers and records named (a constant number of queries), the
    entries of one list read grouped into one row, newest first."""
    names = resolve_records(actor=actor, wanted=_ids_by_type(entries, per_group))
    readers = reader_names(e.reader_id for e in entries)
    channels = dict(Channel.choices)
    labels: dict[str, str] = {}
    rows: list[LogRow] = []
    groups: dict[tuple[Any, ...], LogRow] = {}
    for entry in entries:
        label = labels.setdefault(entry.record_type, type_label(entry.record_type))
        key = group_key(entry)
        row = groups.get(key) if key is not None else None
        if row is None:
            row = LogRow(
                at=entry.at,
                reader_id=entry.reader_id,
                username=entry.username,
                reader_name=readers.get(entry.reader_id, entry.username),
                channel=entry.channel,
                channel_label=str(channels.get(entry.channel, entry.channel)),
                record_type=entry.record_type,
                type_label=label,
                query=entry.query or "",
            )
            rows.append(row)
            if key is not None:
                groups[key] = row
        row.entries.append(entry)
        if key is None:
            row.records.append(_ref(names, entry.record_type, entry.record_id, label))
            row.record_count = 1
            continue
        ids = entry.returned_ids
        row.record_count += len(ids)
        room = NAMED_PER_GROUP - len(row.records) if per_group is not None else len(ids)
        row.records.extend(_ref(names, entry.record_type, i, label) for i in ids[: max(room, 0)])
    return rows


def query_words(query: str) -> str:
    """The registered query, for people: "key: value" pairs, or the raw text if not JSON."""
    if not query:
        return ""
    try:
        data = json.loads(query)
    except ValueError:
        return query
    if not isinstance(data, dict):
        return query
    return "; ".join(
        f"{key}: {'、'.join(map(str, value)) if isinstance(value, list) else value}"
        for key, value in data.items()
    )


def export_entries(*, actor: User, filters: LogFilters) -> list[AccessLogEntry]:
    """The filtered entries an export carries, newest first, at most `EXPORT_LIMIT`."""
    return list(log_entries(actor=actor, filters=filters).order_by("-seq")[:EXPORT_LIMIT])


def export_count(*, actor: User, filters: LogFilters) -> int:
    return log_entries(actor=actor, filters=filters)[:EXPORT_LIMIT].count()
