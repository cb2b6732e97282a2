"""Names of the calendar's days and sources in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from guanxi.workdays.calendar import PACKAGE, Day
from guanxi.workdays.models import DayKind, DaySource

# The festivals as the chinesecalendar package names them (its Holiday enum).
FESTIVALS = {
    "New Year's Day": _("New Year's Day"),
    "Spring Festival": _("Spring Festival"),
    "Tomb-sweeping Day": _("Tomb-sweeping Day"),
    "Labour Day": _("Labour Day"),
    "Dragon Boat Festival": _("Dragon Boat Festival"),
    "National Day": _("National Day"),
    "Mid-autumn Festival": _("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": _("Victory Day of the War of Resistance, 70th anniversary"),
}
SOURCES = {PACKAGE: _("PRC holiday data"), **dict(DaySource.choices)}
KINDS = dict(DayKind.choices)


def day_name(day: Day) -> str:
    """A package festival in the reader's language; a notice's or override's name as entered."""
    if day.source == PACKAGE:
        return str(FESTIVALS.get(day.name, day.name))
    return day.name


def source_name(source: str) -> str:
    return str(SOURCES.get(source, source))


def kind_name(kind: str) -> str:
    return str(KINDS.get(kind, kind))
