"""The working-day calendar over the API (CMP-1): read-only shapes for the OpenAPI schema."""

from __future__ import annotations

from rest_framework import serializers

from guanxi.workdays.calendar import PACKAGE
from guanxi.workdays.models import DayKind, DaySource

SOURCES = [PACKAGE, *DaySource.values]


class WorkingDaySerializer(serializers.Serializer):  # type: ignore[type-arg]
    date = serializers.DateField(help_text="The date `days` working days after `from`")
    official = serializers.BooleanField(
        help_text="false: a year on the way has no official holiday data (weekends only)"
    )
    message = serializers.CharField(
        allow_blank=True, help_text="Why the answer is not official, in the reader's language"
    )


class CalendarDaySerializer(serializers.Serializer):  # type: ignore[type-arg]
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=DayKind.values, help_text="Off, or worked (调休)")
    name = serializers.CharField(allow_blank=True, help_text="Festival or override name")
    # a declared field named like Field.source: DRF's metaclass takes it out of the class
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=SOURCES,
        help_text="package: PRC holiday data; notice: a confirmed State Council notice; "
        "override: the administrator's",
    )


class CalendarYearSerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField()
    official = serializers.BooleanField()
    message = serializers.CharField(allow_blank=True)
    days = CalendarDaySerializer(many=True)
