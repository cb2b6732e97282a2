"""Pages of the three activity forms: list, fill in from an activity, read, correct, sign, print.

Each page reads through the access module; a copy up the line is read-only (000 §22): its edit
page answers 403 before anything is registered. Saves call one service each; refusals come back
as messages (400), stale versions as 409.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from guanxi.access.models import Channel
from guanxi.access.register import read_of
from guanxi.access.scope import acting_person, may, visible, visible_units
from guanxi.activities.models import Activity
from guanxi.customers.models import Customer
from guanxi.documents.pdf import pdf_response
from guanxi.feedback import policies, selectors, services, signing
from guanxi.feedback.display import sheet
from guanxi.feedback.documents import form_pdf
from guanxi.feedback.layout import TITLES, place
from guanxi.feedback.models import FormKind, FormRecord, SignatureMethod, SignatureRole
from guanxi.improvements import services as improvement_services
from guanxi.paging import keyset_page
from guanxi.params import int_param
from guanxi.uploads import image_response
from guanxi.versioning import StaleVersion
from guanxi.web.archive.views import _attempt, _render
from guanxi.web.feedback.forms import FormRecordForm
from guanxi.web.reads import page_read, record_read

PAGE_SIZE = 25
# url prefix and route name of each kind (GLOSSARY: /visit-records/ …)
ROUTES: dict[str, tuple[str, str]] = {
    FormKind.VISIT: ("visit-records", "visit-record"),
    FormKind.CARE: ("care-records", "care-record"),
    FormKind.SEMINAR: ("seminar-feedback", "seminar-feedback"),
}


def url(kind: str, page: str, *args: Any) -> str:
    return reverse(f"{ROUTES[kind][1]}-{page}", args=args)


def _filters(request: HttpRequest) -> selectors.FormFilters:
    return selectors.FormFilters(
        customer=int_param(request.GET, "customer"),
        unit=int_param(request.GET, "unit"),
        date_from=parse_date(request.GET.get("from", "")[:10] or "")
        if request.GET.get("from")
        else None,
        date_to=parse_date(request.GET.get("to", "")[:10] or "") if request.GET.get("to") else None,
    )


UNIT_CHOICES = 500


def _customer_name(request: HttpRequest, pk: int | None) -> str:
    """The name of the customer the list is narrowed to, when the reader may see it."""
    if pk is None:
        return ""
    customers = visible(request.user, Customer.objects.all(), "customer.view")
    return customers.filter(pk=pk).values_list("name", flat=True).first() or str(pk)


@login_required
def list_page(request: HttpRequest, kind: str) -> HttpResponse:
    if not may(request.user, "feedback.view"):
        raise PermissionDenied
    try:
        filters = _filters(request)
    except ValueError:
        filters = selectors.FormFilters()
    rows = selectors.record_list(actor=request.user, kind=kind, filters=filters)
    page = keyset_page(rows, after=request.GET.get("after"), size=PAGE_SIZE)
    response = render(
        request,
        "feedback/list.html",
        {
            "kind": kind,
            "title": TITLES[kind],
            "route": ROUTES[kind][1],
            "page": page,
            "filters": filters,
            "kinds": [(k, TITLES[k], ROUTES[k][1]) for k in ROUTES],
            "units": visible_units(request.user, "feedback.view")
            .order_by("path")
            .values_list("pk", "name")[:UNIT_CHOICES],
            "customer_name": _customer_name(request, filters.customer),
        },
    )
    page_read(request, page.items, unit_field=selectors.UNIT_FIELD)
    return response


def _activity(request: HttpRequest, kind: str, pk: int) -> Activity:
    actor = acting_person(request.user)
    try:
        activity = visible(
            actor,
            Activity.objects.select_related("unit", "customer", "plan_item"),
            "activity.view",
            "unit",
        ).get(pk=pk)
    except (ObjectDoesNotExist, ValueError) as error:
        raise Http404 from error
    if not policies.owns_unit(actor, activity.unit_id):
        raise PermissionDenied
    return activity


@login_required
def create_page(request: HttpRequest, kind: str, activity: int) -> HttpResponse:
    """Fill in the form of a carried-out activity, prefilled from the activity."""
    actor = acting_person(request.user)
    found = _activity(request, kind, activity)
    existing = FormRecord.objects.filter(activity=found).first()
    if existing is not None:
        return redirect(url(existing.kind, "detail", existing.pk))
    record_read(request, [read_of(found, "unit")], channel=Channel.PAGE)
    form = FormRecordForm(
        request.POST or None,
        kind=kind,
        actor=actor,
        start=services.prefill(found),
        language=request.LANGUAGE_CODE,
    )
    title = f"{TITLES[kind]} · {found.name}"
    back = reverse("activity-detail", args=[found.pk])
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    return _attempt(
        request,
        form,
        lambda: services.record_create(
            actor=actor, kind=kind, activity=found, data=form.data_for_service()
        ),
        title=title,
        back=back,
        done=lambda r: _saved(request, url(kind, "detail", r.pk)),
    )


def _saved(request: HttpRequest, target: str) -> str:
    messages.success(request, _("The form is saved."))
    return target


def _places(actor: Any, record: FormRecord, slots: list[Any]) -> list[dict[str, Any]]:
    """Each place to sign, with whether the reader may sign it now, and why not."""
    owner = policies.may_edit(actor, record) and policies.is_visitor(actor, record)
    signed = {slot.role for slot in slots if slot.signature is not None}
    shown = []
    for slot in slots:
        reason = ""
        if slot.signature is not None:
            reason = _("Signed.")
        elif slot.role == SignatureRole.MANAGER:
            if SignatureRole.VISITOR not in signed:
                reason = _("The visitor signs before the marketing manager.")
            elif not policies.may_sign_as_manager(actor, record):
                reason = _(
                    "Only the marketing manager of the executing unit or the unit above signs here."
                )
        elif not owner:
            reason = _(
                "Only a visitor named on the form, of the executing unit, signs or records here."
            )
        shown.append({"slot": slot, "reason": reason})
    return shown


@login_required
def detail_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    record = selectors.record_get(
        actor=actor, kind=kind, pk=pk, channel=Channel.PAGE, request=request
    )
    signatures = selectors.signatures_of(record)
    shown = sheet(record, signatures, request.LANGUAGE_CODE)
    return render(
        request,
        "feedback/detail.html",
        {
            "record": record,
            "kind": kind,
            "route": ROUTES[kind][1],
            "sheet": shown,
            "places": _places(actor, record, shown.slots),
            "signatures": signatures,
            "our_people": list(record.our_people.all()),
            "key_persons": list(record.key_persons.all()),
            "is_original": policies.may_edit(actor, record),
            # improvement proposals (ACT-7): None hides the button, a sentence disables it
            "improvement_refusal": improvement_services.offer_refusal(actor, record),
            "can_forward": improvement_services.may_forward(actor, record),
        },
    )


def _start(record: FormRecord) -> services.FormData:
    return services.FormData(
        **{name: getattr(record, name) for name in services.SCALARS},
        key_persons=list(record.key_persons.all()),
        our_people=list(record.our_people.all()),
    )


@login_required
def edit_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    actor = acting_person(request.user)
    record = selectors.record_get(
        actor=actor, kind=kind, pk=pk, channel=Channel.PAGE, request=request, for_change=True
    )
    form = FormRecordForm(
        request.POST or None,
        kind=kind,
        actor=actor,
        start=_start(record),
        language=request.LANGUAGE_CODE,
        initial={"version": record.version},
    )
    title = _("Correct %(form)s") % {"form": TITLES[kind]}
    back = url(kind, "detail", pk)
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    version = form.cleaned_data.get("version") or 0
    return _attempt(
        request,
        form,
        lambda: services.record_update(
            actor=actor, record=record, version=version, data=form.data_for_service()
        ),
        title=title,
        back=back,
        done=lambda r: _saved(request, back),
    )


def _sign_data(request: HttpRequest, role: str) -> signing.SignData:
    post = request.POST
    return signing.SignData(
        role=role,
        opinion=post.get("opinion", "")[:5000],
        method=post.get("method", SignatureMethod.ACCOUNT)[:16],
        drawing=post.get("drawing", "")[:1_000_000],
        signer_name=post.get("signer_name", "")[:100],
    )


@login_required
def sign_page(request: HttpRequest, kind: str, pk: int, role: str) -> HttpResponse:
    """Confirm and sign one place; the customer's confirmation is drawn or given on paper."""
    actor = acting_person(request.user)
    record = selectors.record_find(actor=actor, kind=kind, pk=pk)
    spot = place(kind, role)
    if spot is None:
        raise Http404
    back = url(kind, "detail", pk)
    status, errors = 200, []
    if request.method == "POST":
        try:
            signing.record_sign(
                actor=actor,
                record=record,
                version=int_param(request.POST, "version") or 0,
                data=_sign_data(request, role),
            )
        except StaleVersion as stale:
            status, errors = 409, [str(stale)]
        except ValidationError as error:
            status, errors = 400, error.messages
        else:
            messages.success(request, _("Signed."))
            return redirect(back)
    selectors.register(actor=actor, record=record, channel=Channel.PAGE, request=request)
    return render(
        request,
        "feedback/sign.html",
        {
            "record": record,
            "title": TITLES[kind],
            "place": spot,
            "back": back,
            "errors": errors,
            "customer": role == SignatureRole.CUSTOMER,
            "opinion": getattr(record, spot.opinion_field) if spot.opinion_field else "",
        },
        status=status,
    )


@login_required
def pdf_page(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """The form on paper (ACT-5): watermarked, registered once it is made."""
    actor = acting_person(request.user)
    record = selectors.record_find(actor=actor, kind=kind, pk=pk)
    data = form_pdf(record, reader=actor)
    record_read(request, [read_of(record, selectors.UNIT_FIELD)], channel=Channel.DOCUMENT)
    return pdf_response(data, f"{ROUTES[kind][1]}-{record.pk}.pdf")


@login_required
def signature_image(request: HttpRequest, kind: str, pk: int, signature: int) -> HttpResponse:
    """A drawn signature, shown inline as a PNG; a read of its form."""
    actor = acting_person(request.user)
    record = selectors.record_find(actor=actor, kind=kind, pk=pk)
    found = record.signatures.exclude(image="").filter(pk=signature).first()
    if found is None:
        raise Http404
    try:
        with found.image.open("rb") as file:
            data = file.read()
        response = image_response(data, kind="png")
    except (OSError, ValueError) as error:
        raise Http404 from error
    record_read(request, [read_of(record, selectors.UNIT_FIELD)], channel=Channel.PAGE)
    return response
