"""The working-day calendar page (CMP-1): a year's months with the days off and the adjusted
working days 调休 marked, whether the year is official, and for the administrator the overrides
and the State Council notice (paste → preview → confirm).

Everyone signed in may read the calendar; it holds no customer data, so nothing is registered.
Changes need `calendar.manage` over the root unit (`guanxi.workdays.services.may_manage`);
a refused change says why and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.access.scope import acting_person
from guanxi.params import int_param
from guanxi.versioning import StaleVersion
from guanxi.web.keycustomers.views import _refused
from guanxi.web.workdays import forms as f
from guanxi.workdays import display, selectors, services
from guanxi.workdays.models import CalendarDay
from guanxi.workdays.notice import YEARS, Notice


def _year(request: HttpRequest) -> int:
    chosen = int_param(request.GET, "year", low=YEARS[0], high=YEARS[-1])
    return chosen if chosen is not None else timezone.localdate().year


def _back(year: int) -> str:
    return f"{reverse('workdays:calendar')}?year={year}"


def _weekday_names() -> list[str]:
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return list(names)


def _context(request: HttpRequest, year: int) -> dict[str, Any]:
    view = selectors.year_view(year)
    manager = services.may_manage(request.user)
    return {
        "view": view,
        "weekdays": _weekday_names(),
        "days": [
            (
                day,
                display.day_name(day),
                display.kind_name(day.kind),
                display.source_name(day.source),
            )
            for day in view.days
        ],
        "holidays": selectors.holiday_count(view),
        "manager": manager,
        "rows": list(selectors.year_rows(year)) if manager else [],
        "notice": selectors.year_notice(year),
        "override_form": f.OverrideForm(),
        "notice_form": f.NoticeForm(initial={"year": year}),
        "years": (year - 1, year + 1),
    }


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return render(request, "workdays/calendar.html", _context(request, year))


def _require(request: HttpRequest) -> None:
    if not services.may_manage(request.user):
        raise PermissionDenied


@login_required
@require_POST
def override_add_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = f.OverrideForm(request.POST)
    year = form.data.get("date", "")[:4]
    back = _back(int(year)) if year.isdigit() else reverse("workdays:calendar")
    if not form.is_valid():
        return _refused(request, back, ValidationError(_form_errors(form)))
    day = form.cleaned_data["date"]
    try:
        services.override_add(
            actor=acting_person(request.user),
            day=day,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
        )
    except ValidationError as error:
        return _refused(request, back, error)
    messages.success(request, _("%(date)s was added to the calendar.") % {"date": day})
    return redirect(_back(day.year))


def _form_errors(form: Any) -> list[str]:
    return [
        f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
        for name, errors in form.errors.items()
        for error in errors
    ]


@login_required
@require_POST
def override_remove_page(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = f.RemoveForm(request.POST)
    back = reverse("workdays:calendar")
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose an override to remove.")))
    day = CalendarDay.objects.filter(pk=form.cleaned_data["day"]).first()
    if day is None:
        return _refused(request, back, ValidationError(_("This override no longer exists.")))
    try:
        services.override_remove(
            actor=acting_person(request.user),
            day=day,
            version=form.cleaned_data.get("version") or 0,
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, _back(day.date.year), error)
    messages.success(request, _("The override of %(date)s was removed.") % {"date": day.date})
    return redirect(_back(day.date.year))


@login_required
def notice_page(request: HttpRequest) -> HttpResponse:
    """Paste the notice; the first post shows what it gives, the confirmed post stores it."""
    _require(request)
    if request.method != "POST":
        form = f.NoticeForm(initial={"year": timezone.localdate().year + 1})
        return render(request, "workdays/notice.html", {"form": form})
    form = f.NoticeForm(request.POST)
    if not form.is_valid():
        return render(request, "workdays/notice.html", {"form": form}, status=400)
    actor = acting_person(request.user)
    text, year = form.cleaned_data["text"], form.cleaned_data["year"]
    try:
        if not form.cleaned_data["confirmed"]:
            parsed = services.notice_preview(actor=actor, text=text, year=year)
            return render(request, "workdays/notice.html", _preview(form, parsed))
        parsed = services.notice_confirm(actor=actor, text=text, year=year)
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return render(request, "workdays/notice.html", {"form": form}, status=400)
    messages.success(
        request,
        _("The notice for %(year)s was confirmed: %(count)s days were stored.")
        % {"year": parsed.year, "count": len(parsed.days)},
    )
    return redirect(_back(parsed.year))


def _preview(form: f.NoticeForm, parsed: Notice) -> dict[str, Any]:
    return {
        "form": form,
        "parsed": parsed,
        "rows": [(day, display.kind_name(day.kind)) for day in parsed.days],
        "holidays": len(parsed.holidays()),
        "working_days": len(parsed.working_days()),
    }
