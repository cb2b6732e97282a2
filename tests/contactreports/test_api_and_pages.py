"""The contact-report API and pages: what they answer, refuse and register (DOC-4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.access.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def _last() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _registered(since: int) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in AccessLogEntry.objects.filter(seq__gt=since):
        found.setdefault(entry.record_type, set()).update(entry.returned_ids or [entry.record_id])
    return found


def test_the_timeline_api_answers_newest_first_and_registers_what_it_returns(
    managed, report, api_as
) -> None:
    older = report(managed.customer, managed.zhou, contacted_on=date(2025, 3, 1))
    newer = report(managed.customer, managed.li, kind="meeting", contacted_on=date(2025, 4, 1))
    since = _last()
    answer = api_as("div1.staff").get(f"/api/v1/customers/{managed.customer.pk}/timeline/")
    assert answer.status_code == 200
    body = answer.json()
    assert [(r["kind"], r["id"]) for r in body["results"]] == [
        ("contact_report", newer.pk),
        ("contact_report", older.pk),
    ]
    assert body["results"][0]["title"] == "会面"
    assert "contact_report" in body["kinds"]
    assert _registered(since) == {
        "customers.customer": {str(managed.customer.pk)},
        "contactreports.contactreport": {str(newer.pk), str(older.pk)},
    }


def test_the_timeline_api_pages_through_its_next_link(managed, report, api_as) -> None:
    made = [
        report(managed.customer, managed.zhou, contacted_on=date(2025, 1, 1) + timedelta(days=n))
        for n in range(5)
    ]
    client = api_as("div1.staff")
    url = f"/api/v1/customers/{managed.customer.pk}/timeline/?page_size=2&kind=contact_report"
    seen = []
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == [r.pk for r in reversed(made)]


def test_a_timeline_of_another_line_is_not_found_and_registers_nothing(
    make_customer, api_as, page_as
) -> None:
    other = make_customer("DIV2")
    since = _last()
    assert api_as("div1.staff").get(f"/api/v1/customers/{other.pk}/timeline/").status_code == 404
    assert page_as("div1.staff").get(f"/customers/{other.pk}/timeline/").status_code == 404
    assert _last() == since


def test_the_timeline_section_registers_the_rows_it_shows(managed, report, page_as) -> None:
    made = report(managed.customer, managed.zhou)
    since = _last()
    answer = page_as("div1.staff").get(f"/customers/{managed.customer.pk}/timeline/section/")
    assert answer.status_code == 200
    assert f"/contact-reports/{made.pk}/" in answer.content.decode()
    assert _registered(since)["contactreports.contactreport"] == {str(made.pk)}


def test_the_timeline_page_costs_the_same_for_2_and_20_events(
    managed, report, page_as, list_read_queries
) -> None:
    client = page_as("div1.cm")
    path = f"/customers/{managed.customer.pk}/timeline/"
    report(managed.customer, managed.zhou)
    report(managed.customer, managed.li)
    client.get(path)

    def cost() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    few = cost()
    for n in range(18):
        report(managed.customer, managed.li, contacted_on=date(2025, 2, 1) + timedelta(days=n))
    assert cost() == few


def test_a_stale_edit_answers_409_and_changes_nothing(managed, report, api_as) -> None:
    made = report(managed.customer, managed.zhou)
    client = api_as("div1.staff")
    path = f"/api/v1/contact-reports/{made.pk}/"
    assert client.patch(path, {"summary": "补充", "version": 1}, format="json").status_code == 200
    stale = client.patch(path, {"summary": "旧", "version": 1}, format="json")
    assert stale.status_code == 409
    assert client.get(path).json()["summary"] == "补充"


def test_a_future_contact_is_refused_with_a_message_in_chinese(managed, api_as) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    answer = api_as("div1.staff").post(
        "/api/v1/contact-reports/",
        {
            "customer": managed.customer.pk,
            "kind": "call",
            "contacted_on": tomorrow,
            "key_persons": [managed.zhou.pk],
            "summary": "电话",
        },
        format="json",
    )
    assert answer.status_code == 400
    assert "尚未到来" in answer.json()["contacted_on"][0]


def test_the_manager_sees_new_reports_until_opening_them(managed, report, page_as) -> None:
    made = report(managed.customer, managed.zhou)
    client = page_as("div1.cm")
    listed = client.get("/contact-reports/?new=1").content.decode()
    assert f"/contact-reports/{made.pk}/" in listed
    client.get(f"/contact-reports/{made.pk}/")
    assert (
        f"/contact-reports/{made.pk}/" not in client.get("/contact-reports/?new=1").content.decode()
    )


def test_recording_a_report_from_the_page_leads_to_the_timeline(managed, page_as) -> None:
    client = page_as("div1.staff")
    path = f"/contact-reports/new/?customer={managed.customer.pk}"
    answer = client.post(
        path,
        {
            "kind": "visit",
            "contacted_on": "2025-05-20",
            "key_persons": [managed.zhou.pk],
            "summary": "走访作业区，了解调整井计划",
        },
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/customers/{managed.customer.pk}/timeline/"
    timeline = client.get(answer["Location"]).content.decode()
    assert "走访作业区" in timeline


def test_a_bad_form_changes_nothing_and_says_why(managed, page_as) -> None:
    client = page_as("div1.staff")
    answer = client.post(
        f"/contact-reports/new/?customer={managed.customer.pk}",
        {
            "kind": "call",
            "contacted_on": "2999-01-01",
            "key_persons": [managed.zhou.pk],
            "summary": "x",
        },
    )
    assert answer.status_code == 400
    assert "尚未到来" in answer.content.decode()
