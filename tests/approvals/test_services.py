"""The approval mechanism: chains from policy, deciding once, delegation, inbox."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.approvals import selectors, services
from guanxi.approvals.models import Decision, Status
from guanxi.approvals.services import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_for(people, units, make_customer):  # type: ignore[no-untyped-def]
    def make(amount: str = "45000", requester: str = "div1.staff", unit: str = "DIV1"):  # type: ignore[no-untyped-def]
        subject = make_customer("DIV1")  # any model serves as a subject
        return services.approval_request(
            actor=people[requester],
            kind="activity_cost",
            subject=subject,
            requesting_unit=units[unit],
            title="海上平台客户答谢会",
            amount=Decimal(amount),
        )

    return make


def test_no_rule_no_request(request_for) -> None:
    assert request_for("29999.99") is None


def test_the_chain_comes_from_the_policy(request_for, units) -> None:
    approval = request_for()
    steps = selectors.approval_steps(approval)
    assert [(s.unit, s.role, s.decision) for s in steps] == [
        (units["HQ"], "manager", Decision.PENDING)
    ]
    assert approval.rules[0]["clause"] == "000 §14.4"


def test_a_base_request_climbs_to_hq(request_for, units) -> None:
    approval = request_for(requester="base11.staff", unit="BASE11")
    assert selectors.approval_steps(approval)[0].unit == units["HQ"]


def test_only_the_step_holder_decides(request_for, people) -> None:
    approval = request_for()
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=people["div1.manager"], approval=approval, approve=True)


def test_deciding_twice_decides_once(request_for, people) -> None:
    approval = request_for()
    services.approval_decide(
        actor=people["hq.manager"], approval=approval, approve=True, comment="同意"
    )
    with pytest.raises(Refused):
        services.approval_decide(
            actor=people["hq.manager"], approval=approval, approve=False, comment="x"
        )
    step = selectors.approval_steps(approval)[0]
    assert (step.decided_by, step.comment, step.decision) == (
        people["hq.manager"],
        "同意",
        "approved",
    )
    assert step.decided_at is not None


def test_a_rejection_needs_a_reason(request_for, people) -> None:
    approval = request_for()
    with pytest.raises(ValidationError):
        services.approval_decide(actor=people["hq.manager"], approval=approval, approve=False)


def test_a_delegate_decides_while_the_approver_is_away(request_for, people) -> None:
    approval = request_for()
    today = timezone.localdate()
    services.delegation_create(
        actor=people["hq.manager"],
        delegate=people["hq.staff"],
        starts=today,
        ends=today + datetime.timedelta(days=7),
        note="出差",
    )
    assert [s.approval for s in selectors.inbox(actor=people["hq.staff"])] == [approval]
    decided = services.approval_decide(actor=people["hq.staff"], approval=approval, approve=True)
    step = selectors.approval_steps(decided)[0]
    assert (decided.status, step.on_behalf_of) == (Status.APPROVED, people["hq.manager"])


def test_an_expired_delegation_gives_nothing(request_for, people) -> None:
    request_for()
    past = timezone.localdate() - datetime.timedelta(days=10)
    services.delegation_create(
        actor=people["hq.manager"],
        delegate=people["hq.staff"],
        starts=past,
        ends=past + datetime.timedelta(days=2),
    )
    assert list(selectors.inbox(actor=people["hq.staff"])) == []


def test_one_cannot_decide_ones_own_request(request_for, people) -> None:
    approval = request_for(requester="hq.manager", unit="HQ")
    with pytest.raises(Refused):
        services.approval_decide(actor=people["hq.manager"], approval=approval, approve=True)


def test_the_requester_sees_where_it_stands(request_for, people) -> None:
    approval = request_for()
    assert list(selectors.approval_list(actor=people["div1.staff"])) == [approval]
    assert list(selectors.approval_list(actor=people["div2.staff"])) == []


def test_a_new_request_supersedes_a_pending_one(request_for, people, units) -> None:
    first = request_for()
    second = services.approval_request(
        actor=people["div1.staff"],
        kind="activity_cost",
        subject=first.subject_type.get_object_for_this_type(pk=first.subject_id),
        requesting_unit=units["DIV1"],
        title="改",
        amount=Decimal("50000"),
    )
    first.refresh_from_db()
    assert (first.status, second.status) == (Status.WITHDRAWN, Status.PENDING)
