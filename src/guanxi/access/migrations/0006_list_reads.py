"""List, search and export reads name the records they returned and the query (form 3).

Both columns are nullable so that adding them rewrites no existing entry (SQLite adds the
column in place; PostgreSQL only records it in the catalogue).
"""

from django.db import migrations, models

from guanxi.access import triggers


def triggers_up(apps, schema_editor):
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("access", "0005_partition_by_month")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="record_ids",
            field=models.TextField(null=True, verbose_name="records returned"),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="query",
            field=models.TextField(null=True, verbose_name="query"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="form",
            field=models.PositiveSmallIntegerField(default=3),
        ),
        migrations.AddField(
            model_name="readjournal",
            name="record_ids",
            field=models.TextField(null=True),
        ),
        migrations.AddField(
            model_name="readjournal",
            name="query",
            field=models.TextField(null=True),
        ),
        migrations.RunPython(triggers_up, migrations.RunPython.noop),
    ]
