"""Demand, complaint and monthly-part lists answer in the same number of queries whatever
the number of records."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.demands import complaints, monthly

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 20, 4, 0, tzinfo=datetime.UTC)
PATHS = (
    "/demands/",
    "/api/v1/demands/",
    "/complaints/",
    "/api/v1/complaints/",
    "/api/v1/monthly-submissions/",
    "/demands/liaisons/",
    "/api/v1/strategic-followers/",
)


def _queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(path)
    assert answer.status_code == 200, (path, answer.content[:300])
    return len(captured)


def _costs(pages, api) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {path: _queries(api if "/api/" in path else pages, path) for path in PATHS}


@time_machine.travel(NOW, tick=False)
def test_the_lists_cost_the_same_for_one_record_or_many(
    make_customer, people, units, page_as, api_as
) -> None:  # type: ignore[no-untyped-def]
    from guanxi.demands import services

    boss = people["hq.manager"]

    def grow(unit: str) -> None:
        customer = make_customer(unit, tier="strategic")
        services.demand_create(
            actor=boss,
            customer=customer,
            category="contract_risk",
            severity="major",
            title="结算周期调整诉求",
            description="客户希望结算周期由季度改为月度",
            owner=boss,
            raised_on=datetime.date(2026, 3, 2),
            due_on=datetime.date(2026, 3, 10),
        )
        complaints.complaint_create(
            actor=boss,
            customer=customer,
            received_at=NOW - datetime.timedelta(hours=30),
            channel="phone",
            description="作业延误，客户电话投诉",
        )
        monthly.submission_open(actor=boss, unit=units[unit], month=datetime.date(2026, 3, 1))
        services.follower_set(actor=boss, customer=customer, person=people["hq.staff"])

    grow("DIV1")
    complaints.escalate_breaches()
    pages, api = page_as("hq.manager"), api_as("hq.manager")
    _costs(pages, api)  # warm: sessions, policy caches
    one = _costs(pages, api)
    for unit in ("DIV2", "DIV3", "BR1", "BR2", "BASE11"):
        grow(unit)
    complaints.escalate_breaches()
    assert len(api.get("/api/v1/demands/").json()["results"]) == 6
    assert _costs(pages, api) == one
