"""Query counts of the list and consolidation pages do not grow with the data."""

from __future__ import annotations

import pytest

from guanxi.plans import services

pytestmark = pytest.mark.django_db


def _grow(make_plan, people, count: int) -> None:  # type: ignore[no-untyped-def]
    for n, unit in enumerate(["DIV1", "DIV2", "DIV3", "BR1", "BR2"][:count]):
        plan = make_plan(unit, actor="hq.manager", items=2 + n)
        services.plan_submit(actor=people["hq.manager"], plan=plan, version=plan.version)


@pytest.mark.parametrize("size", [1, 5])
def test_consolidation_and_company_pages_are_flat(
    size, make_plan, people, page_as, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _grow(make_plan, people, size)
    client = page_as("hq.manager")
    params = {"kind": "care", "period": "month", "day": "2026-03-01"}
    with django_assert_max_num_queries(20):
        assert client.get("/plans/consolidation/", params).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/plans/company/", params).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/plans/").status_code == 200


@pytest.mark.parametrize("items", [1, 8])
def test_the_plan_page_is_flat(items, make_plan, page_as, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(items=items)
    with django_assert_max_num_queries(55):
        assert page_as("div1.staff").get(f"/plans/{plan.pk}/").status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_the_inbox_and_activity_list_are_flat(
    count, people, units, page_as, django_assert_max_num_queries, list_read_queries
) -> None:  # type: ignore[no-untyped-def]
    import datetime
    from decimal import Decimal

    from guanxi.activities import services as activities

    for n in range(count):
        activities.activity_record(
            actor=people["div1.staff"],
            unit=units["DIV1"],
            kind="care",
            data=activities.ActivityData(
                name=f"节日慰问{n}", date=datetime.date(2026, 5, 1), cost=Decimal("40000")
            ),
        )
    client = page_as("hq.manager")
    with django_assert_max_num_queries(16 + list_read_queries):
        assert client.get("/approvals/").status_code == 200
    with django_assert_max_num_queries(16 + list_read_queries):
        assert client.get("/activities/").status_code == 200
