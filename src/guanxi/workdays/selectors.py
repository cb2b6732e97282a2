"""Reading the working-day calendar: a year's special days and its month grids (CMP-1).

The calendar holds no customer data, so nothing here is scoped or registered: everyone signed
in may read it (the read register is for confidential records, DOC-4).
"""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from guanxi.workdays import calendar, display
from guanxi.workdays.models import CalendarDay, DayKind, HolidayNotice


@dataclass(frozen=True)
class Cell:
    day: date
    working: bool
    special: calendar.Day | None

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= calendar.SATURDAY

    @property
    def name(self) -> str:
        return display.day_name(self.special) if self.special else ""

    @property
    def adjusted(self) -> bool:
        """A weekend day worked (调休) or a weekday off: what the grid marks."""
        return self.working == self.weekend


@dataclass(frozen=True)
class Month:
    number: int
    weeks: list[list[Cell | None]]  # Monday first; None outside the month


@dataclass(frozen=True)
class YearView:
    year: int
    official: bool
    days: list[calendar.Day]
    months: list[Month]
    working_days: int


def year_view(year: int) -> YearView:
    """The year's grids (Monday first), its special days and how many working days it has."""
    cal = calendar.current()
    grid = months.Calendar(firstweekday=0)
    shown = [
        Month(
            number=month,
            weeks=[
                [
                    Cell(d, cal.is_working_day(d), cal.days.get(d)) if d.month == month else None
                    for d in week
                ]
                for week in grid.monthdatescalendar(year, month)
            ],
        )
        for month in range(1, 13)
    ]
    return YearView(
        year=year,
        official=cal.official(year),
        days=cal.year_days(year),
        months=shown,
        working_days=cal.between(date(year - 1, 12, 31), date(year, 12, 31)),
    )


def year_rows(year: int) -> QuerySet[CalendarDay]:
    """The database's days of the year (overrides and the notice's), for the administrator."""
    return CalendarDay.objects.filter(date__year=year).select_related("created_by").order_by("date")


def year_notice(year: int) -> HolidayNotice | None:
    return HolidayNotice.objects.filter(year=year).select_related("created_by").first()


def holiday_count(view: YearView) -> int:
    return sum(day.kind == DayKind.HOLIDAY for day in view.days)
