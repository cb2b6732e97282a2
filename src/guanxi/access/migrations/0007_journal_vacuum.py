"""The read journal is a queue: every registration inserts rows and the chainer deletes them a
second later. Vacuum it by the number of dead rows, not by a share of a table that is nearly
always empty, so its scans do not wade through the rows moved since the last vacuum."""

from django.db import migrations


def tune(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE access_readjournal SET (autovacuum_vacuum_scale_factor = 0, "
            "autovacuum_vacuum_threshold = 10000, autovacuum_vacuum_cost_delay = 0)"
        )


def untune(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE access_readjournal RESET (autovacuum_vacuum_scale_factor, "
            "autovacuum_vacuum_threshold, autovacuum_vacuum_cost_delay)"
        )


class Migration(migrations.Migration):
    dependencies = [("access", "0006_list_reads")]

    operations = [migrations.RunPython(tune, untune)]
