"""Record each entry's canonical form, and add the journal of reads awaiting the chain.

Existing entries were hashed in form 1 (JSON) and keep it; new entries are form 2
(see guanxi.access.chain).
"""

from django.db import migrations, models

from guanxi.access import triggers


def triggers_up(apps, schema_editor):
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("access", "0003_client_address_label")]

    operations = [
        migrations.AddField(
            model_name="accesslogentry",
            name="form",
            field=models.PositiveSmallIntegerField(default=1),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="form",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(
                condition=models.Q(("form", 1)), fields=["seq"], name="accesslog_form1_seq"
            ),
        ),
        migrations.CreateModel(
            name="ReadJournal",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("at", models.DateTimeField()),
                ("reader_id", models.BigIntegerField()),
                ("username", models.CharField(max_length=150)),
                ("record_type", models.CharField(max_length=64)),
                ("record_id", models.CharField(max_length=64)),
                ("record_unit_id", models.BigIntegerField(null=True)),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("page", "page"),
                            ("api", "API"),
                            ("export", "export"),
                            ("document", "document"),
                            ("command", "command"),
                        ],
                        max_length=16,
                    ),
                ),
                ("address", models.GenericIPAddressField(null=True)),
            ],
        ),
        migrations.RunPython(triggers_up, migrations.RunPython.noop),
    ]
