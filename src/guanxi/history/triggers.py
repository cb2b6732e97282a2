"""The database triggers that write `history_change` (CUS-12).

Triggers, not model signals, so that every path is recorded: services, `QuerySet.update()`,
`bulk_create` / `bulk_update`, imports, commands and raw SQL alike. Who and through what the
change came is read from the transaction's attribution (guanxi.history.context):

* PostgreSQL: one plpgsql function diffs `to_jsonb(OLD)` against `to_jsonb(NEW)`, so new
  columns are covered without regenerating anything; the attribution comes from the
  transaction-local settings `guanxi.actor`, `guanxi.source` and `guanxi.via`.
* SQLite: per-table triggers generated from the current column list, calling the functions
  `guanxi_actor()`, `guanxi_source()` and `guanxi_via()` that every connection registers.
  SQLite drops a table's triggers when a migration rebuilds it, and refuses to rename a table
  while another trigger names a missing one, so the triggers are dropped before `migrate` and
  made again after it (see apps.py). A client that lacks those functions (the sqlite3 shell)
  cannot write the tracked tables at all, so no write escapes the history.
"""

# ruff: noqa: S608  (DDL built from model metadata and constants, never from input)
from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

HISTORY_TABLE = "history_change"

# Columns that change without the archive's content changing: a save that touches only these
# records nothing.
SKIPPED = ("version", "updated_at", "name_pinyin", "name_initials", "name_key")

# (model label, how the row finds its customer unit)
#   self      the row is the customer unit
#   customer  the row's customer_id
#   dealing   the customer of the row's dealing
#   contact   the customer of the row's contact
#   unit      no customer; the row's own unit_id scopes it
TRACKED: tuple[tuple[str, str], ...] = (
    ("customers.Customer", "self"),
    ("customers.CustomerDepartment", "customer"),
    ("customers.Contact", "customer"),
    ("customers.Relationship", "contact"),
    ("customers.Dealing", "customer"),
    ("customers.Operation", "customer"),
    ("customers.ContractSummary", "dealing"),
    ("customers.MarketReport", "unit"),
    ("customers.InformationMeaning", "customer"),
)

GetModel = Callable[[str], type[Model]]

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION guanxi_history_record() RETURNS trigger AS $$
DECLARE
  skipped CONSTANT text[] := ARRAY[{", ".join(f"'{c}'" for c in SKIPPED)}];
  old_row jsonb;
  new_row jsonb;
  row_data jsonb;
  diff jsonb := '{{}}'::jsonb;
  col text;
  v_customer bigint;
  v_unit bigint;
BEGIN
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD) - skipped; END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW) - skipped; END IF;
  row_data := coalesce(new_row, old_row);
  IF TG_OP = 'UPDATE' THEN
    FOR col IN SELECT jsonb_object_keys(new_row) LOOP
      IF (new_row -> col) IS DISTINCT FROM (old_row -> col) THEN
        diff := diff || jsonb_build_object(col, jsonb_build_array(old_row -> col, new_row -> col));
      END IF;
    END LOOP;
    IF diff = '{{}}'::jsonb THEN RETURN NULL; END IF;
  ELSE
    diff := row_data;
  END IF;
  IF TG_ARGV[0] = 'self' THEN
    v_customer := (row_data ->> 'id')::bigint;
    v_unit := (row_data ->> 'owning_unit_id')::bigint;
  ELSIF TG_ARGV[0] = 'unit' THEN
    v_unit := (row_data ->> 'unit_id')::bigint;
  ELSE
    IF TG_ARGV[0] = 'customer' THEN
      v_customer := (row_data ->> 'customer_id')::bigint;
    ELSIF TG_ARGV[0] = 'dealing' THEN
      SELECT d.customer_id INTO v_customer FROM customers_dealing d
        WHERE d.id = (row_data ->> 'dealing_id')::bigint;
    ELSIF TG_ARGV[0] = 'contact' THEN
      SELECT c.customer_id INTO v_customer FROM customers_contact c
        WHERE c.id = (row_data ->> 'contact_id')::bigint;
    END IF;
    SELECT cu.owning_unit_id INTO v_unit FROM customers_customer cu WHERE cu.id = v_customer;
  END IF;
  INSERT INTO {HISTORY_TABLE}
    (at, "table", record_id, op, changes, actor_id, source, via, customer_id, unit_id)
  VALUES (
    now(), TG_TABLE_NAME, row_data ->> 'id', lower(TG_OP), diff,
    nullif(current_setting('guanxi.actor', true), '')::bigint,
    coalesce(current_setting('guanxi.source', true), ''),
    coalesce(nullif(current_setting('guanxi.via', true), ''), 'database'),
    v_customer, v_unit
  );
  RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""


def _models(get_model: GetModel) -> list[tuple[type[Model], str]]:
    return [(get_model(label), mode) for label, mode in TRACKED]


def _execute(connection: BaseDatabaseWrapper, statements: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install(connection: BaseDatabaseWrapper, get_model: GetModel) -> None:
    """(Re)create the history triggers on every tracked table; safe to run again."""
    models = _models(get_model)
    if connection.vendor == "postgresql":
        _execute(connection, [PG_FUNCTION, *_pg_drops(models), *_pg_creates(models)])
    elif connection.vendor == "sqlite":
        _execute(connection, [*_sqlite_drops(models), *_sqlite_creates(models)])


def uninstall(connection: BaseDatabaseWrapper, get_model: GetModel) -> None:
    models = _models(get_model)
    if connection.vendor == "postgresql":
        _execute(
            connection, [*_pg_drops(models), "DROP FUNCTION IF EXISTS guanxi_history_record()"]
        )
    elif connection.vendor == "sqlite":
        _execute(connection, _sqlite_drops(models))


def _pg_drops(models: list[tuple[type[Model], str]]) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS guanxi_history ON "{m._meta.db_table}"' for m, _ in models]


def _pg_creates(models: list[tuple[type[Model], str]]) -> list[str]:
    return [
        f'CREATE TRIGGER guanxi_history AFTER INSERT OR UPDATE OR DELETE ON "{m._meta.db_table}" '
        f"FOR EACH ROW EXECUTE FUNCTION guanxi_history_record('{mode}')"
        for m, mode in models
    ]


# SQLite ------------------------------------------------------------------------------------

OPS = ("insert", "update", "delete")


def _sqlite_drops(models: list[tuple[type[Model], str]]) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS guanxi_history_{m._meta.db_table}_{op}"
        for m, _ in models
        for op in OPS
    ]


def _columns(model: type[Model]) -> list[tuple[str, bool]]:
    """(column, is boolean) for every stored column except the skipped ones."""
    return [
        (field.column, field.get_internal_type() == "BooleanField")
        for field in model._meta.concrete_fields
        if field.column not in SKIPPED
    ]


def _value(row: str, column: str, boolean: bool) -> str:
    ref = f'{row}."{column}"'
    if boolean:  # SQLite stores 0 / 1; write JSON true / false as PostgreSQL does
        return (
            f"CASE WHEN {ref} IS NULL THEN NULL WHEN {ref} THEN json('true') ELSE json('false') END"
        )
    return ref


def _json_object(pairs: list[str]) -> str:
    """json_object over many columns, in chunks below SQLite's limit on function arguments."""
    chunks = [pairs[i : i + 30] for i in range(0, len(pairs), 30)]
    expression = "'{}'"
    for chunk in chunks:
        expression = f"json_patch({expression}, json_object({', '.join(chunk)}))"
    return expression


def _row_json(model: type[Model], row: str) -> str:
    # json_set keeps NULL columns (json_patch would drop them), as to_jsonb does
    pairs = [f"'$.\"{c}\"', {_value(row, c, b)}" for c, b in _columns(model)]
    expression = "'{}'"
    for i in range(0, len(pairs), 30):
        expression = f"json_set({expression}, {', '.join(pairs[i : i + 30])})"
    return expression


def _diff_json(model: type[Model]) -> str:
    # json_patch drops the keys whose value is NULL, i.e. the unchanged columns
    return _json_object(
        [
            f'\'{c}\', CASE WHEN OLD."{c}" IS NOT NEW."{c}" '
            f"THEN json_array({_value('OLD', c, b)}, {_value('NEW', c, b)}) END"
            for c, b in _columns(model)
        ]
    )


def _customer(mode: str, row: str) -> str:
    return {
        "self": f'{row}."id"',
        "customer": f'{row}."customer_id"',
        "dealing": f'(SELECT customer_id FROM customers_dealing WHERE id = {row}."dealing_id")',
        "contact": f'(SELECT customer_id FROM customers_contact WHERE id = {row}."contact_id")',
        "unit": "NULL",
    }[mode]


def _unit(mode: str, row: str) -> str:
    if mode == "self":
        return f'{row}."owning_unit_id"'
    if mode == "unit":
        return f'{row}."unit_id"'
    return f"(SELECT owning_unit_id FROM customers_customer WHERE id = {_customer(mode, row)})"


def _sqlite_trigger(model: type[Model], mode: str, op: str) -> str:
    table = model._meta.db_table
    row = "OLD" if op == "delete" else "NEW"
    changes = {"insert": _row_json(model, "NEW"), "update": _diff_json(model)}.get(
        op, _row_json(model, "OLD")
    )
    when = ""
    if op == "update":
        differs = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c, _ in _columns(model))
        when = f"WHEN {differs} "
    return (
        f'CREATE TRIGGER guanxi_history_{table}_{op} AFTER {op.upper()} ON "{table}" '
        f"FOR EACH ROW {when}BEGIN "
        f'INSERT INTO {HISTORY_TABLE} (at, "table", record_id, op, changes, actor_id, source, '
        "via, customer_id, unit_id) VALUES ("
        f"strftime('%Y-%m-%d %H:%M:%f', 'now'), '{table}', CAST({row}.\"id\" AS TEXT), '{op}', "
        f"{changes}, guanxi_actor(), guanxi_source(), guanxi_via(), "
        f"{_customer(mode, row)}, {_unit(mode, row)}); END"
    )


def _sqlite_creates(models: list[tuple[type[Model], str]]) -> list[str]:
    return [_sqlite_trigger(m, mode, op) for m, mode in models for op in OPS]


def tracked_tables(get_model: GetModel) -> dict[str, type[Model]]:
    """db table name -> model, for the tracked tables."""
    return {m._meta.db_table: m for m, _ in _models(get_model)}
