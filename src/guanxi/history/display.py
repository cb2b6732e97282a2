"""Turning change rows into words: table and field names, labelled values, masked profiles."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Field, Model
from django.utils.translation import gettext as _

from guanxi.access.scope import User, may_in_unit
from guanxi.customers.models import PROFILE_FIELDS, Contact
from guanxi.history.models import Change, Op, Via
from guanxi.history.services import ERASED
from guanxi.history.triggers import tracked_tables
from guanxi.organisation.models import Person, Unit
from guanxi.policy.labels import field_label
from guanxi.policy.loader import current as current_policy

MASK = "***"
# Personal profile columns of key persons, shown only with contact.view_profile (PRV-1).
PROFILE_COLUMNS = frozenset(
    f.column for f in Contact._meta.concrete_fields if f.name in PROFILE_FIELDS
)
CONTACT_TABLE = Contact._meta.db_table
NAMED = (Person, Unit)  # related rows shown by name; others by number


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
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Entry:
    change: Change
    who: str
    source: str
    via: str
    what: str
    fields: list[FieldChange]


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


class _Names:
    """Names of the people and units a page of changes mentions: one query per kind."""

    def __init__(self, changes: list[Change], columns: dict[str, dict[str, Field[Any, Any]]]):
        wanted: dict[type[Model], set[int]] = {model: set() for model in NAMED}
        wanted[Person] |= {c.actor_id for c in changes if c.actor_id is not None}
        for change in changes:
            fields = columns[change.table]
            for column, old, new in _pairs(change, change.changes or {}):
                related = getattr(fields.get(column), "related_model", None)
                if related in wanted:
                    wanted[related] |= {v for v in (old, new) if isinstance(v, int)}
        self.names: dict[tuple[type[Model], int], str] = {}
        for model, ids in wanted.items():
            if ids:
                for obj in model._default_manager.filter(pk__in=sorted(ids)):
                    self.names[(model, int(obj.pk))] = str(obj)

    def of(self, model: type[Model], pk: int) -> str:
        return self.names.get((model, pk), f"#{pk}")


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
    related = getattr(field, "related_model", None)
    if isinstance(related, type) and isinstance(value, int):
        return names.of(related, value)
    named = field_label(field.name, value, language)
    if named is not None and not field.flatchoices:
        return named
    choices = dict(field.flatchoices or [])
    return str(choices.get(value, value))


def describe(changes: list[Change], *, reader: User, language: str) -> list[Entry]:
    """One entry per change, in words, with a fixed number of queries for any page size."""
    models = tracked_tables(apps.get_model)
    columns = {table: _fields(models.get(table)) for table in {c.table for c in changes}}
    names = _Names(changes, columns)
    sources = current_policy().sources
    entries = []
    for change in changes:
        fields = columns[change.table]
        model = models.get(change.table)
        lines = [
            FieldChange(
                label=str(fields[column].verbose_name) if column in fields else column,
                old=_value(fields.get(column), old, names, language),
                new=_value(fields.get(column), new, names, language),
            )
            for column, old, new in _pairs(change, masked_changes(change, reader))
        ]
        source = sources.get(change.source)
        entries.append(
            Entry(
                change=change,
                who=names.of(Person, change.actor_id) if change.actor_id else _("(not recorded)"),
                source=source.name(language) if source else change.source,
                via=str(Via(change.via).label) if change.via in Via.values else change.via,
                what=str(model._meta.verbose_name) if model else change.table,
                fields=lines,
            )
        )
    return entries
