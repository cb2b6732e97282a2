"""The satisfaction page, the customer section and /api/v1/satisfaction/: what they show, what
they register, and what they refuse (nothing registered then)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.access.models import AccessLogEntry

D = datetime.date
pytestmark = pytest.mark.django_db


def _entries() -> list[AccessLogEntry]:
    rows = AccessLogEntry.objects.filter(record_type="feedback.formrecord")
    return list(rows.order_by("seq"))


def test_hq_sees_the_units_side_by_side_and_the_read_is_registered_per_unit(
    people, units, rate, page_as
) -> None:
    rate("good", day=D(2025, 3, 1))
    rate("poor", day=D(2025, 3, 2), unit="DIV2", by="div2.staff")
    response = page_as("hq.manager").get("/satisfaction/?from=2025-01-01&to=2025-12-31")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="unit-table"' in text
    assert 'data-testid="trend-chart"' in text
    assert "总体满意度" in text
    assert "工作质量与进度" in text
    chart = json.loads(
        text.split('id="satisfaction-data" type="application/json">')[1].split("<")[0]
    )
    assert chart["periods"] == ["2025-03"]
    assert chart["trend"][0]["data"] == [2.0]
    entries = _entries()
    assert {e.record_unit_id for e in entries} == {units["DIV1"].pk, units["DIV2"].pk}
    assert all(e.record_id == "" and '"aggregate":"satisfaction"' in e.query for e in entries)
    assert '"forms":"1"' in entries[0].query
    assert '"from":"2025-01-01"' in entries[0].query


def test_the_api_registers_the_aggregate_per_unit_too(people, units, rate, api_as) -> None:
    rate("good", day=D(2025, 3, 1))
    rate("fair", day=D(2025, 4, 2), unit="DIV2", by="div2.staff")
    before = len(_entries())
    answer = api_as("hq.manager").get("/api/v1/satisfaction/?from=2025-01-01&to=2025-12-31")
    assert answer.status_code == 200
    entries = _entries()[before:]
    assert {(e.record_unit_id, e.channel) for e in entries} == {
        (units["DIV1"].pk, "api"),
        (units["DIV2"].pk, "api"),
    }


def test_a_bad_filter_is_refused_with_a_message_and_registers_nothing(
    people, units, rate, page_as, api_as
) -> None:
    rate("good", day=D(2025, 3, 1))
    page = page_as("div1.staff")
    for query in ("period=week", "from=2025-13-01", f"unit={units['DIV2'].pk}"):
        response = page.get(f"/satisfaction/?{query}")
        assert response.status_code == 400, query
        assert 'data-testid="filter-errors"' in response.content.decode()
    wrong_way = page.get("/satisfaction/?from=2025-05-01&to=2025-01-01")
    assert "结束日期早于开始日期" in wrong_way.content.decode()
    assert api_as("div1.staff").get("/api/v1/satisfaction/?unit=abc").status_code == 400
    answer = api_as("div1.staff").get("/api/v1/satisfaction/?kind=seminar")
    assert answer.status_code == 400
    assert "kind" in answer.json()
    assert _entries() == []


def test_the_page_drops_an_id_that_is_no_number_as_the_lists_do(people, page_as) -> None:
    response = page_as("div1.staff").get("/satisfaction/?unit=abc&customer=²")
    assert response.status_code == 200
    assert 'data-testid="filter-errors"' not in response.content.decode()


def test_people_without_the_forms_are_refused(people, rate, page_as, api_as) -> None:
    rate("good", day=D(2025, 3, 1))
    assert page_as("finance").get("/satisfaction/").status_code == 403
    assert api_as("auditor").get("/api/v1/satisfaction/").status_code == 403
    assert _entries() == []


def test_the_api_answers_the_figures_with_their_distribution(people, rate, api_as) -> None:
    rate("good", "fair", day=D(2025, 1, 5))
    rate("fair", "fair", day=D(2025, 4, 5))
    body = api_as("div1.manager").get("/api/v1/satisfaction/?period=quarter").json()
    assert body["forms"] == 2
    overall = body["totals"][0]
    assert (overall["dimension"], overall["average"], overall["count"]) == ("", 2.5, 2)
    assert [s["share"] for s in overall["distribution"]] == [0.0, 50.0, 50.0]
    assert [p["period"] for p in body["trend"]] == ["2025年第1季度", "2025年第2季度"]
    assert body["scale"][0] == {"key": "poor", "name": "差", "score": 1}
    assert body["units"][0]["own"] is True


def test_the_customer_section_shows_the_trend_and_the_latest_ratings(
    people, make_customer, rate, page_as
) -> None:
    customer = make_customer("DIV1", name="中海油能源发展股份有限公司")
    rate("good", day=D(2025, 1, 5), customer=customer)
    rate("poor", "fair", day=D(2025, 6, 5), customer=customer)
    response = page_as("div1.staff").get(f"/customers/{customer.pk}/satisfaction/section/")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="customer-trend-chart"' in text
    assert 'data-testid="latest-ratings"' in text
    assert "2025-06-05" in text
    assert (
        page_as("div2.staff").get(f"/customers/{customer.pk}/satisfaction/section/").status_code
        == 404
    )
    detail = page_as("div1.staff").get(f"/customers/{customer.pk}/").content.decode()
    assert f"/customers/{customer.pk}/satisfaction/section/" in detail


@pytest.mark.parametrize("path", ["/satisfaction/", "/api/v1/satisfaction/"])
def test_the_queries_do_not_grow_with_the_forms(people, rate, page_as, api_as, path) -> None:
    client = page_as("hq.manager") if not path.startswith("/api") else api_as("hq.manager")
    rate("good", day=D(2025, 3, 1))

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path + "?from=2025-01-01").status_code == 200
        return len(captured)

    few = count()
    for n in range(6):
        unit, by = [("DIV1", "div1.staff"), ("DIV2", "div2.staff")][n % 2]
        rate(["poor", "fair", "good"][n % 3], day=D(2025, 1 + n, 3), unit=unit, by=by)
    assert count() <= few + 2  # a second unit's register entry, nothing per form
