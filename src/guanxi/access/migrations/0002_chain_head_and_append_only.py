"""Create the chain head and make the access log append-only in the database itself.

The application offers no update or delete; these triggers refuse them from any other client
too (short of a superuser disabling them, which checkpoints outside the database catch).
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION guanxi_access_log_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the access log is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_accesslogentry
  FOR EACH ROW EXECUTE FUNCTION guanxi_access_log_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_accesslogentry
  FOR EACH STATEMENT EXECUTE FUNCTION guanxi_access_log_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS access_log_no_update ON access_accesslogentry;
DROP TRIGGER IF EXISTS access_log_no_truncate ON access_accesslogentry;
DROP FUNCTION IF EXISTS guanxi_access_log_append_only();
"""
SQLITE_UP = [
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_accesslogentry "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only (UPDATE refused)'); END;",
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_accesslogentry "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only (DELETE refused)'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS access_log_no_update;",
    "DROP TRIGGER IF EXISTS access_log_no_delete;",
]


def create_head(apps, schema_editor):
    apps.get_model("access", "ChainHead").objects.get_or_create(pk=1)


def triggers_up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def triggers_down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(triggers_up, triggers_down),
    ]
