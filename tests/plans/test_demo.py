"""The demo plans load through the services and show every state."""

from __future__ import annotations

import pytest

from guanxi.activities.models import Activity
from guanxi.approvals.models import Approval
from guanxi.approvals.selectors import inbox
from guanxi.approvals.services import blocking
from guanxi.plans.models import Plan
from guanxi.seeding import demo
from guanxi.seeding.plans_demo import load_plans

pytestmark = pytest.mark.django_db


def test_the_demo_has_plans_in_every_state(units, people) -> None:
    demo.load_customers(units, people, per_unit=4)
    assert load_plans(units, people) == 16
    for code in ("HQ", "DIV1", "DIV2", "DIV3", "BR1", "BR2"):  # every unit: quarter and year
        periods = set(Plan.objects.filter(unit=units[code]).values_list("period", flat=True))
        assert {"quarter", "year"} <= periods, code
    assert set(Plan.objects.values_list("status", flat=True)) == {
        "accepted",
        "submitted",
        "returned",
        "draft",
    }
    assert Activity.objects.filter(status="written_off").count() == 1
    assert set(Approval.objects.values_list("kind", flat=True)) == {
        "activity_cost",
        "unplanned_care",
        "seminar_proposal",
    }
    assert inbox(actor=people["hq.manager"]).exists()
    assert inbox(actor=people["exec"]).exists()
    costly = Activity.objects.filter(cost__gt=30000, status="carried_out", plan_item__isnull=False)
    assert costly.exists()  # finance sees it and cannot write it off yet
    assert blocking(subject=costly.first(), action="write_off")
    company = Plan.objects.filter(status="accepted", period="quarter")
    assert company.count() == 2
    assert load_plans(units, people) == 0
