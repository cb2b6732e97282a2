"""Alter the access log the way a database superuser could: around the append-only triggers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

SQLITE_TRIGGERS = {
    "access_log_no_update": "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON "
    "access_accesslogentry BEGIN SELECT RAISE(ABORT, 'the access log is append-only "
    "(UPDATE refused)'); END;",
    "access_log_no_delete": "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON "
    "access_accesslogentry BEGIN SELECT RAISE(ABORT, 'the access log is append-only "
    "(DELETE refused)'); END;",
}


@contextmanager
def bypassing_triggers() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
            try:
                yield
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")
        else:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
            try:
                yield
            finally:
                for sql in SQLITE_TRIGGERS.values():
                    cursor.execute(sql)


def raw(sql: str, params: list[object] | None = None) -> None:
    with bypassing_triggers(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


@contextmanager
def refusing_log_inserts() -> Iterator[None]:
    """Make every insert into the access log fail, as a full disk or lost database would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION test_refuse_insert() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql;"
                "CREATE TRIGGER test_refuse BEFORE INSERT ON access_accesslogentry "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_insert();"
                "CREATE TRIGGER test_refuse BEFORE INSERT ON access_readjournal "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_insert();"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER test_refuse BEFORE INSERT ON access_accesslogentry "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END;"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("DROP TRIGGER test_refuse ON access_accesslogentry")
                cursor.execute("DROP TRIGGER test_refuse ON access_readjournal")
            else:
                cursor.execute("DROP TRIGGER test_refuse")
