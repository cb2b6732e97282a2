"""The triggers that record every change of the archive tables (see guanxi.history.triggers).

After every `migrate` the app makes them again from the columns of that moment (apps.py), so
later changes to the customers tables stay covered on SQLite too.
"""

from django.db import migrations

from guanxi.history import triggers


def install(apps, schema_editor):
    triggers.install(schema_editor.connection, apps.get_model)


def uninstall(apps, schema_editor):
    triggers.uninstall(schema_editor.connection, apps.get_model)


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0001_initial"),
        ("customers", "0004_customer_import"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
