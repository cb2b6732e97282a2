"""The monthly rollup of the ratings: after random forms, edits and deletions it holds exactly
the rating rows' counts, and the analytics read from it give the same figures as counting the
rating rows themselves — for whole months, cut months, open spans, units, kinds and readers."""

from __future__ import annotations

import datetime
import importlib
import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from faker import Faker

from guanxi.feedback import services
from guanxi.feedback.models import FormRecord
from guanxi.policy.loader import current as current_policy
from guanxi.satisfaction.models import FormRating, MonthlyRating
from guanxi.satisfaction.selectors import Satisfaction, SatisfactionFilters, satisfaction_summary
from guanxi.satisfaction.services import ratings_of

D = datetime.date
pytestmark = pytest.mark.django_db
WRITERS = (("DIV1", "div1.staff"), ("BASE11", "base11.staff"), ("DIV2", "div2.staff"))
KEY = ("unit_id", "month", "kind", "dimension", "rating")


def _rollup() -> dict[tuple[Any, ...], int]:
    return {
        tuple(row[:-1]): row[-1]
        for row in MonthlyRating.objects.filter(count__gt=0).values_list(*KEY, "count")
    }


def _counted() -> dict[tuple[Any, ...], int]:
    groups = FormRating.objects.order_by().values(*KEY).annotate(n=Count("id"))
    return {tuple(g[name] for name in KEY): g["n"] for g in groups}


def _same(rolled: Satisfaction, counted: Satisfaction) -> None:
    assert rolled.totals.keys() == counted.totals.keys()
    for dimension, figure in counted.totals.items():
        assert rolled.totals[dimension].counts == figure.counts, dimension
    assert [
        (label, {d: f.counts for d, f in figures.items()}) for label, figures in rolled.trend
    ] == [(label, {d: f.counts for d, f in figures.items()}) for label, figures in counted.trend]
    assert [
        (u.unit.pk, u.own, {d: f.counts for d, f in u.figures.items()}) for u in rolled.units
    ] == [(u.unit.pk, u.own, {d: f.counts for d, f in u.figures.items()}) for u in counted.units]
    assert rolled.forms_by_unit == counted.forms_by_unit


def _data_of(record: FormRecord) -> services.FormData:
    record.refresh_from_db()
    return services.FormData(
        **{name: getattr(record, name) for name in services.SCALARS},
        key_persons=list(record.key_persons.all()),
        our_people=list(record.our_people.all()),
    )


def _random_ratings(rng: random.Random, keys: list[str], dims: list[str]) -> dict[str, str]:
    kept = [d for d in dims if rng.random() > 0.15]  # now and then a dimension left unrated
    return {d: rng.choice(keys) for d in kept}


@pytest.fixture
def random_forms(people, make_activity) -> Callable[[int], list[FormRecord]]:  # type: ignore[no-untyped-def]
    """`n` rated forms of several units, kinds and months, then some corrected (new ratings,
    some moved to another month) and some deleted, with Faker zh_CN data."""
    fake = Faker("zh_CN")
    Faker.seed(13)
    rng = random.Random(13)
    scale = current_policy().feedback
    keys = [o.key for o in scale.ratings]
    dims = [o.key for o in scale.dimensions]

    def day() -> datetime.date:
        return D(2024, 11, 1) + datetime.timedelta(days=rng.randrange(150))  # Nov to March

    def make(n: int) -> list[FormRecord]:
        forms = []
        for _ in range(n):
            unit, by = rng.choice(WRITERS)
            activity = make_activity(kind=rng.choice(("visit", "care")), unit=unit, by=by)
            data = services.prefill(activity)
            data.date, data.visited_name = day(), fake.name()
            data.visited_position, data.summary = fake.job()[:60], fake.sentence()
            data.satisfaction = rng.choice([*keys, ""])
            data.ratings = _random_ratings(rng, keys, dims)
            forms.append(
                services.record_create(
                    actor=people[by], kind=activity.kind, activity=activity, data=data
                )
            )
        for record in rng.sample(forms, n // 3):  # corrections
            data = _data_of(record)
            data.satisfaction = rng.choice(keys)
            data.ratings = _random_ratings(rng, keys, dims)
            if rng.random() < 0.5:
                data.date = day()
            by = dict(WRITERS)[record.unit.code]
            services.record_update(
                actor=people[by], record=record, version=record.version, data=data
            )
        gone = rng.sample(forms, n // 6)
        for record in gone:
            record.delete()
        kept = [f for f in forms if f not in gone]
        for record in kept:
            record.refresh_from_db()
        return kept

    return make


def test_the_rollup_holds_the_rating_rows_counts_after_edits_and_deletions(
    random_forms,
) -> None:
    kept = random_forms(36)
    assert _rollup() == _counted()
    assert sum(_counted().values()) == sum(len(ratings_of(f)) for f in kept) > 0
    assert not FormRating.objects.exclude(record__in=kept).exists()


FILTERS = [
    SatisfactionFilters(),  # everything
    SatisfactionFilters(date_from=D(2024, 12, 1), date_to=D(2025, 2, 28)),  # whole months
    SatisfactionFilters(date_from=D(2024, 11, 17), date_to=D(2025, 3, 9)),  # both edges cut
    SatisfactionFilters(date_from=D(2024, 12, 10), date_to=D(2024, 12, 20)),  # inside one month
    SatisfactionFilters(date_from=D(2025, 1, 1), date_to=D(2025, 1, 15)),  # one month, end cut
    SatisfactionFilters(date_from=D(2025, 1, 16), date_to=D(2025, 1, 31)),  # one month, start cut
    SatisfactionFilters(date_from=D(2025, 1, 5), date_to=D(2025, 2, 3)),  # two cut, none whole
    SatisfactionFilters(date_from=D(2025, 1, 1)),  # open end (the page's default)
    SatisfactionFilters(date_to=D(2025, 1, 20)),  # open start, end cut
    SatisfactionFilters(kind="care", period="quarter"),
    SatisfactionFilters(kind="visit", date_from=D(2024, 12, 3), period="year"),
]


@pytest.mark.parametrize("reader", ["hq.manager", "div1.manager", "base11.staff"])
def test_the_rollup_gives_the_figures_the_rating_rows_give(
    people, units, random_forms, reader
) -> None:
    random_forms(30)
    actor = people[reader]
    chosen = [*FILTERS, SatisfactionFilters(unit=units["DIV1"].pk, date_from=D(2024, 12, 9))]
    for filters in chosen:
        if filters.unit and reader == "base11.staff":
            continue  # outside its line: the filters refuse it before the analytics
        rolled = satisfaction_summary(actor=actor, filters=filters)
        counted = satisfaction_summary(actor=actor, filters=filters, rollup=False)
        _same(rolled, counted)
    everything = satisfaction_summary(actor=actor, filters=SatisfactionFilters())
    assert everything.forms > 0


def test_whole_months_read_the_rollup_alone_and_a_cut_month_its_rating_rows(
    people, random_forms
) -> None:
    random_forms(12)
    actor = people["hq.manager"]
    rollup, rows = MonthlyRating._meta.db_table, FormRating._meta.db_table

    def tables(filters: SatisfactionFilters) -> tuple[bool, bool]:
        with CaptureQueriesContext(connection) as queries:
            satisfaction_summary(actor=actor, filters=filters)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        return f'"{rollup}"' in sql or f" {rollup} " in sql, f'"{rows}"' in sql

    assert tables(SatisfactionFilters(date_from=D(2024, 12, 1), date_to=D(2025, 2, 28))) == (
        True,
        False,
    )
    assert tables(SatisfactionFilters(date_from=D(2025, 1, 1))) == (True, False)
    assert tables(SatisfactionFilters(date_from=D(2024, 12, 2), date_to=D(2025, 2, 28))) == (
        True,
        True,
    )
    assert tables(SatisfactionFilters(date_from=D(2025, 1, 2), date_to=D(2025, 1, 30))) == (
        False,
        True,
    )


def test_a_customer_is_counted_from_its_rating_rows(people, rate, make_customer) -> None:
    customer = make_customer("DIV1")
    rate("good", day=D(2025, 1, 10), customer=customer)
    rate("poor", day=D(2025, 1, 12))
    MonthlyRating.objects.update(count=0)  # were the rollup read, the customer would have none
    result = satisfaction_summary(
        actor=people["div1.manager"],
        filters=SatisfactionFilters(customer=customer.pk, date_from=D(2025, 1, 1)),
    )
    assert result.forms == 1
    assert result.totals[""].counts == {"good": 1}


def test_the_migration_fills_the_rollup_from_the_rating_rows(random_forms) -> None:
    random_forms(9)
    expected = _counted()
    MonthlyRating.objects.all().delete()
    fill = importlib.import_module("guanxi.satisfaction.migrations.0004_monthly_rollup_fill").fill
    with connection.cursor() as cursor:  # the migration's statements, in the test transaction
        fill(django_apps, SimpleNamespace(execute=cursor.execute))
    assert _rollup() == expected
