"""Contact reports (ACT-4; 003 附表6 note): who may write them, what is refused, who is told."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.contactreports import services
from guanxi.contactreports.models import ContactReport, NextContact
from guanxi.contactreports.selectors import ReportFilters, contact_report_list, new_report_count
from guanxi.outbox.models import Message
from guanxi.versioning import StaleVersion

pytestmark = pytest.mark.django_db


def test_a_report_reaches_the_customer_manager_by_mail_and_as_new(managed, report, people) -> None:
    made = report(managed.customer, managed.zhou)
    assert made.manager == people["div1.cm"]
    assert made.is_new
    assert made.unit_id == managed.customer.owning_unit_id
    mail = Message.objects.get(dedupe_key=f"contact-report:{made.pk}:manager:{made.manager_id}")
    assert mail.recipient == people["div1.cm"].email
    assert "渤海石油钻采工程有限公司" in mail.subject
    assert new_report_count(actor=people["div1.cm"]) == 1
    assert new_report_count(actor=people["div1.staff"]) == 0


def test_the_managers_own_report_is_neither_mailed_nor_new(managed, report) -> None:
    made = report(managed.customer, managed.zhou, actor="div1.cm")
    assert not made.is_new
    assert not Message.objects.filter(dedupe_key__startswith="contact-report:").exists()


def test_opening_a_report_marks_it_read_for_the_manager_only(managed, report, people) -> None:
    made = report(managed.customer, managed.zhou)
    assert not services.contact_report_seen(actor=people["div1.staff"], report=made)
    assert services.contact_report_seen(actor=people["div1.cm"], report=made)
    assert not services.contact_report_seen(actor=people["div1.cm"], report=made)
    made.refresh_from_db()
    assert made.manager_seen_at is not None
    assert made.version == 1
    mine = contact_report_list(actor=people["div1.cm"], filters=ReportFilters(new_for_me=True))
    assert list(mine) == []


def test_a_report_for_a_customer_outside_ones_line_is_refused(
    make_customer, make_key_person, people
) -> None:
    other = make_customer("DIV2", name="南海东部油气勘探开发公司")
    person = make_key_person(other, name="黄立新")
    with pytest.raises(PermissionDenied):
        services.contact_report_create(
            actor=people["div1.staff"],
            customer=other,
            key_persons=[person],
            kind="meeting",
            contacted_on=date(2025, 5, 12),
            summary="会面",
        )
    assert ContactReport.objects.count() == 0


def test_a_contact_in_the_future_is_refused(managed, report) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        report(managed.customer, managed.zhou, contacted_on=tomorrow)
    assert "contacted_on" in refused.value.message_dict
    assert ContactReport.objects.count() == 0


def test_a_key_person_of_another_customer_is_refused(
    managed, report, make_customer, make_key_person
) -> None:
    stranger = make_key_person(make_customer("DIV1"), name="钱国栋")
    with pytest.raises(ValidationError) as refused:
        report(managed.customer, stranger)
    assert refused.value.message_dict["key_persons"] == ["该项属于其他客户单位。"]
    assert ContactReport.objects.count() == 0


def test_a_kind_the_policy_does_not_list_is_refused(managed, report) -> None:
    with pytest.raises(ValidationError) as refused:
        report(managed.customer, managed.zhou, kind="telepathy")
    assert "kind" in refused.value.message_dict


def test_a_report_names_at_least_one_of_their_people(managed, people) -> None:
    with pytest.raises(ValidationError):
        services.contact_report_create(
            actor=people["div1.staff"],
            customer=managed.customer,
            key_persons=[],
            kind="letter",
            contacted_on=date(2025, 5, 12),
            summary="致函",
        )


def test_the_executive_who_may_only_read_cannot_write(managed, report) -> None:
    with pytest.raises(PermissionDenied):
        report(managed.customer, managed.zhou, actor="exec")


def test_an_edit_needs_the_version_it_was_made_against(managed, report, people) -> None:
    made = report(managed.customer, managed.zhou)
    changed = services.contact_report_update(
        actor=people["div1.staff"], report=made, version=1, summary="改为会面", kind="meeting"
    )
    assert (changed.version, changed.kind) == (2, "meeting")
    with pytest.raises(StaleVersion):
        services.contact_report_update(
            actor=people["div1.staff"], report=made, version=1, summary="旧版本"
        )
    assert ContactReport.objects.get().summary == "改为会面"


def test_our_people_default_to_the_reporter(managed, people) -> None:
    made = services.contact_report_create(
        actor=people["div1.staff"],
        customer=managed.customer,
        key_persons=[managed.li],
        kind="message",
        contacted_on=date(2025, 6, 2),
        summary="微信确认会议时间",
    )
    assert list(made.our_people.all()) == [people["div1.staff"]]


@time_machine.travel("2025-06-10 10:00 +0800", tick=False)
def test_the_customer_manager_sets_the_next_contact_date_versioned(managed, people) -> None:
    first = services.next_contact_set(
        actor=people["div1.cm"],
        customer=managed.customer,
        version=0,
        next_contact_on=date(2025, 7, 1),
        note="回访固井作业",
    )
    assert first.version == 1
    again = services.next_contact_set(
        actor=people["div1.cm"], customer=managed.customer, version=1, next_contact_on=None
    )
    assert (again.version, again.next_contact_on) == (2, None)
    with pytest.raises(StaleVersion):
        services.next_contact_set(
            actor=people["div1.manager"],
            customer=managed.customer,
            version=1,
            next_contact_on=date(2025, 8, 1),
        )
    assert NextContact.objects.get().next_contact_on is None


@time_machine.travel("2025-06-10 10:00 +0800", tick=False)
def test_a_next_contact_in_the_past_or_by_plain_staff_is_refused(managed, people) -> None:
    with pytest.raises(ValidationError):
        services.next_contact_set(
            actor=people["div1.cm"],
            customer=managed.customer,
            version=0,
            next_contact_on=date(2025, 6, 9),
        )
    with pytest.raises(PermissionDenied):
        services.next_contact_set(
            actor=people["div1.staff"],
            customer=managed.customer,
            version=0,
            next_contact_on=date(2025, 7, 1),
        )
    assert not NextContact.objects.exists()
