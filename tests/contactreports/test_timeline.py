"""The customer's timeline (CUS-14): merged newest first across sources, paged by an exact
cursor, filtered by kind, scoped per source, at a cost that does not grow with the events."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.activities import services as activities
from guanxi.customers import archive
from guanxi.keycustomers import visits
from guanxi.timeline.registry import registered
from guanxi.timeline.selectors import decode, timeline_page, visible_sources

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(managed, report, people, units):  # type: ignore[no-untyped-def]
    """A call, a meeting, a service visit of DIV1 and one of HQ, a key-customer visit, a dealing."""
    customer = managed.customer
    made = {
        "call": report(customer, managed.zhou, contacted_on=date(2025, 5, 12)),
        "meeting": report(customer, managed.li, kind="meeting", contacted_on=date(2025, 6, 3)),
    }
    for unit, actor, day in (("DIV1", "div1.staff", 20), ("HQ", "hq.manager", 21)):
        made[f"visit_{unit}"] = activities.activity_record(
            actor=people[actor],
            data=activities.ActivityData(
                name="固井作业服务回访",
                date=date(2025, 5, day),
                customer=customer,
                cost=Decimal("1200"),
                result="客户对作业时效满意",
            ),
            unit=units[unit],
            kind="visit",
        )
    made["key_visit"] = visits.visit_create(
        actor=people["div1.manager"],
        direction="incoming",
        customer=customer,
        theme="年度高层来访",
        starts_on=date(2025, 6, 3),
        ends_on=date(2025, 6, 3),
        their_people=[managed.zhou],
    )
    made["dealing"] = archive.dealing_create(
        actor=people["hq.manager"],
        customer=customer,
        kind="contract",
        status="signed",
        title="渤中19-6 固井服务合同",
        amount=Decimal("3800000"),
        our_unit=units["DIV1"],
    )
    return made


def _keys(page) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(entry.kind, entry.record.pk) for entry in page.entries]


def test_entries_come_newest_first_and_ties_by_kind(managed, history, people) -> None:
    page = timeline_page(actor=people["hq.manager"], customer=managed.customer)
    assert _keys(page) == [
        ("dealing", history["dealing"].pk),  # recorded today
        ("contact_report", history["meeting"].pk),  # 2025-06-03, kinds in key order
        ("key_visit", history["key_visit"].pk),  # 2025-06-03
        ("visit", history["visit_HQ"].pk),
        ("visit", history["visit_DIV1"].pk),
        ("contact_report", history["call"].pk),
    ]
    first = page.entries[1]
    assert first.label == "接触报告"
    assert first.url == f"/contact-reports/{history['meeting'].pk}/"
    assert first.title == "会面"
    assert "客户希望提前一周进场" in first.detail


def test_a_source_is_scoped_by_its_own_unit_field(managed, history, people) -> None:
    """DIV1 does not see HQ's service visit; HQ sees both."""
    division = timeline_page(actor=people["div1.staff"], customer=managed.customer)
    assert ("visit", history["visit_HQ"].pk) not in _keys(division)
    assert ("visit", history["visit_DIV1"].pk) in _keys(division)


def test_a_source_the_reader_may_not_see_contributes_nothing(managed, history, people) -> None:
    """Finance holds activity.view but none of the archive's grants."""
    page = timeline_page(actor=people["finance"], customer=managed.customer)
    assert {entry.kind for entry in page.entries} == {"visit"}
    assert "contact_report" not in {s.key for s in visible_sources(people["finance"])}


def test_the_kind_filter_keeps_the_chosen_kinds(managed, history, people) -> None:
    page = timeline_page(
        actor=people["hq.manager"], customer=managed.customer, kinds=["contact_report", "nope"]
    )
    assert _keys(page) == [
        ("contact_report", history["meeting"].pk),
        ("contact_report", history["call"].pk),
    ]
    assert page.kinds == ["contact_report"]


def test_pages_of_two_walk_the_whole_stream_once(managed, history, people) -> None:
    whole = _keys(timeline_page(actor=people["hq.manager"], customer=managed.customer, size=50))
    walked, after = [], None
    for _ in range(10):
        page = timeline_page(
            actor=people["hq.manager"], customer=managed.customer, after=after, size=2
        )
        walked += _keys(page)
        after = page.next_after
        if after is None:
            break
    assert walked == whole


def test_entries_sharing_a_day_and_kind_page_by_id(managed, report, people) -> None:
    made = [report(managed.customer, managed.zhou, contacted_on=date(2025, 3, 3)) for _ in range(5)]
    seen, after = [], None
    while True:
        page = timeline_page(
            actor=people["div1.staff"], customer=managed.customer, after=after, size=2
        )
        seen += [entry.record.pk for entry in page.entries]
        after = page.next_after
        if after is None:
            break
    assert seen == sorted((r.pk for r in made), reverse=True)


def test_a_tampered_cursor_starts_from_the_top(managed, history, people) -> None:
    assert decode("not-a-cursor") is None
    page = timeline_page(actor=people["hq.manager"], customer=managed.customer, after="%%%")
    assert len(page.entries) == 6


def _queries(people, customer) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        timeline_page(actor=people["hq.manager"], customer=customer, size=10)
    return len(captured)


def test_the_cost_of_a_page_does_not_grow_with_the_events(managed, report, people) -> None:
    report(managed.customer, managed.zhou)
    timeline_page(actor=people["hq.manager"], customer=managed.customer)  # the scope, once
    few = _queries(people, managed.customer)
    for n in range(30):
        report(managed.customer, managed.li, contacted_on=date(2025, 1, 1) + timedelta(days=n))
    assert _queries(people, managed.customer) == few == len(registered())


def test_other_apps_join_with_one_registration() -> None:
    keys = {source.key for source in registered()}
    assert {
        "contact_report",
        "visit",
        "care",
        "seminar",
        "plan_item",
        "key_visit",
        "dealing",
    } <= keys


def test_demands_complaints_and_forms_join_the_stream(managed, history, people) -> None:  # type: ignore[no-untyped-def]
    """The records of guanxi.demands and guanxi.feedback appear with their own kinds and links."""
    from datetime import UTC, datetime

    from guanxi.demands import complaints
    from guanxi.demands import services as demands
    from guanxi.feedback import services as forms

    customer = managed.customer
    demand = demands.demand_create(
        actor=people["div1.manager"],
        customer=customer,
        category="contract_risk",
        severity="major",
        title="结算方式调整",
        description="客户要求按季度结算",
        owner=people["div1.cm"],
        raised_on=date(2025, 7, 1),
        due_on=date(2025, 7, 31),
    )
    complaint = complaints.complaint_create(
        actor=people["div1.manager"],
        customer=customer,
        received_at=datetime(2025, 7, 2, 9, 0, tzinfo=UTC),
        channel="phone",
        description="作业延误，客户来电投诉",
    )
    visit = history["visit_DIV1"]
    form = forms.record_create(
        actor=people["div1.staff"], kind="visit", activity=visit, data=forms.prefill(visit)
    )
    page = timeline_page(actor=people["div1.manager"], customer=customer)
    entries = {(entry.kind, entry.record.pk): entry for entry in page.entries}
    assert entries[("demand", demand.pk)].url == f"/demands/{demand.pk}/"
    assert entries[("complaint", complaint.pk)].title == "作业延误，客户来电投诉"
    assert entries[("visit_record", form.pk)].url == f"/visit-records/{form.pk}/"
    finance = timeline_page(actor=people["finance"], customer=customer)
    assert not {"demand", "complaint", "visit_record"} & {e.kind for e in finance.entries}
