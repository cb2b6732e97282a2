"""Working days 工作日 (000 §27: "日" is a working day, rest days not counted; CMP-1).

A date is a working day when it is a weekday that is not a holiday, or a weekend day that is an
adjusted working day 调休. The holidays and adjusted working days come from the `chinesecalendar`
package for the years it covers, from a confirmed State Council notice for later years, and from
the administrator's overrides, which beat both. A year with neither package data nor a notice is
unofficial: it is computed with weekends only, and callers say so (`official`).

Fast: the package's years are built once per process; the database's days are read once per
revision of the calendar (`CalendarRevision`), and the revision once per request, so the
functions cost no query inside a request after the first, whatever the number of calls.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from chinese_calendar import constants as package

from guanxi.access.scope import request_token
from guanxi.workdays.models import CalendarDay, CalendarRevision, DayKind, HolidayNotice

PACKAGE = "package"  # the source of a day that comes from the chinesecalendar package
SATURDAY = 5
# No working day for this long: the overrides make no sense, and a loop must end.
LONGEST_BREAK = 366


@dataclass(frozen=True)
class Day:
    """A date that differs from the weekend rule, or is a named holiday on a weekend."""

    date: date
    kind: str  # DayKind
    name: str
    source: str  # DaySource or PACKAGE


@functools.cache
def package_years() -> frozenset[int]:
    """The years the package knows (2004 to 2026 in 1.11)."""
    years = {day.year for day in package.holidays} | {day.year for day in package.workdays}
    return frozenset(range(min(years), max(years) + 1))


@functools.cache
def _package_days() -> dict[date, Day]:
    days = {
        d: Day(d, DayKind.HOLIDAY, _festival(holiday), PACKAGE)
        for d, holiday in package.holidays.items()
    }
    for d, holiday in package.workdays.items():
        days[d] = Day(d, DayKind.WORKING_DAY, _festival(holiday), PACKAGE)
    return days


def _festival(holiday: object) -> str:
    """The package's English festival name (a plain string, or its Holiday enum's value)."""
    return str(getattr(holiday, "value", holiday))


@dataclass(frozen=True)
class Calendar:
    """The calendar at one revision: every special day by date, and the official years."""

    days: dict[date, Day] = field(default_factory=dict)
    notice_years: frozenset[int] = frozenset()

    def official(self, year: int) -> bool:
        return year in package_years() or year in self.notice_years

    def is_working_day(self, day: date) -> bool:
        special = self.days.get(day)
        if special is not None:
            return special.kind == DayKind.WORKING_DAY
        return day.weekday() < SATURDAY

    def step(self, day: date, direction: int) -> date:
        """The next working day after `day` (direction 1) or before it (-1)."""
        for _ in range(LONGEST_BREAK):
            day += timedelta(days=direction)
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {LONGEST_BREAK} days of {day}")

    def add(self, day: date, count: int) -> date:
        direction = 1 if count > 0 else -1
        for _ in range(abs(count)):
            day = self.step(day, direction)
        return day

    def between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; when end is before start, minus those with
        end <= d < start. Either way `add(start, between(start, end))` lands on `end` when
        `end` is a working day."""
        if end < start:
            return -sum(
                self.is_working_day(end + timedelta(days=n)) for n in range((start - end).days)
            )
        return sum(
            self.is_working_day(start + timedelta(days=n)) for n in range(1, (end - start).days + 1)
        )

    def on_or_before(self, day: date) -> date:
        return day if self.is_working_day(day) else self.step(day, -1)

    def year_days(self, year: int) -> list[Day]:
        """The special days of `year`, in date order."""
        return sorted((d for d in self.days.values() if d.date.year == year), key=lambda d: d.date)


def _build(rows: Iterable[CalendarDay], notice_years: Iterable[int]) -> Calendar:
    days = dict(_package_days())
    for row in rows:
        days[row.date] = Day(row.date, row.kind, row.name, row.source)
    return Calendar(days=days, notice_years=frozenset(notice_years))


class _Cache:
    """The calendar of the revision last read by this process, and the request it was read in."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.revision: str | None = None
        self.calendar = Calendar()
        self.request: object | None = None

    def current(self) -> Calendar:
        token = request_token()
        if token is not None and token is self.request and self.revision is not None:
            return self.calendar
        revision = CalendarRevision.objects.values_list("token", flat=True).first() or ""
        with self.lock:
            if revision != self.revision:
                rows = CalendarDay.objects.only("date", "kind", "name", "source")
                years = HolidayNotice.objects.values_list("year", flat=True)
                self.calendar = _build(list(rows), list(years))
                self.revision = revision
            self.request = token
            return self.calendar


_cache = _Cache()


def current() -> Calendar:
    """The calendar as the database holds it now (see the module's note on caching)."""
    return _cache.current()


def is_working_day(day: date) -> bool:
    return current().is_working_day(day)


def add_working_days(day: date, count: int) -> date:
    """The date `count` working days after `day` (before it when negative; `day` when 0)."""
    return current().add(day, count)


def working_days_between(start: date, end: date) -> int:
    """How many working days after `start` up to and including `end`."""
    return current().between(start, end)


def last_working_day_on_or_before(day: date) -> date:
    """`day` itself when it is a working day, else the last working day before it ("by the
    28th" when the 28th is a Sunday means by Friday the 26th)."""
    return current().on_or_before(day)


def official(year: int) -> bool:
    """Whether the holidays of `year` are known (package or a confirmed notice)."""
    return current().official(year)


def unofficial_years(*days: date) -> list[int]:
    """The years from the earliest to the latest of `days` that are computed with weekends only."""
    calendar = current()
    first, last = min(d.year for d in days), max(d.year for d in days)
    return [year for year in range(first, last + 1) if not calendar.official(year)]
