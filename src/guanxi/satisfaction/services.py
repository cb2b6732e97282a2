"""Writes of the rating rows: a form's rows follow what the form says (called by the feedback
services inside their transaction, so the rows and the form commit or vanish together)."""

from __future__ import annotations

from guanxi.feedback.models import FormRecord
from guanxi.satisfaction.models import OVERALL, FormRating, month_of


def ratings_of(record: FormRecord) -> list[FormRating]:
    """The rows a form's ratings make: the overall satisfaction and each rated dimension."""
    given = [(OVERALL, record.satisfaction)] if record.satisfaction else []
    ratings = record.ratings if isinstance(record.ratings, dict) else {}
    given += [(str(key), str(value)) for key, value in sorted(ratings.items()) if value]
    return [
        FormRating(
            record_id=record.pk,
            unit_id=record.unit_id,
            customer_id=record.customer_id,
            kind=record.kind,
            date=record.date,
            month=month_of(record.date),
            dimension=dimension,
            rating=rating,
        )
        for dimension, rating in given
    ]


def ratings_refresh(*, record: FormRecord) -> int:
    """Replace the form's rating rows by its ratings as saved; returns how many it has."""
    FormRating.objects.filter(record_id=record.pk).delete()
    rows = ratings_of(record)
    FormRating.objects.bulk_create(rows)
    return len(rows)
