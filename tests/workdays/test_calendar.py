"""Working days (000 §27): the PRC holidays and 调休 of 2025–2026, an unofficial year (2028,
weekends only), the administrator's overrides beating the package, and the per-revision cache
that several processes agree on."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from chinese_calendar import constants as package
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from guanxi.access import scope
from guanxi.workdays import calendar, services
from guanxi.workdays.calendar import (
    add_working_days,
    is_working_day,
    last_working_day_on_or_before,
    official,
    working_days_between,
)

pytestmark = pytest.mark.django_db


def test_spring_festival_2026_is_off_from_the_15th_to_the_23rd_with_two_saturdays_worked() -> None:
    days = [date(2026, 2, 14) + timedelta(days=n) for n in range(15)]  # to Saturday the 28th
    off = [d for d in days if not is_working_day(d)]
    assert off == [date(2026, 2, 15) + timedelta(days=n) for n in range(9)]
    assert is_working_day(date(2026, 2, 14))
    assert is_working_day(date(2026, 2, 28))
    assert all(package.holidays.get(d) for d in off)


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_day_of_the_package_years_agrees_with_the_package(year: int) -> None:
    import chinese_calendar

    day = date(year, 1, 1)
    while day.year == year:
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_a_day_after_national_day_eve_2026_is_the_8th_of_october() -> None:
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 8), -1) == date(2026, 9, 30)
    assert last_working_day_on_or_before(date(2026, 10, 5)) == date(2026, 9, 30)


def test_an_adjusted_working_saturday_counts() -> None:
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)  # Friday → Saturday 调休
    assert last_working_day_on_or_before(date(2026, 2, 28)) == date(2026, 2, 28)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 24)) == 2  # 14th and 24th


def test_the_28th_on_a_sunday_moves_back_to_friday() -> None:
    assert last_working_day_on_or_before(date(2026, 6, 28)) == date(2026, 6, 26)


def test_2028_is_unofficial_and_counts_weekends_only_through_the_leap_day() -> None:
    assert not official(2028)
    assert official(2026)
    assert official(2004)
    assert add_working_days(date(2028, 2, 25), 2) == date(2028, 2, 29)
    assert is_working_day(date(2028, 5, 1))  # Labour Day unknown without a notice
    assert calendar.unofficial_years(date(2026, 12, 1), date(2028, 1, 3)) == [2027, 2028]


def test_zero_days_is_the_day_itself_even_on_a_holiday() -> None:
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)


@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    count=st.integers(min_value=-400, max_value=400),
)
def test_counting_between_undoes_adding(start: date, count: int) -> None:
    end = add_working_days(start, count)
    assert working_days_between(start, end) == count
    assert count == 0 or is_working_day(end)


def test_an_override_beats_the_package_and_removing_it_restores_the_day(admin) -> None:  # type: ignore[no-untyped-def]
    tuesday = date(2026, 3, 10)
    assert is_working_day(tuesday)
    row = services.override_add(actor=admin, day=tuesday, kind="holiday", name="公司司庆")
    assert not is_working_day(tuesday)
    assert add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 11)
    worked = services.override_add(
        actor=admin, day=date(2026, 10, 7), kind="working_day", name="值班"
    )
    assert is_working_day(date(2026, 10, 7))
    services.override_remove(actor=admin, day=row, version=row.version)
    services.override_remove(actor=admin, day=worked, version=worked.version)
    assert is_working_day(tuesday)
    assert not is_working_day(date(2026, 10, 7))


def test_another_process_sees_a_change_at_its_next_read(admin) -> None:  # type: ignore[no-untyped-def]
    other = calendar._Cache()  # a second process's cache
    assert other.current().is_working_day(date(2026, 3, 10))
    services.override_add(actor=admin, day=date(2026, 3, 10), kind="holiday", name="公司司庆")
    assert not other.current().is_working_day(date(2026, 3, 10))


def test_inside_a_request_the_calendar_costs_one_query_whatever_the_calls(admin) -> None:  # type: ignore[no-untyped-def]
    services.override_add(actor=admin, day=date(2026, 3, 10), kind="holiday", name="公司司庆")
    token = scope._request_token.set(object())
    try:
        with CaptureQueriesContext(connection) as first:
            add_working_days(date(2026, 1, 1), 200)
        with CaptureQueriesContext(connection) as later:
            for n in range(50):
                add_working_days(date(2026, 1, 1), n)
                official(2027)
    finally:
        scope._request_token.reset(token)
    assert len(first) <= 3  # the revision, and the days and notices when it changed
    assert len(later) == 0
