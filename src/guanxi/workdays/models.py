"""The working-day calendar 工作日历 (CMP-1): what the administrator adds to the PRC calendar.

The public holidays and adjusted working days 调休 of the years the `chinesecalendar` package
covers come from the package; a `CalendarDay` beats it for its date, whether it came from a
confirmed State Council notice (a year the package does not know yet) or is an override (a
company holiday). The calendar holds no customer data: everyone signed in may read it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.organisation.models import Person


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off")
    WORKING_DAY = "working_day", _("Working day")


class DaySource(models.TextChoices):
    OVERRIDE = "override", _("Administrator's override")
    NOTICE = "notice", _("State Council notice")


class CalendarDay(models.Model):
    """One date that is off or worked against the weekend rule and the package's data."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind of day"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=DaySource.choices)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class HolidayNotice(models.Model):
    """The confirmed text of 国务院办公厅关于 YYYY 年部分节假日安排的通知: its year is official
    from then on, and its days are `CalendarDay` rows of source "notice"."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    text = models.TextField(_("text of the notice"))
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("confirmed by")
    )
    created_at = models.DateTimeField(_("confirmed at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("holiday notice")
        verbose_name_plural = _("holiday notices")

    def __str__(self) -> str:
        return str(self.year)


class CalendarRevision(models.Model):
    """One row whose token changes with every change to the calendar, in the same transaction:
    each process keeps the calendar it computed for a token and recomputes when the token it
    reads differs, so several processes agree without a shared cache."""

    key = models.CharField(primary_key=True, max_length=16, default="calendar")
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
