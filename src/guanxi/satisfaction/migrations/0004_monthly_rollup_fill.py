"""The monthly rollup of the rating rows saved before it existed: one grouped INSERT … SELECT."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    rollup = apps.get_model("satisfaction", "MonthlyRating")._meta.db_table
    ratings = apps.get_model("satisfaction", "FormRating")._meta.db_table
    columns = "unit_id, month, kind, dimension, rating"
    schema_editor.execute(f"DELETE FROM {rollup}")  # noqa: S608 - names from model metadata
    schema_editor.execute(
        f"INSERT INTO {rollup} ({columns}, count) "  # noqa: S608 - names from model metadata
        f"SELECT {columns}, COUNT(*) FROM {ratings} GROUP BY {columns}"
    )


class Migration(migrations.Migration):
    dependencies = [("satisfaction", "0003_monthly_rollup")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
