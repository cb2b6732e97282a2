"""Changing the working-day calendar: overrides and the State Council notice (CMP-1).

Only a person holding `calendar.manage` over the root unit (the company's calendar is one for
all units) may change it. Every change writes a new `CalendarRevision` token in its transaction,
so every process recomputes the calendar from the next request on.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import lock_current
from guanxi.workdays import calendar
from guanxi.workdays.models import (
    CalendarDay,
    CalendarRevision,
    DayKind,
    DaySource,
    HolidayNotice,
)
from guanxi.workdays.notice import YEARS, Notice, parse_notice

PERMISSION = "calendar.manage"
NAME_LENGTH = 40


def may_manage(actor: object) -> bool:
    """Whether `actor` keeps the company's calendar: `calendar.manage` over the root unit."""
    root = current_policy().root_kind().key
    root_id = Unit.objects.filter(kind=root).order_by("pk").values_list("pk", flat=True).first()
    return isinstance(actor, Person) and may_in_unit(actor, PERMISSION, root_id)


def _require(actor: Person) -> None:
    if not may_manage(actor):
        raise PermissionDenied(_("Only the administrator keeps the working-day calendar."))


def _touch() -> None:
    CalendarRevision.objects.update_or_create(key="calendar", defaults={"token": uuid.uuid4().hex})


def _check_day(day: date, kind: str, name: str) -> str:
    if day.year not in YEARS:
        raise ValidationError(
            {
                "date": _("Give a date from %(low)s to %(high)s.")
                % {"low": YEARS[0], "high": YEARS[-1]}
            }
        )
    if kind not in DayKind.values:
        raise ValidationError({"kind": _("Choose a day off or a working day.")})
    name = name.strip()
    if len(name) > NAME_LENGTH:
        raise ValidationError(
            {"name": _("Keep the name within %(count)s characters.") % {"count": NAME_LENGTH}}
        )
    if kind == DayKind.HOLIDAY and not name:
        raise ValidationError({"name": _("Name the day off, e.g. 公司司庆.")})
    return name


@transaction.atomic
def override_add(*, actor: Person, day: date, kind: str, name: str = "") -> CalendarDay:
    """Make `day` a day off or a working day, beating the package and any notice."""
    _require(actor)
    name = _check_day(day, kind, name)
    existing = CalendarDay.objects.select_for_update().filter(date=day).first()
    if existing is not None and existing.source == DaySource.OVERRIDE:
        raise ValidationError(
            {"date": _("%(date)s already has an override; remove it first.") % {"date": day}}
        )
    if calendar.current().is_working_day(day) == (kind == DayKind.WORKING_DAY):
        already = (
            _("%(date)s is already a working day.")
            if kind == DayKind.WORKING_DAY
            else _("%(date)s is already a day off.")
        )
        raise ValidationError({"kind": already % {"date": day}})
    if existing is not None:
        existing.delete()
    row = CalendarDay(date=day, kind=kind, name=name, source=DaySource.OVERRIDE, created_by=actor)
    row.full_clean()
    row.save()
    _touch()
    return row


@transaction.atomic
def override_remove(*, actor: Person, day: CalendarDay, version: int) -> None:
    """Remove an override; the date falls back to its notice's day, the package, or the
    weekend rule."""
    _require(actor)
    locked = lock_current(CalendarDay, day.pk, version)
    if locked.source != DaySource.OVERRIDE:
        raise ValidationError(
            {"date": _("Only overrides are removed here; confirm a new notice instead.")}
        )
    locked.delete()
    restored = _notice_day(locked.date)
    if restored is not None:
        restored.created_by = actor
        restored.save()
    _touch()


def _notice_day(day: date) -> CalendarDay | None:
    """The day the confirmed notice of `day`'s year gives it, if any."""
    notice = HolidayNotice.objects.filter(year=day.year).first()
    if notice is None:
        return None
    parsed = parse_notice(notice.text, notice.year)
    found = next((d for d in parsed.days if d.date == day), None)
    if found is None:
        return None
    return CalendarDay(date=day, kind=found.kind, name=found.name, source=DaySource.NOTICE)


def notice_preview(*, actor: Person, text: str, year: int | None) -> Notice:
    """The days the notice gives, for the administrator to check before confirming."""
    _require(actor)
    return parse_notice(text, year)


@transaction.atomic
def notice_confirm(*, actor: Person, text: str, year: int | None) -> Notice:
    """Store the notice's days (source "notice"): the year is official from now on. A notice
    confirmed again for its year replaces the earlier one's days; overrides stay."""
    _require(actor)
    parsed = parse_notice(text, year)
    stored, made = HolidayNotice.objects.select_for_update().get_or_create(
        year=parsed.year, defaults={"text": text, "created_by": actor}
    )
    if not made:
        stored.text, stored.created_by, stored.version = text, actor, stored.version + 1
        stored.save()
    dates = [d.date for d in parsed.days]
    CalendarDay.objects.filter(source=DaySource.NOTICE, date__year=parsed.year).delete()
    CalendarDay.objects.filter(source=DaySource.NOTICE, date__in=dates).delete()
    kept = set(CalendarDay.objects.filter(date__in=dates).values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(
            date=d.date, kind=d.kind, name=d.name, source=DaySource.NOTICE, created_by=actor
        )
        for d in parsed.days
        if d.date not in kept
    )
    _touch()
    return parsed
