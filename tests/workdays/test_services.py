"""Changing the calendar: only the administrator at HQ; a confirmed notice makes its year
official; overrides stay over a notice; a refusal stores nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.versioning import StaleVersion
from guanxi.workdays import calendar, services
from guanxi.workdays.models import CalendarDay, HolidayNotice
from tests.test_permission_matrix import persona
from tests.workdays.notices import NOTICE_2026, NOTICE_2027_SAMPLE

pytestmark = pytest.mark.django_db


def test_a_confirmed_notice_makes_its_year_official(admin) -> None:  # type: ignore[no-untyped-def]
    assert not calendar.official(2027)
    assert calendar.is_working_day(date(2027, 10, 4))
    services.notice_confirm(actor=admin, text=NOTICE_2027_SAMPLE, year=None)
    assert calendar.official(2027)
    assert not calendar.is_working_day(date(2027, 10, 4))
    assert calendar.is_working_day(date(2027, 10, 9))  # Saturday worked
    assert CalendarDay.objects.filter(source="notice").count() == 18 + 4
    assert HolidayNotice.objects.get(year=2027).created_by == admin


def test_confirming_again_replaces_the_notice_but_keeps_the_overrides(admin) -> None:  # type: ignore[no-untyped-def]
    services.notice_confirm(actor=admin, text=NOTICE_2027_SAMPLE, year=None)
    services.override_add(actor=admin, day=date(2027, 10, 4), kind="working_day", name="值班")
    shorter = NOTICE_2027_SAMPLE.replace("9月26日（周日）、", "")
    services.notice_confirm(actor=admin, text=shorter, year=2027)
    assert calendar.is_working_day(date(2027, 10, 4))  # the override stays
    assert not calendar.is_working_day(date(2027, 9, 26))  # no longer worked
    assert HolidayNotice.objects.get(year=2027).version == 2


def test_removing_an_override_gives_the_date_back_to_its_notice(admin) -> None:  # type: ignore[no-untyped-def]
    services.notice_confirm(actor=admin, text=NOTICE_2027_SAMPLE, year=None)
    row = services.override_add(actor=admin, day=date(2027, 10, 4), kind="working_day", name="值班")
    services.override_remove(actor=admin, day=row, version=row.version)
    assert CalendarDay.objects.get(date=date(2027, 10, 4)).source == "notice"
    assert not calendar.is_working_day(date(2027, 10, 4))


def test_a_bad_notice_stores_nothing(admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.notice_confirm(actor=admin, text=NOTICE_2026.replace("共3天", "共4天"), year=None)
    assert not CalendarDay.objects.exists()
    assert not HolidayNotice.objects.exists()


@pytest.mark.parametrize(
    ("day", "kind", "name", "field"),
    [
        (date(2026, 3, 7), "holiday", "周六", "kind"),  # a Saturday is off already
        (date(2026, 10, 2), "holiday", "国庆", "kind"),  # so is National Day
        (date(2026, 3, 10), "holiday", "", "name"),  # a day off needs its name
        (date(2026, 3, 10), "holiday", "名" * 41, "name"),
        (date(1999, 3, 10), "holiday", "千禧", "date"),
        (date(2026, 3, 10), "half_day", "半天", "kind"),
    ],
)
def test_an_override_that_changes_nothing_or_is_malformed_is_refused(
    admin, day: date, kind: str, name: str, field: str
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.override_add(actor=admin, day=day, kind=kind, name=name)
    assert field in refused.value.message_dict
    assert not CalendarDay.objects.exists()


def test_a_date_takes_one_override(admin, company_holiday) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="已有调整"):
        services.override_add(actor=admin, day=company_holiday.date, kind="working_day")


def test_a_stale_removal_is_refused(admin, company_holiday) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StaleVersion):
        services.override_remove(actor=admin, day=company_holiday, version=7)
    assert CalendarDay.objects.filter(pk=company_holiday.pk).exists()


@pytest.mark.parametrize("username", ["hq.manager", "hq.info", "div1.manager", "auditor"])
def test_only_the_administrator_keeps_the_calendar(people, username: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.override_add(
            actor=people[username], day=date(2026, 3, 10), kind="holiday", name="公司司庆"
        )
    with pytest.raises(PermissionDenied):
        services.notice_confirm(actor=people[username], text=NOTICE_2027_SAMPLE, year=None)
    assert not CalendarDay.objects.exists()


def test_an_administrator_of_a_division_does_not_keep_the_company_calendar(units) -> None:  # type: ignore[no-untyped-def]
    division_admin = persona("admin", "DIV1", units)
    assert not services.may_manage(division_admin)
    with pytest.raises(PermissionDenied):
        services.notice_preview(actor=division_admin, text=NOTICE_2027_SAMPLE, year=None)
