"""Turning change rows into words: who changed what from what to what, when, from which source.

Names instead of ids (one query per related model per page, archive rows only within the
reader's scope), labels instead of codes, amounts as money, times in the installation's time
zone to the minute, key persons' profiles masked without the right.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import DateTimeField, DecimalField, Field, Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from guanxi.access.scope import User, may_in_unit, visible
from guanxi.customers.models import PROFILE_FIELDS, Contact
from guanxi.formats import money
from guanxi.history.models import Change, Op, Via
from guanxi.history.services import ERASED
from guanxi.history.triggers import SKIPPED, TRACKED, tracked_tables
from guanxi.organisation.models import Person, Unit
from guanxi.policy.labels import field_label
from guanxi.policy.loader import current as current_policy

MASK = "***"
# Personal profile columns of key persons, shown only with contact.view_profile (PRV-1).
PROFILE_COLUMNS = frozenset(
    f.column for f in Contact._meta.concrete_fields if f.name in PROFILE_FIELDS
)
CONTACT_TABLE = Contact._meta.db_table
OPEN = (Person, Unit)  # the organisation is not confidential: named without scoping
PERMISSION = "customer.view"  # as guanxi.history.selectors
# How an archive row reaches the unit that scopes it, by the triggers' way to its customer.
UNIT_PATHS = {
    "self": "owning_unit",
    "customer": "customer__owning_unit",
    "dealing": "dealing__customer__owning_unit",
    "contact": "contact__customer__owning_unit",
    "unit": "unit",
}
SCOPES = {label.lower(): UNIT_PATHS[mode] for label, mode in TRACKED}
LABEL_FIELDS = ("name", "title")  # the field an archive row is named by
TIME_FORMAT = "%Y-%m-%d %H:%M"


def masked_changes(change: Change, reader: User) -> dict[str, Any]:
    """`change.changes` with key persons' profile values hidden from readers without the right."""
    data: dict[str, Any] = dict(change.changes or {})
    if change.table != CONTACT_TABLE or may_in_unit(reader, "contact.view_profile", change.unit_id):
        return data
    for column in PROFILE_COLUMNS & data.keys():
        data[column] = [MASK, MASK] if change.op == Op.UPDATE else MASK
    return data


@dataclass(frozen=True)
class FieldChange:
    column: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    """One change row: one save of one record."""

    change: Change
    at: str
    who: str
    source: str
    via: str
    what: str
    record: str
    op: str
    fields: list[FieldChange]


@dataclass(frozen=True)
class Event:
    """One change as a person made it: the saves of one person, from one source, through one
    path, in the same second (a service call that writes a contact and its relationship)."""

    at: str
    who: str
    source: str
    via: str
    entries: list[Entry]


def _fields(model: type[Model] | None) -> dict[str, Field[Any, Any]]:
    if model is None:
        return {}
    return {f.column: f for f in model._meta.concrete_fields}


def _pairs(change: Change, data: dict[str, Any]) -> Iterable[tuple[str, Any, Any]]:
    if change.op == Op.UPDATE:
        for column, pair in data.items():
            if isinstance(pair, list) and len(pair) == 2:
                yield column, pair[0], pair[1]
        return
    for column, value in data.items():
        if column != "id" and value not in ("", None):
            yield (column, None, value) if change.op == Op.INSERT else (column, value, None)


def _label_field(model: type[Model]) -> str | None:
    names = {f.name for f in model._meta.concrete_fields}
    return next((name for name in LABEL_FIELDS if name in names), None)


class _Names:
    """Names of the people, units and archive rows a page of changes mentions (the records
    changed and the ones their foreign keys point at): one query per model, whatever the
    number of changes. An archive row outside the reader's scope keeps its number."""

    def __init__(
        self,
        changes: list[Change],
        columns: dict[str, dict[str, Field[Any, Any]]],
        models: dict[str, type[Model]],
        reader: User,
    ):
        wanted: dict[type[Model], set[int]] = defaultdict(set)
        wanted[Person] |= {c.actor_id for c in changes if c.actor_id is not None}
        for change in changes:
            model = models.get(change.table)
            if model is not None and change.record_id.isdigit():
                wanted[model].add(int(change.record_id))
            fields = columns[change.table]
            for column, old, new in _pairs(change, change.changes or {}):
                related = getattr(fields.get(column), "related_model", None)
                if isinstance(related, type):
                    wanted[related] |= {v for v in (old, new) if isinstance(v, int)}
        self.names: dict[tuple[type[Model], int], str] = {}
        for model, ids in wanted.items():
            if ids:
                self._load(model, sorted(ids), reader)

    def _load(self, model: type[Model], ids: list[int], reader: User) -> None:
        if model in OPEN:
            for obj in model._default_manager.filter(pk__in=ids):
                self.names[(model, int(obj.pk))] = str(obj)
            return
        scope, label = SCOPES.get(model._meta.label_lower), _label_field(model)
        if scope is None or label is None:
            return
        rows = visible(reader, model._default_manager.all(), PERMISSION, unit_field=scope)
        for pk, name in rows.filter(pk__in=ids).values_list("pk", label):
            self.names[(model, int(pk))] = str(name)

    def of(self, model: type[Model], pk: int) -> str:
        return self.names.get((model, pk), f"#{pk}")

    def known(self, model: type[Model], pk: int) -> str | None:
        return self.names.get((model, pk))


def local_minute(value: object) -> str:
    """A stored time in the installation's time zone, to the minute. The history keeps what
    the database wrote: an aware time, or a UTC text (SQLite's triggers, Django's storage)."""
    at = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(at, datetime.datetime):
        return str(value)
    if timezone.is_naive(at):
        at = at.replace(tzinfo=datetime.UTC)
    return timezone.localtime(at).strftime(TIME_FORMAT)


def _value(field: Field[Any, Any] | None, value: Any, names: _Names, language: str) -> str:
    if value is None or value == "":
        return "—"
    if value == MASK:
        return _("(hidden)")
    if value == ERASED:
        return _("(erased at the person's request)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field is None:
        return str(value)
    if isinstance(field, DateTimeField):
        return local_minute(value)
    if isinstance(field, DecimalField) and field.decimal_places == 2:
        return money(value)  # the archive's two-place decimals are amounts in yuan
    related = getattr(field, "related_model", None)
    if isinstance(related, type) and isinstance(value, int):
        return names.of(related, value)
    named = field_label(field.name, value, language)
    if named is not None and not field.flatchoices:
        return named
    choices = dict(field.flatchoices or [])
    return str(choices.get(value, value))


def _record(change: Change, model: type[Model] | None, names: _Names) -> str:
    """The changed record by name; a deleted one by the name its last row held."""
    if model is not None and change.record_id.isdigit():
        known = names.known(model, int(change.record_id))
        if known is not None:
            return known
    data = change.changes if isinstance(change.changes, dict) else {}
    for name in LABEL_FIELDS:
        value = data.get(name)
        if isinstance(value, str) and value and change.op != Op.UPDATE:
            return value
    return f"#{change.record_id}"


def describe(
    changes: list[Change], *, reader: User, language: str, column: str = ""
) -> list[Entry]:
    """One entry per change, in words, with a fixed number of queries for any page size.
    With `column`, only that field's line of each change."""
    models = tracked_tables(apps.get_model)
    columns = {table: _fields(models.get(table)) for table in {c.table for c in changes}}
    names = _Names(changes, columns, models, reader)
    sources = current_policy().sources
    entries = []
    for change in changes:
        fields = columns[change.table]
        model = models.get(change.table)
        lines = [
            FieldChange(
                column=name,
                label=str(fields[name].verbose_name) if name in fields else name,
                old=_value(fields.get(name), old, names, language),
                new=_value(fields.get(name), new, names, language),
            )
            for name, old, new in _pairs(change, masked_changes(change, reader))
            if not column or name == column
        ]
        source = sources.get(change.source)
        entries.append(
            Entry(
                change=change,
                at=local_minute(change.at),
                who=names.of(Person, change.actor_id) if change.actor_id else _("(not recorded)"),
                source=source.name(language) if source else change.source,
                via=str(Via(change.via).label) if change.via in Via.values else change.via,
                what=str(model._meta.verbose_name) if model else change.table,
                record=_record(change, model, names),
                op=str(Op(change.op).label) if change.op in Op.values else change.op,
                fields=lines,
            )
        )
    return entries


def _event_key(entry: Entry) -> tuple[object, ...]:
    change = entry.change
    return (change.actor_id, change.source, change.via, change.at.replace(microsecond=0))


def grouped(entries: list[Entry]) -> list[Event]:
    """Consecutive entries of one person, source, path and second as one event, newest first
    as the entries are. A page boundary may split an event; the next page goes on with it."""
    events: list[Event] = []
    previous: tuple[object, ...] | None = None
    for entry in entries:
        key = _event_key(entry)
        if events and key == previous:
            events[-1].entries.append(entry)
        else:
            events.append(Event(entry.at, entry.who, entry.source, entry.via, [entry]))
        previous = key
    return events


def field_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The fields of the tracked records, grouped by record type, as `table.column` keys."""
    groups = []
    for table, model in tracked_tables(apps.get_model).items():
        options = [
            (f"{table}.{f.column}", str(f.verbose_name))
            for f in model._meta.concrete_fields
            if f.column not in SKIPPED and not f.primary_key
        ]
        groups.append((str(model._meta.verbose_name), options))
    return groups
