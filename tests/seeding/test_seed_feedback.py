"""The generator's forms and rating rows (ACT-6 bench data): the planned numbers, and rating
rows that say what the forms' own ratings say."""

from __future__ import annotations

import pytest
from django.db.models import Count

from guanxi.feedback.models import FormRecord
from guanxi.policy.loader import current as current_policy
from guanxi.satisfaction.models import OVERALL, FormRating, MonthlyRating
from guanxi.satisfaction.services import ratings_of
from guanxi.seeding.generator import feedback, planning
from tests.seeding.test_seed import TINY, seed


@pytest.mark.django_db
def test_seeded_forms_carry_ratings_their_rating_rows_repeat() -> None:
    seed()
    planned = planning.planned(TINY)
    assert FormRecord.objects.count() == planned["forms"] == TINY.activities // feedback.EVERY
    assert FormRating.objects.count() == planned["form_ratings"] > 0
    key = ("unit_id", "month", "kind", "dimension", "rating")
    grouped = FormRating.objects.order_by().values(*key).annotate(n=Count("id"))
    rollup = MonthlyRating.objects.values_list(*key, "count")
    assert {row[:-1]: row[-1] for row in rollup} == {
        tuple(g[name] for name in key): g["n"] for g in grouped
    }
    keys = {o.key for o in current_policy().feedback.ratings}
    for record in FormRecord.objects.filter(kind__in=feedback.RATED).order_by("pk")[:20]:
        assert record.satisfaction in keys
        assert set(record.ratings.values()) <= keys
        stored = set(
            FormRating.objects.filter(record=record).values_list(
                "dimension", "rating", "unit_id", "month"
            )
        )
        expected = {(r.dimension, r.rating, r.unit_id, r.month) for r in ratings_of(record)}
        assert stored == expected
        assert (OVERALL, record.satisfaction) in {(d, r) for d, r, _u, _m in stored}
    seminar = FormRecord.objects.filter(kind="seminar").first()
    assert seminar is not None
    assert (seminar.satisfaction, seminar.ratings) == ("", {})
    assert not FormRating.objects.filter(record=seminar).exists()
