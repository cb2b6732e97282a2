"""`/api/v1/calendar/…`: working days (000 §27) for any client (CMP-1).

The calendar holds no customer data: every signed-in caller may read it and nothing is
registered (see NOT_REGISTERED of tests/api/test_list_reads.py). A year's days are at most a
few dozen, so the list is one answer, not paginated. Bad input is a 400 naming the parameter.
"""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.api.workdays.serializers import CalendarYearSerializer, WorkingDaySerializer
from guanxi.params import BadNumber, int_param
from guanxi.workdays import calendar, display
from guanxi.workdays.notice import YEARS

DAYS_LIMIT = 3660  # about ten years of working days either way
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _from(text: str | None) -> date:
    problem = _("Give a date as YYYY-MM-DD from %(low)s to %(high)s.") % {
        "low": YEARS[0],
        "high": YEARS[-1],
    }
    if not text or not ISO_DATE.fullmatch(text):
        raise ValidationError({"from": [problem]})
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise ValidationError({"from": [problem]}) from error
    if day.year not in YEARS:
        raise ValidationError({"from": [problem]})
    return day


def unofficial_message(years: list[int]) -> str:
    if not years:
        return ""
    return ngettext(
        "%(years)s has no official holiday data: counted with weekends only.",
        "%(years)s have no official holiday data: counted with weekends only.",
        len(years),
    ) % {"years": "、".join(str(year) for year in years)}


class WorkingDaysView(APIView):
    """The date N working days after a date (000 §27: 日 means working day); negative N counts
    back, 0 answers the date itself. PRC public holidays and adjusted working days 调休 count,
    with the administrator's overrides; `official` is false when a year on the way has no
    official holiday data."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, required=True, description="YYYY-MM-DD, 2000–2100"
            ),
            OpenApiParameter(
                "days",
                int,
                required=True,
                description=f"Working days, -{DAYS_LIMIT} to {DAYS_LIMIT}",
            ),
        ],
        responses=WorkingDaySerializer,
    )
    def get(self, request: Request) -> Response:
        start = _from(request.query_params.get("from"))
        days = int_param(
            request.query_params, "days", low=-DAYS_LIMIT, high=DAYS_LIMIT, strict=True
        )
        if days is None:
            raise BadNumber("days", low=-DAYS_LIMIT, high=DAYS_LIMIT)
        found = calendar.add_working_days(start, days)
        unofficial = calendar.unofficial_years(start, found)
        body = {
            "date": found,
            "official": not unofficial,
            "message": unofficial_message(unofficial),
        }
        return Response(WorkingDaySerializer(body).data)


class CalendarDaysView(APIView):
    """The days off and adjusted working days of a year, with their source: the PRC holiday
    data (package), a confirmed State Council notice, or the administrator's override."""

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="2000–2100; the current year when left out"),
        ],
        responses=CalendarYearSerializer,
    )
    def get(self, request: Request) -> Response:
        year = int_param(request.query_params, "year", low=YEARS[0], high=YEARS[-1], strict=True)
        year = year if year is not None else timezone.localdate().year
        cal = calendar.current()
        official = cal.official(year)
        body = {
            "year": year,
            "official": official,
            "message": "" if official else unofficial_message([year]),
            "days": [
                {"date": d.date, "kind": d.kind, "name": display.day_name(d), "source": d.source}
                for d in cal.year_days(year)
            ],
        }
        return Response(CalendarYearSerializer(body).data)
