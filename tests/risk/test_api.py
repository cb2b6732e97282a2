"""The at-risk list and one customer's signal, through the API and the pages: highest score
first, scoped, each part in words, pages whose queries do not grow with the data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.customers.models import Customer
from guanxi.demands import complaints
from guanxi.risk.refresh import refresh

pytestmark = pytest.mark.django_db


def _silent(make_customer, unit: str = "DIV1", tier: str = "vip") -> Customer:  # type: ignore[no-untyped-def]
    customer = make_customer(unit, tier=tier)
    created = timezone.now() - datetime.timedelta(days=400)
    Customer.objects.filter(pk=customer.pk).update(created_at=created)
    return customer


def _count(call) -> int:  # type: ignore[no-untyped-def]
    call()  # the first request of a client also loads its session and caches
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    assert answer.status_code == 200, answer.content
    return len(captured)


def test_the_list_is_ordered_by_score_and_pages_by_cursor(api_as, make_customer, people) -> None:
    quiet = [_silent(make_customer) for _n in range(3)]
    worst = _silent(make_customer, "BASE11")
    complaints.complaint_create(
        actor=people["div1.staff"],
        customer=worst,
        received_at=timezone.now() - datetime.timedelta(hours=30),
        channel="phone",
        description="平台作业延误两天",
    )
    refresh()
    api = api_as("div1.manager")

    first = api.get("/api/v1/risk-signals/?page_size=2").json()
    second = api.get(first["next"]).json()

    ids = [r["customer"] for r in first["results"] + second["results"]]
    assert ids[0] == worst.pk
    assert set(ids) == {worst.pk, *(c.pk for c in quiet)}
    assert len(ids) == 4
    texts = [p["text"] for p in first["results"][0]["explanation"]]
    assert any("投诉未答复" in t or "complaint" in t for t in texts)


def test_a_customer_s_signal_by_its_id_and_its_panel(api_as, page_as, make_customer) -> None:
    customer = _silent(make_customer)
    refresh()

    detail = api_as("div1.staff").get(f"/api/v1/risk-signals/{customer.pk}/")
    panel = page_as("div1.staff").get(f"/customers/{customer.pk}/risk/").content.decode()

    assert detail.status_code == 200
    assert detail.json()["silence"] > 0
    assert "天无联系" in panel
    assert api_as("branch1.staff").get(f"/api/v1/risk-signals/{customer.pk}/").status_code == 404


def test_filters_by_tier_part_and_unit(api_as, make_customer) -> None:
    vip = _silent(make_customer, "DIV1", "vip")
    strategic = _silent(make_customer, "BR1", "strategic")
    refresh()
    api = api_as("hq.manager")

    def ids(query: str) -> set[int]:
        return {r["customer"] for r in api.get(f"/api/v1/risk-signals/?{query}").json()["results"]}

    assert ids("tier=strategic") == {strategic.pk}
    assert ids("part=complaints") == set()
    assert vip.pk in ids("part=silence")
    assert ids(f"unit={vip.owning_unit_id}") == {vip.pk}
    assert ids("unit=987654321") == set()  # a unit that does not exist: nothing, not an error


def test_the_list_costs_the_same_queries_with_more_customers_at_risk(
    api_as, page_as, make_customer
) -> None:
    _silent(make_customer)
    refresh()
    api = api_as("div1.manager")
    few_api = _count(lambda: api.get("/api/v1/risk-signals/"))
    few_page = _count(lambda: page_as("div1.manager").get("/risk-signals/"))
    for _n in range(5):
        _silent(make_customer, "BASE11")
    refresh()
    assert _count(lambda: api.get("/api/v1/risk-signals/")) == few_api
    assert _count(lambda: page_as("div1.manager").get("/risk-signals/")) == few_page
