"""The calendar page: a year's months for everyone signed in, the unofficial banner, and for
the administrator the overrides and the notice paste → preview → confirm."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from guanxi.workdays.models import CalendarDay, HolidayNotice
from tests.web.visible_text import language_cookie
from tests.workdays.notices import NOTICE_2026, NOTICE_2027_SAMPLE

pytestmark = pytest.mark.django_db


def test_everyone_signed_in_reads_the_calendar_without_the_forms(page_as) -> None:  # type: ignore[no-untyped-def]
    answer = page_as("div1.staff").get("/calendar/", {"year": 2026})
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'data-testid="official"' in html
    assert 'data-testid="unofficial"' not in html
    assert 'data-date="2026-10-01" data-working="0"' in html
    assert 'data-date="2026-02-28" data-working="1"' in html  # the Saturday worked
    assert "春节" in html
    assert "override-form" not in html
    assert "paste-notice" not in html


def test_an_unofficial_year_shows_the_warning(page_as) -> None:  # type: ignore[no-untyped-def]
    html = page_as("div1.staff").get("/calendar/", {"year": 2028}).content.decode()
    assert 'data-testid="unofficial"' in html
    assert "2028 年没有官方节假日数据" in html
    assert 'data-date="2028-05-01" data-working="1"' in html


def test_a_year_that_is_no_number_falls_back_to_this_year(page_as) -> None:  # type: ignore[no-untyped-def]
    answer = page_as("div1.staff").get("/calendar/", {"year": "²"})
    assert answer.status_code == 200
    assert f"{timezone.localdate().year} 年工作日历" in answer.content.decode()


def test_the_page_costs_the_same_queries_with_many_overrides(  # type: ignore[no-untyped-def]
    page_as, admin, django_assert_max_num_queries
) -> None:
    client = page_as("admin")
    client.get("/calendar/", {"year": 2027})
    CalendarDay.objects.bulk_create(
        CalendarDay(
            date=date(2027, 3, d), kind="holiday", name="检修", source="override", created_by=admin
        )
        for d in range(1, 29)
    )
    with django_assert_max_num_queries(12):
        answer = client.get("/calendar/", {"year": 2027})
    assert answer.content.decode().count("检修") >= 28


def test_the_administrator_pastes_previews_and_confirms_a_notice(page_as) -> None:  # type: ignore[no-untyped-def]
    client = page_as("admin")
    preview = client.post("/calendar/notice/", {"text": NOTICE_2027_SAMPLE, "year": ""})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-testid="preview-days"' in html
    assert "2027-10-09" in html
    assert not CalendarDay.objects.exists()  # nothing stored before the confirmation
    done = client.post(
        "/calendar/notice/", {"text": NOTICE_2027_SAMPLE, "year": "2027", "confirmed": "on"}
    )
    assert done.status_code == 302
    assert done["Location"].endswith("?year=2027")
    assert HolidayNotice.objects.filter(year=2027).exists()
    page = client.get(done["Location"]).content.decode()
    assert "2027 年的通知已确认" in page
    assert 'data-testid="official"' in page


def test_a_bad_notice_says_why_in_english_and_stores_nothing(page_as) -> None:  # type: ignore[no-untyped-def]
    client = page_as("admin")
    client.cookies.load(language_cookie("en"))
    answer = client.post(
        "/calendar/notice/", {"text": NOTICE_2026.replace("共5天", "共6天"), "confirmed": "on"}
    )
    assert answer.status_code == 400
    assert "the notice says 6 days but the dates give 5" in answer.content.decode()
    assert not CalendarDay.objects.exists()
    assert not HolidayNotice.objects.exists()


def test_the_administrator_adds_and_removes_an_override(page_as) -> None:  # type: ignore[no-untyped-def]
    client = page_as("admin")
    added = client.post(
        "/calendar/overrides/", {"date": "2026-03-10", "kind": "holiday", "name": "公司司庆"}
    )
    assert added.status_code == 302
    row = CalendarDay.objects.get(date=date(2026, 3, 10))
    page = client.get("/calendar/", {"year": 2026}).content.decode()
    assert 'data-date="2026-03-10" data-working="0"' in page
    assert "remove-2026-03-10" in page
    stale = client.post("/calendar/overrides/remove/", {"day": row.pk, "version": 9})
    assert stale.status_code == 409
    assert CalendarDay.objects.exists()
    removed = client.post("/calendar/overrides/remove/", {"day": row.pk, "version": row.version})
    assert removed.status_code == 302
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"date": "2026-02-30", "kind": "holiday", "name": "x"},
        {"date": "2026-03-07", "kind": "holiday", "name": "周六"},
        {"date": "2026-03-10", "kind": "sometimes", "name": "x"},
        {"date": "", "kind": "holiday"},
    ],
)
def test_a_bad_override_is_refused_and_nothing_changes(page_as, data) -> None:  # type: ignore[no-untyped-def]
    answer = page_as("admin").post("/calendar/overrides/", data)
    assert answer.status_code == 400
    assert "未做任何更改" in answer.content.decode()
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("username", ["hq.manager", "div1.staff", "auditor"])
def test_others_may_not_change_the_calendar(page_as, username: str) -> None:  # type: ignore[no-untyped-def]
    client = page_as(username)
    assert client.get("/calendar/notice/").status_code == 403
    assert client.post("/calendar/notice/", {"text": NOTICE_2027_SAMPLE}).status_code == 403
    answer = client.post(
        "/calendar/overrides/", {"date": "2026-03-10", "kind": "holiday", "name": "公司司庆"}
    )
    assert answer.status_code == 403
    assert not CalendarDay.objects.exists()
