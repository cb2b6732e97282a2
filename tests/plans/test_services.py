"""Unit plans: drawing up, submitting, returning, accepting, and the company plan."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.approvals.services import Refused
from guanxi.plans import selectors, services
from guanxi.plans.models import PlanStatus, Snapshot
from guanxi.versioning import StaleVersion
from tests.plans.conftest import DAY

pytestmark = pytest.mark.django_db


def test_a_division_draws_up_a_monthly_care_plan(make_plan) -> None:
    plan = make_plan()
    assert plan.starts == datetime.date(2026, 3, 1)
    assert plan.items.count() == 2
    assert plan.status == PlanStatus.DRAFT


def test_it_refuses_a_period_the_policy_does_not_have(people, units) -> None:
    with pytest.raises(ValidationError):
        services.plan_open(
            actor=people["div1.manager"],
            unit=units["DIV1"],
            kind="seminar",
            period="month",
            day=DAY,
        )


def test_it_refuses_another_divisions_plan(people, units) -> None:
    with pytest.raises(PermissionDenied):
        services.plan_open(
            actor=people["div2.staff"], unit=units["DIV1"], kind="care", period="month", day=DAY
        )


def test_it_refuses_a_date_outside_the_period(make_plan, people) -> None:
    plan = make_plan(items=0)
    with pytest.raises(ValidationError) as error:
        services.item_add(
            actor=people["div1.manager"],
            plan=plan,
            data=services.ItemData(when=datetime.date(2026, 5, 1), name="五月活动"),
        )
    assert "when" in error.value.message_dict


def test_it_refuses_a_customer_the_person_cannot_see(make_plan, people, make_customer) -> None:
    plan = make_plan(items=0)
    other = make_customer("DIV2")
    with pytest.raises(ValidationError) as error:
        services.item_add(
            actor=people["div1.manager"],
            plan=plan,
            data=services.ItemData(when=DAY, name="答谢会", customer=other),
        )
    assert "customer" in error.value.message_dict


def test_a_visit_plan_drops_fields_the_regulation_does_not_list(
    people, units, make_customer
) -> None:
    plan = services.plan_open(
        actor=people["div1.staff"], unit=units["DIV1"], kind="visit", period="quarter", day=DAY
    )
    item = services.item_add(
        actor=people["div1.staff"],
        plan=plan,
        data=services.ItemData(
            when=DAY,
            customer=make_customer("DIV1"),
            content="了解作业满意度",
            gifts="茶叶",
            cost=Decimal("500"),
        ),
    )
    assert (item.gifts, item.cost, item.content) == ("", Decimal("0"), "了解作业满意度")


def test_submission_freezes_the_plan_and_keeps_a_snapshot(make_plan, people) -> None:
    plan = make_plan()
    plan = services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    assert plan.status == PlanStatus.SUBMITTED
    assert Snapshot.objects.get(plan=plan, revision=1).items[0]["name"] == "春季客户答谢座谈会1"
    with pytest.raises(Refused):
        services.item_add(
            actor=people["div1.staff"], plan=plan, data=services.ItemData(when=DAY, name="再加")
        )


def test_a_stale_submit_is_refused(make_plan, people) -> None:
    plan = make_plan()
    with pytest.raises(StaleVersion):
        services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version - 1)


def test_hq_returns_with_a_comment_and_the_unit_resubmits(make_plan, people) -> None:
    plan = make_plan()
    plan = services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    with pytest.raises(ValidationError):
        services.plan_return(
            actor=people["hq.manager"], plan=plan, version=plan.version, comment=" "
        )
    plan = services.plan_return(
        actor=people["hq.manager"], plan=plan, version=plan.version, comment="费用偏高，请压缩"
    )
    assert plan.status == PlanStatus.RETURNED
    assert Snapshot.objects.get(plan=plan, revision=1).outcome == PlanStatus.RETURNED
    plan = services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    assert (plan.status, plan.revision) == (PlanStatus.SUBMITTED, 2)


def test_a_division_cannot_accept_its_own_plan(make_plan, people) -> None:
    plan = make_plan()
    plan = services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    with pytest.raises(PermissionDenied):
        services.plan_accept(actor=people["div1.manager"], plan=plan, version=plan.version)


def test_accepting_twice_accepts_once(make_plan, people) -> None:
    plan = make_plan()
    plan = services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    accepted = services.plan_accept(actor=people["hq.manager"], plan=plan, version=plan.version)
    with pytest.raises(Refused):
        services.plan_accept(actor=people["hq.manager"], plan=accepted, version=accepted.version)
    with pytest.raises(StaleVersion):
        services.plan_accept(actor=people["hq.manager"], plan=plan, version=plan.version)


def test_the_company_plan_holds_hq_items_and_accepted_plans_only(make_plan, people) -> None:
    accepted = make_plan("DIV1", items=2, cost="10000")
    accepted = services.plan_submit(
        actor=people["div1.staff"], plan=accepted, version=accepted.version
    )
    services.plan_accept(actor=people["hq.manager"], plan=accepted, version=accepted.version)
    pending = make_plan("BR1", actor="branch1.manager", items=3)
    services.plan_submit(actor=people["branch1.manager"], plan=pending, version=pending.version)
    make_plan("HQ", actor="hq.manager", items=1, cost="50000")
    items = selectors.company_items(
        actor=people["hq.manager"], period="month", starts=accepted.starts
    )
    totals = selectors.company_totals(items)
    assert totals.total["item_count"] == 3
    assert totals.total["cost_total"] == Decimal("70000")
    assert {row["plan__unit__name"] for row in totals.by_unit} == {
        accepted.unit.name,
        people["hq.manager"].memberships.first().unit.name,
    }
    assert [row["plan__kind"] for row in totals.by_kind] == ["care"]


def test_consolidation_is_for_hq_only(make_plan, people) -> None:
    plan = make_plan()
    assert (
        selectors.consolidation(
            actor=people["div1.manager"], kind="care", period="month", starts=plan.starts
        )
        .filter(unit__kind="branch")
        .count()
        == 0
    )
    rows = selectors.consolidation(
        actor=people["hq.manager"], kind="care", period="month", starts=plan.starts
    )
    assert [(row.item_count, row.cost_total) for row in rows] == [(2, Decimal("24000"))]


def test_company_totals_keep_every_fen_and_count_a_shared_customer_once(make_plan, people) -> None:  # type: ignore[no-untyped-def]
    """Costs are summed as whole fen; a customer in two units' plans is one of the company's."""
    from guanxi.plans.models import PlanItem

    div1 = make_plan("DIV1", items=2, cost="1234.56")
    hq = make_plan("HQ", actor="hq.manager", items=1, cost="99999999999.99")
    shared = PlanItem.objects.filter(plan=div1).first()
    assert shared is not None
    PlanItem.objects.filter(plan=hq).update(
        customer=shared.customer, cost=Decimal("99999999999.99")
    )
    make_plan("HQ", kind="visit", actor="hq.manager", items=1)  # a visit plan has no cost
    div1 = services.plan_submit(actor=people["div1.staff"], plan=div1, version=div1.version)
    services.plan_accept(actor=people["hq.manager"], plan=div1, version=div1.version)

    totals = selectors.company_totals(
        selectors.company_items(actor=people["hq.manager"], period="month", starts=div1.starts)
    )

    assert totals.total == {
        "item_count": 4,
        "customer_count": 2,
        "cost_total": Decimal("100000002469.11"),
    }
    assert [(r["plan__kind"], r["customer_count"], r["cost_total"]) for r in totals.by_kind] == [
        ("care", 1, Decimal("100000002469.11")),
        ("visit", 1, Decimal("0")),
    ]
    assert sorted((r["item_count"], str(r["cost_total"])) for r in totals.by_unit) == [
        (1, "0.00"),
        (1, "99999999999.99"),
        (2, "2469.12"),
    ]
