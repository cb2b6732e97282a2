"""The database's own refusal to change the read register, for every table that holds it.

On PostgreSQL a row trigger on the partitioned parent is cloned to each partition, present and
future; a TRUNCATE trigger is not (truncating one partition skips the parent's), so every
partition gets its own, made with the partition. The journal of unchained reads refuses update
and truncate, and delete except by the chainer, which says so with `guanxi.chainer = on` for the
few statements of a move (`register.chain_pending`). `install` and `remove` are idempotent: the
migrations and the test fixture that must flush the tables call them.
"""

from __future__ import annotations

from typing import Any

LOG = "access_accesslogentry"
JOURNAL = "access_readjournal"

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION guanxi_access_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the access log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION guanxi_access_journal_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('guanxi.chainer', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'the read journal is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

PARTITIONS_SQL = (
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = to_regclass(%s)"
)

SQLITE_UP = [
    f"CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON {LOG} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only (UPDATE refused)'); END;",
    f"CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON {LOG} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only (DELETE refused)'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS access_log_no_update;",
    "DROP TRIGGER IF EXISTS access_log_no_delete;",
]


def truncate_trigger_sql(table: str) -> str:
    return (
        f'CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION guanxi_access_log_append_only();"
    )


def _exists(cursor: Any, table: str) -> bool:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    return bool(cursor.fetchone()[0])


def _partitions(cursor: Any) -> list[str]:
    cursor.execute(PARTITIONS_SQL, [LOG])
    return [row[0] for row in cursor.fetchall()]


def install(connection: Any) -> None:
    """(Re)make every append-only trigger on the tables that exist now."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in SQLITE_UP:
                cursor.execute(statement)
            return
        if connection.vendor != "postgresql":
            return
        remove(connection)
        cursor.execute(PG_FUNCTIONS)
        if _exists(cursor, LOG):
            cursor.execute(
                f"CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON {LOG} "
                "FOR EACH ROW EXECUTE FUNCTION guanxi_access_log_append_only();"
            )
            cursor.execute(truncate_trigger_sql(LOG))
            for partition in _partitions(cursor):
                cursor.execute(truncate_trigger_sql(partition))
        if _exists(cursor, JOURNAL):
            cursor.execute(
                f"CREATE TRIGGER access_journal_guard BEFORE UPDATE OR DELETE ON {JOURNAL} "
                "FOR EACH ROW EXECUTE FUNCTION guanxi_access_journal_guard();"
                f"CREATE TRIGGER access_journal_no_truncate BEFORE TRUNCATE ON {JOURNAL} "
                "FOR EACH STATEMENT EXECUTE FUNCTION guanxi_access_journal_guard();"
            )


def remove(connection: Any) -> None:
    """Drop every append-only trigger (test flushes, reversing migrations)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for statement in SQLITE_DOWN:
                cursor.execute(statement)
            return
        if connection.vendor != "postgresql":
            return
        if _exists(cursor, LOG):
            for table in [LOG, *_partitions(cursor)]:
                cursor.execute(f'DROP TRIGGER IF EXISTS access_log_no_truncate ON "{table}"')
            cursor.execute(f"DROP TRIGGER IF EXISTS access_log_no_update ON {LOG}")
        if _exists(cursor, JOURNAL):
            cursor.execute(f"DROP TRIGGER IF EXISTS access_journal_guard ON {JOURNAL}")
            cursor.execute(f"DROP TRIGGER IF EXISTS access_journal_no_truncate ON {JOURNAL}")
        cursor.execute("DROP FUNCTION IF EXISTS guanxi_access_log_append_only()")
        cursor.execute("DROP FUNCTION IF EXISTS guanxi_access_journal_guard()")
