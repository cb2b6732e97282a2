"""On PostgreSQL, partition the read register by month of `at`, keeping every entry.

The model state is unchanged (see guanxi.access.partitions for why); SQLite keeps one table.
The conversion copies the log once, inside this migration's transaction.
"""

from django.db import migrations

from guanxi.access import partitions, triggers


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        partitions.partition_table(cursor)
    triggers.install(connection)


def unpartition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    triggers.remove(connection)
    with connection.cursor() as cursor:
        partitions.unpartition_table(cursor)
    triggers.install(connection)


class Migration(migrations.Migration):
    dependencies = [("access", "0004_form_and_journal")]

    operations = [migrations.RunPython(partition, unpartition)]
