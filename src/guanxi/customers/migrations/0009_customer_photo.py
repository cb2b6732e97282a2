"""A customer unit's photo (CUS-2, background information).

On SQLite, Django adds a NOT NULL column by rebuilding the table, which drops the table's
triggers, the search index's among them (0006). SQLite can add a NOT NULL column with a
constant default in place, so it is done that way there; PostgreSQL takes the ordinary path.
"""

from typing import Any

from django.db import migrations, models

FIELD = models.FileField(blank=True, upload_to="customers/photos/", verbose_name="photo")


def add_column(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "ALTER TABLE customers_customer ADD COLUMN photo varchar(100) NOT NULL DEFAULT ''"
        )
        return
    field = FIELD.clone()
    field.set_attributes_from_name("photo")
    schema_editor.add_field(apps.get_model("customers", "Customer"), field)


def drop_column(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ALTER TABLE customers_customer DROP COLUMN photo")
        return
    model = apps.get_model("customers", "Customer")
    schema_editor.remove_field(model, model._meta.get_field("photo"))


class Migration(migrations.Migration):
    dependencies = [("customers", "0008_translated_labels_and_constraint_messages")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="customer", name="photo", field=FIELD),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
    ]
