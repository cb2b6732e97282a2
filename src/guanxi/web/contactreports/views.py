"""Pages for contact reports (ACT-4), the customer's timeline and next contact date (CUS-14).

Records are found through the access module; a page registers what it shows once nothing can
refuse any more (guanxi.web.reads), so a refused request leaves no read behind. Each save is
one service call; refusals come back as form errors (400), stale versions as 409."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from guanxi.access.models import Channel
from guanxi.access.scope import acting_person, fetch, may, scope_of, visible
from guanxi.contactreports import selectors as sel
from guanxi.contactreports import services
from guanxi.contactreports.models import ContactReport
from guanxi.customers.models import Customer
from guanxi.paging import keyset_page_in_units
from guanxi.params import int_param
from guanxi.policy.labels import policy_label
from guanxi.web.archive.views import _attempt, _render
from guanxi.web.contactreports import forms as f
from guanxi.web.contactreports.timeline import customer_timeline, timeline_context
from guanxi.web.reads import find, page_read, read_of, record_read

PAGE_SIZE = 25


def _require(request: HttpRequest, permission: str) -> None:
    if not may(request.user, permission):
        raise PermissionDenied


def _data(form: forms.Form) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    return data


@login_required
def report_list_page(request: HttpRequest) -> HttpResponse:
    """Reports of the reader's line; "new for me" narrows to those sent to the reader unread."""
    _require(request, sel.REPORT_PERMISSION)
    actor = acting_person(request.user)
    filters = sel.ReportFilters(
        customer=int_param(request.GET, "customer"),
        kind=request.GET.get("kind", "")[:32],
        new_for_me=request.GET.get("new") == "1",
    )
    page = keyset_page_in_units(
        sel.contact_report_list(actor=actor, filters=filters),
        unit_field=sel.REPORT_UNIT,
        unit_ids=scope_of(actor).unit_ids(sel.REPORT_PERMISSION),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
    )
    response = render(
        request,
        "contactreports/list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": f.kind_choices(),
            "new_count": sel.new_report_count(actor=actor),
            "can_report": may(actor, "contact_report.change"),
        },
    )
    page_read(request, page.items, unit_field=sel.REPORT_UNIT)
    return response


def _customer_picker(request: HttpRequest) -> HttpResponse:
    """Step one of a report: find the customer (search, at most 50 shown)."""
    query = request.GET.get("q", "").strip()[:100]
    customers: QuerySet[Customer] = visible(
        request.user, Customer.objects.all(), "contact_report.change", "owning_unit"
    )
    if query:
        customers = customers.filter(name__icontains=query)
    shown = list(customers.order_by("-id")[:50])
    response = render(
        request, "contactreports/pick_customer.html", {"customers": shown, "q": query}
    )
    page_read(request, shown)
    return response


@login_required
def report_create_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    _require(request, "contact_report.change")
    customer_id = int_param(request.GET, "customer")
    if customer_id is None:
        return _customer_picker(request)
    customer = find(request, Customer.objects.all(), "contact_report.change", pk=customer_id)
    form = f.ContactReportForm(request.POST or None, customer=customer)
    title = f"{customer.name} · {_('New contact report')}"
    back = reverse("customer-detail", args=[customer.pk])
    record_read(request, [read_of(customer)], channel=Channel.PAGE)
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    return _attempt(
        request,
        form,
        lambda: services.contact_report_create(actor=actor, customer=customer, **_data(form)),
        title=title,
        back=back,
        done=lambda report: reverse("contactreports:customer-timeline", args=[customer.pk]),
    )


def _report(request: HttpRequest, pk: int, *, require: str | None = None) -> ContactReport:
    return fetch(
        request.user,
        ContactReport.objects.select_related("customer", "unit", "created_by", "manager"),
        sel.REPORT_PERMISSION,
        channel=Channel.PAGE,
        request=request,
        unit_field=sel.REPORT_UNIT,
        require=require,
        pk=pk,
    )


@login_required
def report_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    services.contact_report_seen(actor=acting_person(request.user), report=report)
    return render(
        request,
        "contactreports/detail.html",
        {
            "report": report,
            "kind_name": policy_label("contact_kinds", report.kind),
            "key_persons": list(report.key_persons.order_by("name")),
            "our_people": list(report.our_people.order_by("username")),
            "can_change": may(request.user, "contact_report.change", report, sel.REPORT_UNIT),
        },
    )


@login_required
def report_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, require="contact_report.change")
    actor = acting_person(request.user)
    initial = {
        "version": report.version,
        "kind": report.kind,
        "contacted_on": report.contacted_on,
        "key_persons": list(report.key_persons.all()),
        "our_people": list(report.our_people.all()),
        "summary": report.summary,
        "follow_up": report.follow_up,
    }
    form = f.ContactReportForm(request.POST or None, initial=initial, customer=report.customer)
    back = reverse("contactreports:report-detail", args=[report.pk])
    title = report.customer.name
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    return _attempt(
        request,
        form,
        lambda: services.contact_report_update(
            actor=actor,
            report=report,
            version=form.cleaned_data["version"] or 0,
            **_data(form),
        ),
        title=title,
        back=back,
        done=lambda saved: back,
    )


@login_required
def timeline_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The customer's whole timeline on a page of its own (CUS-14)."""
    shown = customer_timeline(request, pk)
    response = render(request, "contactreports/timeline.html", timeline_context(request, shown))
    shown.register(request)
    return response


@login_required
def timeline_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The timeline section of the customer page (htmx): the header and first page, or with
    `after` the next entries only."""
    shown = customer_timeline(request, pk)
    more = bool(request.GET.get("after"))
    template = "contactreports/_entries.html" if more else "contactreports/_timeline.html"
    response = render(request, template, timeline_context(request, shown, section=True))
    shown.register(request)
    return response


@login_required
def next_contact_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the customer's next contact date; the customer's manager does (CUS-14)."""
    actor = acting_person(request.user)
    customer = find(request, Customer.objects.all(), "customer.view", pk=pk)
    if not may(actor, "next_contact.set", customer):
        raise PermissionDenied
    current = sel.next_contact_of(customer)
    initial = {
        "version": current.version if current else 0,
        "next_contact_on": current.next_contact_on if current else None,
        "note": current.note if current else "",
    }
    form = f.NextContactForm(request.POST or None, initial=initial)
    back = reverse("customer-detail", args=[customer.pk])
    record_read(request, [read_of(customer)], channel=Channel.PAGE)
    title = customer.name
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    return _attempt(
        request,
        form,
        lambda: services.next_contact_set(
            actor=actor,
            customer=customer,
            version=form.cleaned_data["version"] or 0,
            next_contact_on=form.cleaned_data["next_contact_on"],
            note=form.cleaned_data["note"],
        ),
        title=title,
        back=back,
        done=lambda saved: back,
    )
