"""The year of first cooperation held to a real year, in the model and the database.

On SQLite a check constraint is added by rebuilding the table, which drops its triggers: the
search index's (0006) are made again right after. History's are remade after every migration.
"""

import importlib

import django.core.validators
from django.conf import settings
from django.db import migrations, models


def forget_impossible_years(apps, schema_editor):
    """A year stored before the range existed (a date typed as 20260101) is not a year: the
    field is optional, so it is emptied rather than the migration refused."""
    Customer = apps.get_model("customers", "Customer")
    Customer.objects.exclude(cooperation_since__isnull=True).exclude(
        cooperation_since__range=(1900, 2100)
    ).update(cooperation_since=None)


def restore_search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    search = importlib.import_module("guanxi.customers.migrations.0006_search")
    for statement in search._sqlite_statements():
        if statement.startswith("CREATE TRIGGER customers_customer_search_"):
            schema_editor.execute(statement.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0009_customer_photo'),
        ('organisation', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='customer',
            name='cooperation_since',
            field=models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1900), django.core.validators.MaxValueValidator(2100)], verbose_name='cooperating since (year)'),
        ),
        migrations.RunPython(forget_impossible_years, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='customer',
            constraint=models.CheckConstraint(condition=models.Q(('cooperation_since__isnull', True), ('cooperation_since__range', (1900, 2100)), _connector='OR'), name='customer_cooperation_year_range', violation_error_message='The year of first cooperation must be a year, such as 2015.'),
        ),
        migrations.RunPython(restore_search_triggers, migrations.RunPython.noop),
    ]
