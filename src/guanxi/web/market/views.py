"""Pages of the monthly market reports (CUS-8, 003 §12.1) and of a customer's
information-meaning table (003 附表5). Thin: reads through guanxi.customers.market, writes
through guanxi.customers.archive; a stale save answers 409 and overwrites nothing."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from guanxi.access.models import Channel
from guanxi.access.register import ReadNotRegistered
from guanxi.access.scope import acting_person, may, may_in_unit, visible_units
from guanxi.customers import archive
from guanxi.customers.market import information_table, market_report_get, market_report_list
from guanxi.customers.models import Customer, InformationMeaning, InformationTopic, MarketReport
from guanxi.customers.selectors import customer_get
from guanxi.paging import keyset_page
from guanxi.params import int_param
from guanxi.web.archive.views import _attempt, _render
from guanxi.web.market.forms import InformationForm, MarketReportForm, MonthField
from guanxi.web.reads import page_read

PAGE_SIZE = 25


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/unavailable.html", {"message": ReadNotRegistered.message}, status=503
    )


def _month(value: str | None) -> date | None:
    try:
        month = MonthField(required=False).clean(value or "")
    except ValidationError:
        return None
    return month if isinstance(month, date) else None


def cursor(request: HttpRequest) -> str | None:
    """The `after` id, only when it fits a database id (a longer one is a first page)."""
    after = int_param(request.GET, "after")
    return None if after is None else str(after)


@login_required
@require_http_methods(["GET"])
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports of the reader's line, newest first, by month and unit, a page at a time."""
    if not may(request.user, "customer.view"):
        raise PermissionDenied
    month, unit = _month(request.GET.get("month")), int_param(request.GET, "unit")
    page = keyset_page(
        market_report_list(actor=request.user, month=month, unit_id=unit),
        after=cursor(request),
        size=PAGE_SIZE,
    )
    context = {
        "page": page,
        "month": month.strftime("%Y-%m") if month else "",
        "unit": unit,
        "units": list(visible_units(request.user, "customer.view").order_by("path")[:500]),
        "can_create": visible_units(request.user, "customer.change").exists(),
    }
    response = render(request, "market/list.html", context)
    page_read(request, page.items, unit_field="unit")
    return response


@login_required
@require_http_methods(["GET"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = market_report_get(actor=request.user, pk=pk, channel=Channel.PAGE, request=request)
    except ReadNotRegistered:
        return _unavailable(request)
    can_change = may_in_unit(request.user, "customer.change", report.unit_id)
    return render(request, "market/detail.html", {"report": report, "can_change": can_change})


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    if not visible_units(actor, "customer.change").exists():
        raise PermissionDenied(_("You may not write market reports."))
    form = MarketReportForm(request.POST or None, actor=actor)
    title, back = _("New market report"), reverse("market-report-list")
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    return _attempt(
        request,
        form,
        lambda: archive.market_report_create(actor=actor, **data),
        title=title,
        back=back,
        done=lambda r: reverse("market-report-detail", args=[r.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    try:
        report = market_report_get(
            actor=actor, pk=pk, channel=Channel.PAGE, request=request, require="customer.change"
        )
    except ReadNotRegistered:
        return _unavailable(request)
    initial = {
        "month": report.month,
        "title": report.title,
        "body": report.body,
        "major": report.major,
        "version": report.version,
    }
    form = MarketReportForm(request.POST or None, initial=initial, actor=actor, editing=True)
    title = _("Edit %(name)s") % {"name": report.title}
    back = reverse("market-report-detail", args=[pk])
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    data = dict(form.cleaned_data)
    version = data.pop("version") or 0
    return _attempt(
        request,
        form,
        lambda: archive.market_report_update(
            actor=actor, report=MarketReport(pk=report.pk), version=version, **data
        ),
        title=title,
        back=back,
        done=lambda r: reverse("market-report-detail", args=[r.pk]),
    )


def _customer(request: HttpRequest, pk: int, require: str | None = None) -> Customer:
    return customer_get(
        actor=request.user, pk=pk, channel=Channel.PAGE, request=request, require=require
    )


@login_required
@require_http_methods(["GET"])
def information_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer's information-meaning table (003 附表5), one row per topic."""
    try:
        customer = _customer(request, pk)
    except ReadNotRegistered:
        return _unavailable(request)
    context = {
        "customer": customer,
        "rows": information_table(customer=customer, language=request.LANGUAGE_CODE),
        "can_change": may(request.user, "customer.change", customer),
    }
    return render(request, "market/information.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def information_edit(request: HttpRequest, pk: int, topic: str) -> HttpResponse:
    if topic not in InformationTopic.values:
        raise Http404
    try:
        customer = _customer(request, pk, require="customer.change")
    except ReadNotRegistered:
        return _unavailable(request)
    actor = acting_person(request.user)
    row = InformationMeaning.objects.filter(customer=customer, topic=topic).first()
    initial = (
        {"information": row.information, "meaning": row.meaning, "source": row.source}
        | {"version": row.version}
        if row
        else {"version": 0}
    )
    form = InformationForm(request.POST or None, initial=initial, language=request.LANGUAGE_CODE)
    label = InformationTopic(topic).label
    title = f"{customer.name} · {label}"
    back = reverse("customer-information", args=[pk])
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    return _attempt(
        request,
        form,
        lambda: archive.information_set(
            actor=actor,
            customer=customer,
            topic=topic,
            version=version if version is not None else 0,
            **data,
        ),
        title=title,
        back=back,
        done=lambda _row: back,
    )
