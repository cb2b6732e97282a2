"""Pages for the monthly key-customer report 重点客户月报 (DEM-4) and the people who carry it:
HQ's follow-up person per strategic customer and each unit's contact person (002 §8.1.3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.access.lists import register_list
from guanxi.access.models import Channel
from guanxi.access.register import read_of
from guanxi.access.scope import acting_person, fetch, may, may_in_unit, visible, visible_units
from guanxi.customers.models import Customer
from guanxi.demands import models as d
from guanxi.demands import monthly, services
from guanxi.demands import selectors as sel
from guanxi.demands.documents import ReportPart, parts, report_pdf, report_xlsx
from guanxi.documents.pdf import pdf_response
from guanxi.organisation.models import Person
from guanxi.versioning import StaleVersion
from guanxi.web.customer_io.views import xlsx_response
from guanxi.web.demands import forms as f
from guanxi.web.keycustomers.views import _refused, _require
from guanxi.web.reads import find, page_read, record_read


def _back() -> str:
    return reverse("demands:report-list")


@login_required
def report_list_page(request: HttpRequest) -> HttpResponse:
    _require(request, "demand.view")
    actor = acting_person(request.user)
    reports = list(sel.report_list(actor=actor).order_by("-month")[:36])
    submissions = list(sel.submission_list(actor=actor).order_by("-id")[:50])
    units = visible_units(actor, "monthly_report.submit").filter(is_active=True)
    response = render(
        request,
        "demands/report_list.html",
        {
            "reports": reports,
            "submissions": submissions,
            "open_form": f.SubmissionOpenForm(units=units) if units.exists() else None,
            "generate_form": f.MonthForm() if sel.may_publish(actor) else None,
            "due_day": services.rules().monthly_due_day,
        },
    )
    page_read(request, reports, unit_field="unit")
    page_read(request, submissions, unit_field="unit")
    return response


def _report(request: HttpRequest, pk: int) -> d.MonthlyReport:
    report = sel.report_list(actor=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def _content(request: HttpRequest, report: d.MonthlyReport, channel: Channel) -> list[ReportPart]:
    rows = list(sel.report_rows(actor=request.user, report=report))
    demands = list(sel.report_demands(actor=request.user, report=report))
    record_read(request, [read_of(report, "unit")], channel=channel)
    register_list(
        actor=acting_person(request.user), objects=demands, channel=channel, request=request
    )
    return parts(rows, demands)


@login_required
def report_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(
        request,
        "demands/report_detail.html",
        {
            "report": report,
            "parts": _content(request, report, Channel.PAGE),
            "categories": dict(f.policy_choices("categories")),
            "can_publish": sel.may_publish(request.user) and report.status == d.ReportStatus.DRAFT,
            "can_export": may(request.user, "monthly_report.export"),
        },
    )


def _document(request: HttpRequest, pk: int) -> tuple[d.MonthlyReport, list[ReportPart]]:
    report = _report(request, pk)
    if not may(request.user, "monthly_report.export"):
        raise PermissionDenied  # before any read is registered
    return report, _content(request, report, Channel.DOCUMENT)


@login_required
def report_pdf_page(request: HttpRequest, pk: int) -> HttpResponse:
    report, report_parts = _document(request, pk)
    data = report_pdf(report, report_parts, reader=acting_person(request.user))
    return pdf_response(data, f"monthly-report-{report.month:%Y-%m}.pdf")


@login_required
def report_xlsx_page(request: HttpRequest, pk: int) -> HttpResponse:
    report, report_parts = _document(request, pk)
    data = report_xlsx(report, report_parts, reader=acting_person(request.user))
    return xlsx_response(data, f"monthly-report-{report.month:%Y-%m}.xlsx")


@login_required
@require_POST
def report_generate_page(request: HttpRequest) -> HttpResponse:
    form = f.MonthForm(request.POST)
    if not form.is_valid():
        return _refused(request, _back(), ValidationError(_("Choose a month.")))
    try:
        report = monthly.report_generate(
            actor=acting_person(request.user), month=form.cleaned_data["month"]
        )
    except ValidationError as error:
        return _refused(request, _back(), error)
    messages.success(request, _("The report was generated from the submissions."))
    return redirect("demands:report-detail", pk=report.pk)


@login_required
@require_POST
def report_publish_page(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    back = reverse("demands:report-detail", args=[pk])
    try:
        monthly.report_publish(
            actor=acting_person(request.user),
            report=report,
            version=int(request.POST.get("version", "0") or 0),
        )
    except (ValidationError, StaleVersion, ValueError) as error:
        if isinstance(error, ValueError):
            error = ValidationError(_("Reload the page and try again."))
        return _refused(request, back, error)
    messages.success(request, _("The report was published; every unit sees its part."))
    return redirect(back)


# -------------------------------------------------------------------- submissions


@login_required
@require_POST
def submission_open_page(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    units = visible_units(actor, "monthly_report.submit").filter(is_active=True)
    form = f.SubmissionOpenForm(request.POST, units=units)
    if not form.is_valid():
        return _refused(request, _back(), ValidationError(_("Choose a unit and a month.")))
    try:
        submission = monthly.submission_open(
            actor=actor, unit=form.cleaned_data["unit"], month=form.cleaned_data["month"]
        )
    except ValidationError as error:
        return _refused(request, _back(), error)
    return redirect("demands:submission-detail", pk=submission.pk)


def _submission(request: HttpRequest, pk: int, require: str | None = None) -> d.MonthlySubmission:
    return fetch(
        request.user,
        d.MonthlySubmission.objects.select_related("unit", "submitted_by"),
        "demand.view",
        channel=Channel.PAGE,
        request=request,
        unit_field="unit",
        require=require,
        pk=pk,
    )


@login_required
def submission_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk)
    customers = monthly.strategic_customers(submission.unit)
    demands = list(
        sel.demand_list(actor=request.user)
        .filter(pk__in=monthly.month_demands(submission.month).values("pk"))
        .filter(owning_unit__path__startswith=submission.unit.path)
        .order_by("-id")[:200]
    )
    can_submit = (
        may_in_unit(request.user, "monthly_report.submit", submission.unit_id)
        and submission.status == d.SubmissionStatus.DRAFT
    )
    response = render(
        request,
        "demands/submission_detail.html",
        {
            "submission": submission,
            "entries": list(submission.entries.select_related("customer")),
            "demands": demands,
            "due": monthly.due_date(submission.month),
            "can_submit": can_submit,
            "entry_form": f.EntryForm(initial={"version": submission.version}, customers=customers)
            if can_submit
            else None,
        },
    )
    page_read(request, demands)
    return response


@login_required
@require_POST
def submission_entry_page(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk, require="monthly_report.submit")
    form = f.EntryForm(request.POST, customers=monthly.strategic_customers(submission.unit))
    back = reverse("demands:submission-detail", args=[pk])
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose a strategic customer.")))
    try:
        monthly.entry_set(
            actor=acting_person(request.user),
            submission=submission,
            version=form.cleaned_data.get("version") or 0,
            customer=form.cleaned_data["customer"],
            progress=form.cleaned_data["progress"],
            risks=form.cleaned_data["risks"],
        )
    except (ValidationError, StaleVersion) as error:
        return _refused(request, back, error)
    messages.success(request, _("The customer's progress and risks were saved."))
    return redirect(back)


@login_required
@require_POST
def submission_submit_page(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(request, pk, require="monthly_report.submit")
    back = reverse("demands:submission-detail", args=[pk])
    try:
        monthly.submission_submit(
            actor=acting_person(request.user),
            submission=submission,
            version=int(request.POST.get("version", "0") or 0),
        )
    except (ValidationError, StaleVersion, ValueError) as error:
        if isinstance(error, ValueError):
            error = ValidationError(_("Reload the page and try again."))
        return _refused(request, back, error)
    messages.success(request, _("The unit's part was submitted to HQ."))
    return redirect(back)


# ------------------------------------------------------------- follow-up and contact people


@login_required
def liaison_page(request: HttpRequest) -> HttpResponse:
    """Who follows each strategic customer at HQ, and each unit's contact person."""
    _require(request, "demand.view")
    actor = acting_person(request.user)
    customers = list(
        visible(
            actor, Customer.objects.filter(tier__in=services.rules().report_tiers), "demand.view"
        )
        .select_related("owning_unit", "hq_follower__person")
        .order_by("owning_unit__path", "name")[:200]
    )
    units = list(
        visible_units(actor, "demand.view")
        .filter(is_active=True)
        .select_related("key_customer_contact__person")
        .order_by("path")
    )
    root = services.top_unit()
    response = render(
        request,
        "demands/liaisons.html",
        {
            "customers": customers,
            "units": units,
            "may_follow": may_in_unit(actor, "demand.assign", root.pk),
            "assignable": {u.pk for u in units if may_in_unit(actor, "demand.assign", u.pk)},
            "hq_people": _members([root.pk]),
            "unit_people": {u.pk: _members([u.pk]) for u in units},
        },
    )
    page_read(request, customers)
    return response


def _members(unit_ids: list[int]) -> list[Person]:
    return list(
        Person.objects.filter(is_active=True, memberships__unit_id__in=unit_ids)
        .distinct()
        .order_by("username")
    )


@login_required
@require_POST
def follower_set_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    customer = find(request, Customer.objects.all(), "demand.view", pk=pk)
    if not may_in_unit(actor, "demand.assign", services.top_unit().pk):
        raise PermissionDenied  # before the read is registered
    record_read(request, [read_of(customer)], channel=Channel.PAGE)
    form = f.PersonForm(request.POST, people=Person.objects.filter(is_active=True))
    back = reverse("demands:liaisons")
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose a person.")))
    try:
        services.follower_set(actor=actor, customer=customer, person=form.cleaned_data["person"])
    except ValidationError as error:
        return _refused(request, back, error)
    messages.success(request, _("The HQ follow-up person was named."))
    return redirect(back)


@login_required
@require_POST
def unit_contact_set_page(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    unit = visible_units(actor, "demand.view").filter(pk=pk).first()
    if unit is None:
        raise Http404
    form = f.PersonForm(request.POST, people=Person.objects.filter(is_active=True))
    back = reverse("demands:liaisons")
    if not form.is_valid():
        return _refused(request, back, ValidationError(_("Choose a person.")))
    try:
        services.unit_contact_set(actor=actor, unit=unit, person=form.cleaned_data["person"])
    except ValidationError as error:
        return _refused(request, back, error)
    messages.success(request, _("The unit's contact person was named."))
    return redirect(back)
