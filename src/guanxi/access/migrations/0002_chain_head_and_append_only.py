"""Create the chain head and make the access log append-only in the database itself.

The application offers no update or delete; these triggers refuse them from any other client
too (short of a superuser disabling them, which checkpoints outside the database catch).
"""

from django.db import migrations

from guanxi.access import triggers

def create_head(apps, schema_editor):
    apps.get_model("access", "ChainHead").objects.get_or_create(pk=1)


def triggers_up(apps, schema_editor):
    # The trigger definitions live in guanxi.access.triggers, which also covers the tables and
    # partitions added by later migrations; here only the log exists, so only it gets them.
    triggers.install(schema_editor.connection)


def triggers_down(apps, schema_editor):
    triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(triggers_up, triggers_down),
    ]
