"""The complaint clock (001 §14: an answer within 24 hours) and escalation on breach (DEM-3)."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from guanxi.demands import complaints
from guanxi.demands.models import Complaint, ComplaintStatus
from guanxi.outbox.models import Message

pytestmark = pytest.mark.django_db

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
RECEIVED = datetime.datetime(2026, 3, 16, 9, 30, tzinfo=BEIJING)


@pytest.fixture
def complaint(make_customer, people):  # type: ignore[no-untyped-def]
    people["div1.manager"].email = "zhang.zhiqiang@example.cn"
    people["div1.manager"].save()
    with time_machine.travel(RECEIVED + datetime.timedelta(minutes=5), tick=False):
        return complaints.complaint_create(
            actor=people["div1.staff"],
            customer=make_customer("BASE11"),
            received_at=RECEIVED,
            channel="phone",
            description="平台作业延误两天，客户要求说明原因并给出补救方案。",
        )


def test_the_answer_is_due_the_policys_hours_after_receipt(complaint) -> None:  # type: ignore[no-untyped-def]
    assert complaint.due_at == RECEIVED + datetime.timedelta(hours=24)
    later = RECEIVED + datetime.timedelta(hours=20)
    assert complaints.time_left(complaint, later) == datetime.timedelta(hours=4)


def test_a_complaint_received_in_the_future_is_refused(make_customer, people) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(RECEIVED, tick=False), pytest.raises(ValidationError):
        complaints.complaint_create(
            actor=people["div1.staff"],
            customer=make_customer(),
            received_at=RECEIVED + datetime.timedelta(hours=1),
            channel="email",
            description="明天的投诉",
        )
    assert Complaint.objects.count() == 0


def test_another_line_may_not_register_or_answer(complaint, make_customer, people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        complaints.complaint_answer(
            actor=people["div2.staff"], complaint=complaint, version=1, answer="越线答复"
        )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.OPEN


def test_answered_in_time_stops_the_clock_and_is_never_escalated(complaint, people) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(RECEIVED + datetime.timedelta(hours=3), tick=False):
        done = complaints.complaint_answer(
            actor=people["div1.cm"], complaint=complaint, version=1, answer="已致电说明原因"
        )
    assert complaints.time_left(done) is None
    assert done.answered_by == people["div1.cm"]
    assert complaints.escalate_breaches(now=RECEIVED + datetime.timedelta(days=3)) == []


def test_answering_twice_is_refused(complaint, people) -> None:  # type: ignore[no-untyped-def]
    done = complaints.complaint_answer(
        actor=people["div1.cm"], complaint=complaint, version=1, answer="已回复"
    )
    with pytest.raises(ValidationError):
        complaints.complaint_answer(
            actor=people["div1.cm"], complaint=done, version=done.version, answer="再次回复"
        )


def test_a_breach_is_marked_and_escalated_to_the_units_manager_once(complaint) -> None:  # type: ignore[no-untyped-def]
    just_before = RECEIVED + datetime.timedelta(hours=23, minutes=59)
    assert complaints.escalate_breaches(now=just_before) == []
    after = RECEIVED + datetime.timedelta(hours=24, minutes=1)
    assert complaints.escalate_breaches(now=after) == [complaint.pk]
    assert complaints.escalate_breaches(now=after) == []
    complaint.refresh_from_db()
    assert (complaint.breached, complaint.escalated_at) == (True, after)
    # BASE11 has no manager of its own: the nearest one above, the division's, is told
    assert list(Message.objects.values_list("recipient", flat=True)) == [
        "zhang.zhiqiang@example.cn"
    ]


def test_the_sweep_costs_the_same_queries_whatever_the_number_of_breaches(
    make_customer, people, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    """Claiming and finding whom to tell is set-based; only each e-mail is its own row."""
    from guanxi.organisation.models import Person

    Person.objects.update(email="")
    customer = make_customer("DIV1")
    for n in range(12):
        with time_machine.travel(RECEIVED, tick=False):
            complaints.complaint_create(
                actor=people["div1.staff"],
                customer=customer,
                received_at=RECEIVED - datetime.timedelta(hours=n),
                channel="letter",
                description=f"第{n}封投诉信",
            )
    with django_assert_max_num_queries(8):
        assert len(complaints.escalate_breaches(now=RECEIVED + datetime.timedelta(days=2))) == 12


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="two workers need two connections")
def test_two_workers_sweeping_at_once_escalate_each_breach_once(
    append_only_flushable, make_customer, people
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    with time_machine.travel(RECEIVED, tick=False):
        for n in range(30):
            complaints.complaint_create(
                actor=people["div1.staff"],
                customer=customer,
                received_at=RECEIVED,
                channel="phone",
                description=f"并发投诉{n}",
            )
    found: list[list[int]] = []
    after = RECEIVED + datetime.timedelta(days=1, hours=1)

    def sweep() -> None:
        found.append(complaints.escalate_breaches(now=after))
        connection.close()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    claimed = [pk for run in found for pk in run]
    assert sorted(claimed) == sorted(set(claimed))
    assert len(claimed) == 30
