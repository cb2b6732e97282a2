"""Rating rows for the forms saved before the analytics existed (ACT-6), in batches."""

from typing import Any

from django.db import migrations

BATCH = 2000
COLUMNS = ("id", "unit_id", "customer_id", "kind", "date", "satisfaction", "ratings")


def _rows(model: Any, form: dict[str, Any]) -> list[Any]:
    given = [("", form["satisfaction"])] if form["satisfaction"] else []
    ratings = form["ratings"] if isinstance(form["ratings"], dict) else {}
    given += [(str(k), str(v)) for k, v in sorted(ratings.items()) if v]
    day = form["date"]
    return [
        model(
            record_id=form["id"],
            unit_id=form["unit_id"],
            customer_id=form["customer_id"],
            kind=form["kind"],
            date=day,
            month=day.year * 100 + day.month,
            dimension=dimension,
            rating=rating,
        )
        for dimension, rating in given
    ]


def backfill(apps: Any, schema_editor: Any) -> None:
    form_record = apps.get_model("feedback", "FormRecord")
    form_rating = apps.get_model("satisfaction", "FormRating")
    after = 0
    while True:
        forms = list(
            form_record.objects.filter(pk__gt=after).order_by("pk").values(*COLUMNS)[:BATCH]
        )
        if not forms:
            return
        rows = [row for form in forms for row in _rows(form_rating, form)]
        form_rating.objects.bulk_create(rows, batch_size=BATCH)
        after = forms[-1]["id"]


class Migration(migrations.Migration):
    dependencies = [("satisfaction", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
