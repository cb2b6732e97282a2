"""Bulk loading: COPY on PostgreSQL, big executemany transactions on SQLite.

Rows are plain tuples in the order of the columns named; columns not named get the field's
default (Django's defaults live in Python, not in the database, so the loader supplies them).
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import islice
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.db.models.fields import NOT_PROVIDED

from guanxi.customers.keys import PHONE_SEPARATORS, REPEAT
from guanxi.history import triggers

Row = tuple[Any, ...]
BATCH = 20_000


def _default(model: type[Model], column: str) -> Any:
    field = next(f for f in model._meta.concrete_fields if f.column == column)
    if field.default is not NOT_PROVIDED:
        return field.get_default()
    if field.null:
        return None
    if field.get_internal_type() in {"CharField", "TextField", "EmailField", "FileField"}:
        return ""
    raise ValueError(f"{model.__name__}.{column} needs a value")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def write(model: type[Model], columns: tuple[str, ...], rows: Iterable[Row]) -> int:
    """Insert `rows` into `model`'s table; returns how many were written."""
    table = model._meta.db_table
    rest = tuple(
        f.column
        for f in model._meta.concrete_fields
        if f.column not in columns and not (f.primary_key and "id" not in columns)
    )
    tail = tuple(_default(model, c) for c in rest)
    names = ", ".join(f'"{c}"' for c in (*columns, *rest))
    count = 0
    if connection.vendor == "postgresql":
        with (
            _without_secondary_indexes(table),
            connection.cursor() as cursor,
            cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row + tail)
                count += 1
        return count
    with _search_filled_after(table):
        return _sqlite_write(table, names, len(columns) + len(rest), rows, tail)


def _sqlite_write(
    table: str, names: str, width: int, rows: Iterable[Row], tail: tuple[Any, ...]
) -> int:
    count = 0
    marks = ", ".join("?" * width)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'  # noqa: S608 - names from models
    raw = connection.connection.cursor()
    iterator: Iterator[Row] = iter(rows)
    tail = tuple(_sqlite_value(v) for v in tail)
    converters: list[bool] | None = None
    while batch := list(islice(iterator, BATCH)):
        if converters is None:
            converters = [
                isinstance(v, datetime.date | Decimal) for v in batch[0]
            ]  # column types are fixed per table: convert only the columns that need it
        if any(converters):
            batch = [
                tuple(_sqlite_value(v) if c else v for v, c in zip(row, converters, strict=True))
                for row in batch
            ]
        raw.executemany(sql, [row + tail for row in batch])
        count += len(batch)
    return count


# The lengths the search triggers were written for (their SQL is fixed in the migration).
_SEARCH_MIGRATION = importlib.import_module("guanxi.customers.migrations.0006_search")


def _sql_tripled(name: str | None, length: int) -> str | None:
    """What the trigger's substr() chain makes of `name` (each character REPEAT times)."""
    if name is None:
        return None
    return "".join(ch * REPEAT for ch in name[:length])


def _sql_digits(phone: str | None) -> str:
    """What the trigger's replace() chain makes of a telephone number."""
    text = phone or ""
    for separator in PHONE_SEPARATORS:
        text = text.replace(separator, "")
    return text


def _customer_search_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    pk, name = row
    return pk, _sql_tripled(name, _SEARCH_MIGRATION.CUSTOMER_NAME_LENGTH)


def _contact_search_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    pk, name, phone, mobile = row
    phones = f"{_sql_digits(phone)} {_sql_digits(mobile)}"
    return pk, _sql_tripled(name, _SEARCH_MIGRATION.CONTACT_NAME_LENGTH), phones


# SQLite's search tables (customers migration 0006) and how to fill them from a loaded row:
# (search table, its columns, the source columns, the row in Python). The insert trigger does
# the same in SQL, a few hundred substr() calls a row; in Python it is ten times faster.
SQLITE_SEARCH = {
    "customers_customer": (
        "customers_customer_search",
        ("name",),
        ("id", "name"),
        _customer_search_row,
    ),
    "customers_contact": (
        "customers_contact_search",
        ("name", "phones"),
        ("id", "name", "phone", "mobile"),
        _contact_search_row,
    ),
}


@contextmanager
def _search_filled_after(table: str) -> Iterator[None]:
    """SQLite: load `table` without its search-insert trigger, then add the new rows to its
    search table in bulk and put the trigger back (same transaction)."""
    if table not in SQLITE_SEARCH:
        yield
        return
    search, search_columns, source, make = SQLITE_SEARCH[table]
    trigger = f"{search}_ai"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [trigger]
        )
        found = cursor.fetchone()
        cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')  # noqa: S608
        before = cursor.fetchone()[0]
        if found:
            cursor.execute(f'DROP TRIGGER "{trigger}"')
    yield
    if not found:
        return
    raw = connection.connection.cursor()
    names = ", ".join(source)
    selected = raw.execute(f'SELECT {names} FROM "{table}" WHERE id > ?', [before])  # noqa: S608
    marks = ", ".join("?" * (1 + len(search_columns)))
    insert = f"INSERT INTO {search}(rowid, {', '.join(search_columns)}) VALUES ({marks})"  # noqa: S608
    writer = connection.connection.cursor()
    while batch := selected.fetchmany(BATCH):
        writer.executemany(insert, [make(row) for row in batch])
    with connection.cursor() as cursor:
        cursor.execute(found[0])


@contextmanager
def _without_secondary_indexes(table: str) -> Iterator[None]:
    """PostgreSQL: drop the table's non-unique indexes for the load and build them again after
    it, in the same transaction; one sorted build is far cheaper than a million inserts into
    each index. Primary keys and unique indexes stay, so their checks still hold."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = %s AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
            [table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield
    with connection.cursor() as cursor:
        if indexes:  # deferred foreign-key checks must run before an index can be built
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _name, definition in indexes:
            cursor.execute(definition)


def reset_sequences(models: list[type[Model]]) -> None:
    """After explicit ids: move PostgreSQL's sequences past them (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _replica(on: bool) -> bool:
    """PostgreSQL: skip the per-row foreign-key triggers while COPY loads rows whose ids are
    consistent by construction (the SQLite load and the tests keep the checks). Needs a
    superuser; without one the load runs with the checks, only slower."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET session_replication_role = {'replica' if on else 'DEFAULT'}")
    except DatabaseError:
        return False
    return True


@contextmanager
def loading() -> Iterator[None]:
    """Make the database fast to fill for the length of the load, and put it back afterwards.

    The history triggers are dropped during the load and made again at its end, as `migrate`
    does on SQLite: seeded rows are the archive's starting state, not changes anyone made,
    and a history row per inserted row would double the work. SQLite also loads without
    fsync (`synchronous=OFF`) and with an in-memory journal, outside of a test's transaction.
    """
    outer = not connection.in_atomic_block
    connection.ensure_connection()
    pragmas = connection.vendor == "sqlite" and outer
    if pragmas:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=MEMORY")
            cursor.execute("PRAGMA cache_size=-262144")
    triggers.uninstall(connection, apps.get_model)
    replica = connection.vendor == "postgresql" and outer and _replica(True)
    try:
        yield
    finally:
        if replica:
            _replica(False)
        triggers.install(connection, apps.get_model)
        if pragmas:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA journal_mode={journal}")
                cursor.execute("PRAGMA synchronous=NORMAL")
