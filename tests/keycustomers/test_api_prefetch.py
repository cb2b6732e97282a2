"""List pages prefetch their rows' relations without a queryset per row (`prefetch_page`):
the same answer, in the same number of queries, as Django's own prefetching."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.api import views
from guanxi.api.prefetch import prefetch_page
from guanxi.keycustomers import visits
from guanxi.keycustomers.models import VisitPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_plans(make_visit, people):  # type: ignore[no-untyped-def]
    made = [make_visit() for _ in range(3)]
    made.append(make_visit(their_people=[], our_people=[], notified_units=[], itinerary=[]))
    visits.follow_up_add(
        actor=people["div1.manager"],
        visit=made[0],
        title="补充提交固井作业技术方案",
        owner=people["div1.cm"],
        due_on=date(2025, 3, 31),
    )
    return made


def _answer(client: Any, path: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        body = client.get(path).json()
    return body, len(queries)


@pytest.mark.parametrize("path", ["/api/v1/visit-plans/", "/api/v1/relationships/"])
def test_a_page_reads_the_same_as_with_djangos_prefetching(  # type: ignore[no-untyped-def]
    api_as, visit_plans, monkeypatch, path: str
) -> None:
    client = api_as("div1.manager")
    cheap, cheap_queries = _answer(client, path)
    monkeypatch.setattr(views, "prefetch_page", lambda rows, lookups: _django(rows, lookups))
    plain, plain_queries = _answer(client, path)

    assert cheap == plain
    assert cheap_queries == plain_queries


def _django(rows: list[Any], lookups: list[Any]) -> None:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(rows, *lookups)


def test_rows_hold_their_own_relations_and_ask_nothing_more(visit_plans) -> None:  # type: ignore[no-untyped-def]
    rows = list(VisitPlan.objects.filter(pk__in=[v.pk for v in visit_plans]).order_by("pk"))
    prefetch_page(rows, ["their_people", "our_people", "notified_units", "itinerary", "follow_ups"])

    with CaptureQueriesContext(connection) as queries:
        seen = [
            (
                [c.name for c in row.their_people.all()],
                sorted(p.username for p in row.our_people.all()),
                [u.code for u in row.notified_units.all()],
                [s.place for s in row.itinerary.all()],
                [f.title for f in row.follow_ups.all()],
            )
            for row in rows
        ]

    assert len(queries) == 0
    assert seen[0] == (
        ["周建华"],
        ["div1.cm", "div1.manager"],
        ["BASE11"],
        ["天津塘沽", "渤海石油基地"],
        ["补充提交固井作业技术方案"],
    )
    assert seen[3] == ([], [], [], [], [])
    # a filter on a prefetched relation is a query of its own, as with Django's prefetching
    assert list(rows[0].itinerary.filter(place="天津塘沽").values_list("place", flat=True)) == [
        "天津塘沽"
    ]


def test_writes_and_sums_through_a_prefetched_relation_stay_within_its_row(visit_plans) -> None:  # type: ignore[no-untyped-def]
    from django.db.models import Count

    from guanxi.keycustomers.models import ItineraryRow

    rows = list(VisitPlan.objects.filter(pk__in=[v.pk for v in visit_plans]).order_by("pk"))
    prefetch_page(rows, ["itinerary"])

    assert rows[1].itinerary.aggregate(n=Count("id"))["n"] == 2
    assert rows[1].itinerary.update(activity="技术交流会（改期）") == 2
    changed = ItineraryRow.objects.filter(activity="技术交流会（改期）")
    assert sorted(changed.values_list("visit_id", flat=True)) == [rows[1].pk, rows[1].pk]
