"""The satisfaction analytics (ACT-6): known forms give known averages, shares and buckets,
only over the forms of the reader's line."""

from __future__ import annotations

import datetime

import pytest

from guanxi.feedback import services
from guanxi.satisfaction.models import OVERALL, FormRating
from guanxi.satisfaction.selectors import (
    SatisfactionFilters,
    falling,
    period_keys,
    satisfaction_summary,
    satisfaction_trend,
)

D = datetime.date
pytestmark = pytest.mark.django_db


def test_it_averages_with_the_policy_scores_and_shares_each_rating(people, rate) -> None:
    # given three visits rated 优, 中, 差 overall and 优, 优, 中 on every dimension
    rate("good", "good", day=D(2025, 1, 10))
    rate("fair", "good", day=D(2025, 1, 20))
    rate("poor", "fair", day=D(2025, 2, 5))
    # when div1's manager looks at January to March
    result = satisfaction_summary(
        actor=people["div1.manager"],
        filters=SatisfactionFilters(date_from=D(2025, 1, 1), date_to=D(2025, 3, 31)),
    )
    # then 差 = 1, 中 = 2, 优 = 3 (policy scores) give these figures
    overall = result.totals[OVERALL]
    assert (overall.count, overall.average) == (3, 2.0)
    assert overall.shares() == [("poor", 1, 33.3), ("fair", 1, 33.3), ("good", 1, 33.3)]
    quality = result.totals["quality"]
    assert (quality.count, quality.average) == (3, 2.67)
    assert quality.share("good") == 66.7
    assert result.forms == 3


def test_it_buckets_months_into_quarters_and_years_without_skipping_empty_ones(
    people, rate
) -> None:
    rate("good", day=D(2024, 12, 31))
    rate("good", day=D(2025, 1, 2))
    rate("poor", day=D(2025, 4, 1))
    actor = people["hq.manager"]
    by_month = satisfaction_summary(actor=actor, filters=SatisfactionFilters(period="month"))
    assert [label for label, _f in by_month.trend] == [
        "2024-12",
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
    ]
    assert by_month.trend[2][1] == {}  # February has no forms: a gap, not a zero
    by_quarter = satisfaction_summary(actor=actor, filters=SatisfactionFilters(period="quarter"))
    labels = [label for label, _f in by_quarter.trend]
    assert len(labels) == 3  # 2024 Q4, 2025 Q1, 2025 Q2
    assert [f[OVERALL].average for _l, f in by_quarter.trend] == [3.0, 3.0, 1.0]
    by_year = satisfaction_summary(actor=actor, filters=SatisfactionFilters(period="year"))
    assert [(label, f[OVERALL].count) for label, f in by_year.trend] == [("2024", 1), ("2025", 2)]
    assert period_keys(202411, 202502, "quarter") == [20244, 20251]


def test_it_counts_only_the_forms_of_the_readers_line(people, rate) -> None:
    rate("good", day=D(2025, 3, 1), unit="DIV1", by="div1.staff")
    rate("poor", day=D(2025, 3, 1), unit="BASE11", by="base11.staff")
    rate("poor", day=D(2025, 3, 1), unit="DIV2", by="div2.staff")
    everything = SatisfactionFilters()
    div1 = satisfaction_summary(actor=people["div1.manager"], filters=everything)
    assert div1.totals[OVERALL].count == 2  # its own and its base's, not division 2's
    div2 = satisfaction_summary(actor=people["div2.staff"], filters=everything)
    assert (div2.totals[OVERALL].count, div2.totals[OVERALL].average) == (1, 1.0)
    finance = satisfaction_summary(actor=people["finance"], filters=everything)
    assert finance.totals == {}
    assert finance.forms == 0


def test_hq_sees_every_unit_below_it_side_by_side(people, units, rate) -> None:
    rate("good", day=D(2025, 3, 1), unit="DIV1", by="div1.staff")
    rate("fair", day=D(2025, 3, 2), unit="BASE11", by="base11.staff")
    rate("poor", day=D(2025, 3, 1), unit="DIV2", by="div2.staff")
    result = satisfaction_summary(actor=people["hq.manager"], filters=SatisfactionFilters())
    shown = {row.unit.code: row for row in result.units}
    assert result.units[0].unit.code == "HQ"
    assert result.units[0].own
    assert {"DIV1", "DIV2", "BR1"} <= set(shown)
    assert shown["DIV1"].figures[OVERALL].average == 2.5  # 优 at DIV1 and 中 at its base
    assert shown["DIV2"].figures[OVERALL].average == 1.0
    assert OVERALL not in shown["BR1"].figures
    # a chosen division: its own forms, then each base
    chosen = satisfaction_summary(
        actor=people["hq.manager"], filters=SatisfactionFilters(unit=units["DIV1"].pk)
    )
    assert [(row.unit.code, row.own) for row in chosen.units][:2] == [
        ("DIV1", True),
        ("BASE11", False),
    ]
    assert chosen.units[0].figures[OVERALL].average == 3.0
    assert chosen.forms_by_unit == {units["DIV1"].pk: 1, units["BASE11"].pk: 1}


def test_it_narrows_by_customer_and_form_kind(people, make_customer, rate) -> None:
    customer = make_customer("DIV1", name="中海石油（中国）有限公司天津分公司")
    rate("poor", day=D(2025, 5, 1), customer=customer)
    rate("good", day=D(2025, 5, 2))
    rate("good", day=D(2025, 5, 3), customer=customer, kind="care")
    actor = people["div1.staff"]
    mine = satisfaction_summary(actor=actor, filters=SatisfactionFilters(customer=customer.pk))
    assert mine.totals[OVERALL].average == 2.0
    visits = SatisfactionFilters(customer=customer.pk, kind="visit")
    assert satisfaction_summary(actor=actor, filters=visits).totals[OVERALL].average == 1.0


def test_a_corrected_form_is_counted_as_it_now_stands(people, rate) -> None:
    record = rate("good", day=D(2025, 6, 1))
    data = services.FormData(
        **{name: getattr(record, name) for name in services.SCALARS},
        key_persons=[],
        our_people=list(record.our_people.all()),
    )
    data.satisfaction, data.ratings = "poor", {"quality": "fair"}
    services.record_update(actor=people["div1.staff"], record=record, version=1, data=data)
    rows = set(FormRating.objects.filter(record=record).values_list("dimension", "rating"))
    assert rows == {(OVERALL, "poor"), ("quality", "fair")}


def test_the_trend_of_customers_shows_falling_satisfaction(people, make_customer, rate) -> None:
    falling_one = make_customer("DIV1", name="渤海钻探工程有限公司")
    steady = make_customer("DIV1", name="天津港保税区能源公司")
    for day, rating in [(D(2024, 2, 1), "good"), (D(2024, 5, 1), "fair"), (D(2024, 8, 1), "poor")]:
        rate(rating, day=day, customer=falling_one)
        rate("good", day=day, customer=steady)
    trends = satisfaction_trend(
        actor=people["div1.manager"], customer_ids=[falling_one.pk, steady.pk]
    )
    assert [p.average for p in trends[falling_one.pk]] == [3.0, 2.0, 1.0]
    assert [p.period for p in trends[falling_one.pk]] == [20241, 20242, 20243]
    assert falling(trends[falling_one.pk], by=1)
    assert not falling(trends[steady.pk], by=0.5)
    # out of the line: nothing
    assert satisfaction_trend(actor=people["div2.staff"], customer_ids=[falling_one.pk]) == {}
