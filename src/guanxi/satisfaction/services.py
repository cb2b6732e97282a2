"""Writes of the rating rows: a form's rows follow what the form says (called by the feedback
services inside their transaction, so the rows and the form commit or vanish together), and
the monthly rollup (`MonthlyRating`) follows the rows.

Why the rollup stays exact under concurrent writers, on both databases:

* It only ever changes by deltas of the rating rows this transaction itself deleted or
  inserted: the old rows come back from `DELETE … RETURNING` (the rows *this* statement
  removed — a row another transaction removed first is not returned, so it is not subtracted
  twice), the new ones are the rows inserted. So after every commit, the rollup equals
  Σ FormRating grouped by (unit, month, kind, dimension, rating), whatever the interleaving;
  a rolled-back transaction takes its deltas with it. (The form row is also locked by the
  feedback services' `select_for_update`, so two saves of one form do not even interleave.)
* Each delta is applied by `INSERT … ON CONFLICT (key) DO UPDATE SET count = count +
  excluded.count`, one statement: PostgreSQL takes the row lock of the conflicting group and
  adds to the latest committed count (READ COMMITTED re-reads the locked row), never a value
  read earlier; a new group is inserted, and two transactions inserting the same new group
  meet on the unique index, the second then updates. SQLite has one writer at a time.
* The deltas of one save are summed per group first (one row per key in the statement) and
  sent in key order, so two saves touching the same groups lock them in the same order and do
  not deadlock each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models.signals import pre_delete

from guanxi.feedback.models import MODELS, FormRecord
from guanxi.satisfaction.models import OVERALL, FormRating, MonthlyRating, month_of

Key = tuple[int, int, str, str, str]  # unit, month, kind, dimension, rating
KEY_COLUMNS = ("unit_id", "month", "kind", "dimension", "rating")
BATCH = 500  # groups per upsert statement (6 parameters each, under SQLite's limits)


def ratings_of(record: FormRecord) -> list[FormRating]:
    """The rows a form's ratings make: the overall satisfaction and each rated dimension."""
    given = [(OVERALL, record.satisfaction)] if record.satisfaction else []
    ratings = record.ratings if isinstance(record.ratings, dict) else {}
    given += [(str(key), str(value)) for key, value in sorted(ratings.items()) if value]
    return [
        FormRating(
            record_id=record.pk,
            unit_id=record.unit_id,
            customer_id=record.customer_id,
            kind=record.kind,
            date=record.date,
            month=month_of(record.date),
            dimension=dimension,
            rating=rating,
        )
        for dimension, rating in given
    ]


def _key(row: FormRating) -> Key:
    return (row.unit_id, row.month, row.kind, row.dimension, row.rating)


def _removed(record_id: int) -> list[Key]:
    """Delete the form's rating rows; the keys of the rows this statement deleted."""
    table = FormRating._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE record_id = %s RETURNING {', '.join(KEY_COLUMNS)}",  # noqa: S608 - names from model metadata
            [record_id],
        )
        return [(int(u), int(m), str(k), str(d), str(r)) for u, m, k, d, r in cursor.fetchall()]


def rollup_add(deltas: Counter[Key]) -> int:
    """Add `deltas` (a count per group, negative to subtract) to the monthly rollup, in key
    order, one upsert per batch; returns the groups changed."""
    changes = sorted((key, n) for key, n in deltas.items() if n)
    table = MonthlyRating._meta.db_table
    columns = ", ".join((*KEY_COLUMNS, "count"))
    target = ", ".join(KEY_COLUMNS)
    with connection.cursor() as cursor:
        for start in range(0, len(changes), BATCH):
            batch = changes[start : start + BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(batch))
            params: list[Any] = [value for key, n in batch for value in (*key, n)]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 - names from model metadata, placeholders only
                f"ON CONFLICT ({target}) DO UPDATE SET count = {table}.count + excluded.count",
                params,
            )
    return len(changes)


def _deltas(removed: Iterable[Key], added: Iterable[Key]) -> Counter[Key]:
    deltas: Counter[Key] = Counter(added)
    deltas.subtract(removed)
    return deltas


def ratings_refresh(*, record: FormRecord) -> int:
    """Replace the form's rating rows by its ratings as saved, and move the monthly rollup by
    the difference; returns how many rows the form has. Call inside the form's transaction."""
    removed = _removed(record.pk)
    rows = ratings_of(record)
    FormRating.objects.bulk_create(rows)
    rollup_add(_deltas(removed, map(_key, rows)))
    return len(rows)


def ratings_remove(*, record_id: int) -> int:
    """Delete the form's rating rows and take them out of the rollup (a form being deleted)."""
    removed = _removed(record_id)
    rollup_add(_deltas(removed, ()))
    return len(removed)


def _form_deleted(sender: type[FormRecord], instance: FormRecord, **kwargs: Any) -> None:
    """A form deleted in any way the ORM deletes (its rating rows would go by cascade): its
    ratings leave the rollup first, in the deleting transaction."""
    ratings_remove(record_id=instance.pk)


def connect_signals() -> None:
    """Connected per form model (never for every model, which would slow every delete)."""
    models: list[type[FormRecord]] = [FormRecord, *MODELS.values()]
    for model in models:
        pre_delete.connect(_form_deleted, sender=model, dispatch_uid=f"rollup:{model.__name__}")
