"""Activities: planned ones are carried out; unplanned and costly ones wait for approval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from guanxi.activities import services
from guanxi.activities.models import ActivityStatus
from guanxi.approvals import selectors as approval_selectors
from guanxi.approvals import services as approvals
from guanxi.approvals.models import Status
from guanxi.approvals.services import Refused
from guanxi.plans import services as plan_services
from tests.plans.conftest import DAY

pytestmark = pytest.mark.django_db


def _accepted(make_plan, people, cost: str = "12000"):  # type: ignore[no-untyped-def]
    plan = make_plan(cost=cost)
    plan = plan_services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    return plan_services.plan_accept(actor=people["hq.manager"], plan=plan, version=plan.version)


def _data(cost: str, **extra: object) -> services.ActivityData:
    return services.ActivityData(
        name="渤海作业区客户答谢会",
        date=DAY,
        place="天津",
        cost=Decimal(cost),
        result="客户对作业质量满意",
        **extra,  # type: ignore[arg-type]
    )


def test_a_planned_cheap_activity_is_written_off_at_once(make_plan, people) -> None:
    plan = _accepted(make_plan, people)
    activity = services.activity_record(
        actor=people["div1.staff"], data=_data("8000"), plan_item=plan.items.first()
    )
    assert activity.status == ActivityStatus.CARRIED_OUT
    done = services.activity_write_off(
        actor=people["finance"], activity=activity, version=activity.version
    )
    assert done.status == ActivityStatus.WRITTEN_OFF


def test_a_costly_activity_waits_for_hq_before_write_off(make_plan, people) -> None:
    plan = _accepted(make_plan, people, cost="45000")
    activity = services.activity_record(
        actor=people["div1.staff"], data=_data("45000"), plan_item=plan.items.first()
    )
    with pytest.raises(Refused, match="核销被拒绝"):
        services.activity_write_off(
            actor=people["finance"], activity=activity, version=activity.version
        )
    step = approval_selectors.inbox(actor=people["hq.manager"]).get()
    assert step.clause == "000 §14.4"
    approvals.approval_decide(
        actor=people["hq.manager"], approval=step.approval, approve=True, comment="同意"
    )
    done = services.activity_write_off(
        actor=people["finance"], activity=activity, version=activity.version
    )
    assert done.status == ActivityStatus.WRITTEN_OFF


def test_exactly_the_threshold_needs_no_approval(make_plan, people) -> None:
    plan = _accepted(make_plan, people)
    activity = services.activity_record(
        actor=people["div1.staff"], data=_data("30000"), plan_item=plan.items.first()
    )
    assert approvals.subject_status(subject=activity) == {}


def test_an_unplanned_care_activity_is_requested_first(people, units) -> None:
    activity = services.activity_record(
        actor=people["div1.staff"], data=_data("5000"), unit=units["DIV1"], kind="care"
    )
    assert activity.status == ActivityStatus.REQUESTED
    with pytest.raises(Refused):
        services.activity_carry_out(
            actor=people["div1.staff"],
            activity=activity,
            version=activity.version,
            data=_data("5000"),
        )
    approval = approvals.subject_status(subject=activity)["unplanned_care"]
    approvals.approval_decide(actor=people["hq.manager"], approval=approval, approve=True)
    done = services.activity_carry_out(
        actor=people["div1.staff"], activity=activity, version=activity.version, data=_data("5200")
    )
    assert done.status == ActivityStatus.CARRIED_OUT


def test_an_unplanned_visit_needs_no_ad_hoc_approval(people, units) -> None:
    activity = services.activity_record(
        actor=people["div1.staff"], data=_data("0"), unit=units["DIV1"], kind="visit"
    )
    assert activity.status == ActivityStatus.CARRIED_OUT


def test_an_hq_seminar_goes_to_senior_management(people, units) -> None:
    activity = services.activity_record(
        actor=people["hq.staff"], data=_data("80000"), unit=units["HQ"], kind="seminar"
    )
    waiting = approval_selectors.inbox(actor=people["exec"])
    assert [step.approval.kind for step in waiting] == ["seminar_proposal"]
    assert activity.status == ActivityStatus.REQUESTED


def test_a_raised_cost_asks_again(make_plan, people) -> None:
    plan = _accepted(make_plan, people)
    activity = services.activity_record(
        actor=people["div1.staff"], data=_data("31000"), plan_item=plan.items.first()
    )
    first = approvals.subject_status(subject=activity)["activity_cost"]
    approvals.approval_decide(actor=people["hq.manager"], approval=first, approve=True)
    activity = services.activity_update(
        actor=people["div1.staff"], activity=activity, version=activity.version, data=_data("39000")
    )
    with pytest.raises(Refused):
        services.activity_write_off(
            actor=people["finance"], activity=activity, version=activity.version
        )


def test_staff_cannot_write_off(make_plan, people) -> None:
    plan = _accepted(make_plan, people)
    activity = services.activity_record(
        actor=people["div1.staff"], data=_data("100"), plan_item=plan.items.first()
    )
    with pytest.raises(PermissionDenied):
        services.activity_write_off(
            actor=people["div1.staff"], activity=activity, version=activity.version
        )


def test_an_item_of_a_plan_not_yet_accepted_is_refused(make_plan, people) -> None:
    plan = make_plan()
    with pytest.raises(Refused):
        services.activity_record(
            actor=people["div1.staff"], data=_data("100"), plan_item=plan.items.first()
        )


def test_a_rejected_request_keeps_blocking(people, units) -> None:
    activity = services.activity_record(
        actor=people["div1.staff"], data=_data("5000"), unit=units["DIV1"], kind="care"
    )
    approval = approvals.subject_status(subject=activity)["unplanned_care"]
    approvals.approval_decide(
        actor=people["hq.manager"], approval=approval, approve=False, comment="请纳入下月计划"
    )
    assert approvals.subject_status(subject=activity)["unplanned_care"].status == Status.REJECTED
    with pytest.raises(Refused):
        services.activity_carry_out(
            actor=people["div1.staff"], activity=activity, version=activity.version, data=_data("1")
        )
