"""The one sanctioned rewrite of the append-only change history: erasing personal data.

When a person asks for their personal data to be deleted (PRV-1), erasing the live record is
not enough: every change row of that record still holds the old values. Those values are
replaced by `ERASED`; who changed what, when, from what source, stays — the business history
is kept, the person's data is not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet

from guanxi.history.models import Change, Op

ERASED = "[erased]"


def _erased(value: Any) -> Any:
    return value if value in (None, "") else ERASED


def _erase_row(change: Change, columns: frozenset[str]) -> dict[str, Any] | None:
    data: dict[str, Any] = dict(change.changes or {})
    touched = columns & data.keys()
    if not touched:
        return None
    for column in touched:
        value = data[column]
        if change.op == Op.UPDATE and isinstance(value, list):
            data[column] = [_erased(item) for item in value]
        else:
            data[column] = _erased(value)
    return data if data != change.changes else None


def _dangerously_rewrite(pk: int, changes: dict[str, Any]) -> None:
    """Bypass the append-only manager: only erasure may call this."""
    QuerySet(model=Change).filter(pk=pk).update(changes=changes)


def erase_from_history(*, model: type[Model], record_id: object, fields: Iterable[str]) -> int:
    """Erase the values of `fields` from every change row of one record; the number of rows
    rewritten. One person's history is a few dozen rows, so they are rewritten one by one
    inside the caller's transaction (the same JSON edit in SQL differs per database)."""
    names = set(fields)
    columns = frozenset(f.column for f in model._meta.concrete_fields if f.name in names)
    rows = Change.objects.filter(table=model._meta.db_table, record_id=str(record_id))
    rewritten = 0
    for change in rows.only("id", "op", "changes").order_by("id"):
        data = _erase_row(change, columns)
        if data is not None:
            _dangerously_rewrite(change.pk, data)
            rewritten += 1
    return rewritten
