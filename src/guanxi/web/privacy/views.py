"""Pages of personal-data requests (PRV-1): record a request from a contact's page, list them
with their status, and carry one out — "see" hands out the person's data (a registered,
watermarked workbook or printable page), "correct" leads to the contact form, "delete" erases
the personal fields and their history. Thin: guanxi.customers.privacy reads, archive writes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guanxi.access.models import Channel
from guanxi.access.register import ReadNotRegistered
from guanxi.access.scope import acting_person, may
from guanxi.customers import archive, privacy
from guanxi.customers.excel import watermark
from guanxi.customers.models import Contact, PersonalDataRequest, RequestKind
from guanxi.customers.selectors import contact_get
from guanxi.paging import keyset_page
from guanxi.web.archive.views import _attempt, _render
from guanxi.web.customer_io.views import xlsx_response
from guanxi.web.market.forms import CompleteForm, PersonalRequestForm
from guanxi.web.market.views import cursor
from guanxi.web.reads import find, page_read, read_of, record_read

PAGE_SIZE = 25
UNIT_FIELD = "customer__owning_unit"


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(
        request, "web/unavailable.html", {"message": ReadNotRegistered.message}, status=503
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a contact's request about their personal data (who, when, how verified)."""
    actor = acting_person(request.user)
    try:
        contact = contact_get(
            actor=actor, pk=pk, channel=Channel.PAGE, request=request, require="customer.change"
        )
    except ReadNotRegistered:
        return _unavailable(request)
    form = PersonalRequestForm(request.POST or None, initial={"requested_by": contact.name})
    title = _("Personal data request of %(name)s") % {"name": contact.name}
    back = reverse("contact-detail", args=[pk])
    if request.method != "POST" or not form.is_valid():
        return _render(request, form, title=title, back=back, status=400 if form.errors else 200)
    return _attempt(
        request,
        form,
        lambda: archive.personal_request_record(actor=actor, contact=contact, **form.cleaned_data),
        title=title,
        back=back,
        done=lambda r: reverse("personal-request-detail", args=[r.pk]),
    )


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    if not may(request.user, "customer.view"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    status = status if status in {privacy.OPEN, privacy.DONE} else ""
    page = keyset_page(
        privacy.request_list(actor=request.user, status=status),
        after=cursor(request),
        size=PAGE_SIZE,
    )
    response = render(request, "privacy/list.html", {"page": page, "status": status})
    page_read(request, page.items, unit_field=privacy.UNIT_FIELD)
    return response


def _get(request: HttpRequest, pk: int) -> PersonalDataRequest:
    return privacy.request_get(actor=request.user, pk=pk, channel=Channel.PAGE, request=request)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        data_request = _get(request, pk)
    except ReadNotRegistered:
        return _unavailable(request)
    return _detail(request, data_request, CompleteForm(), status=200)


def _detail(
    request: HttpRequest, data_request: PersonalDataRequest, form: CompleteForm, *, status: int
) -> HttpResponse:
    contact = data_request.contact
    context = {
        "data_request": data_request,
        "contact": contact,
        "form": form,
        "can_handle": privacy.may_handle(request.user, data_request),
        "can_correct": may(request.user, "customer.change", contact, unit_field=UNIT_FIELD)
        and contact.erased_at is None,
    }
    return render(request, "privacy/detail.html", context, status=status)


@login_required
@require_POST
def request_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Carry the request out; for a deletion this erases the person's personal fields."""
    actor = acting_person(request.user)
    try:
        data_request = _get(request, pk)
    except ReadNotRegistered:
        return _unavailable(request)
    if not privacy.may_handle(actor, data_request):
        raise PermissionDenied(_("You may not carry out personal data requests here."))
    form = CompleteForm(request.POST)
    if not form.is_valid():
        return _detail(request, data_request, form, status=400)
    try:
        archive.personal_request_complete(
            actor=actor, request=data_request, outcome=form.cleaned_data["outcome"]
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _detail(request, data_request, form, status=409)
    return redirect("personal-request-detail", pk=pk)


def _personal_data(request: HttpRequest, pk: int, channel: Channel) -> tuple[Contact, str]:
    """The contact whose data a "see" request hands out. The request is found without
    registering it, so that a refusal (not a "see" request, not a handler) leaves no entry;
    then the request and the contact are registered, before anything is shown."""
    actor = acting_person(request.user)
    data_request = find(
        request,
        privacy.request_queryset(),
        privacy.PERMISSION,
        unit_field=privacy.UNIT_FIELD,
        pk=pk,
    )
    if data_request.kind != RequestKind.SEE:
        raise PermissionDenied(_("Only a request to see one's data hands the data out."))
    privacy.require_handle(actor, data_request)
    record_read(request, [read_of(data_request, privacy.UNIT_FIELD)], channel=channel)
    contact = privacy.personal_data_read(
        actor=actor, data_request=data_request, channel=channel, request=request
    )
    return contact, watermark(actor, timezone.now())


@login_required
@require_GET
def personal_data_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's data as a watermarked workbook, the read registered (channel export)."""
    try:
        contact, _mark = _personal_data(request, pk, Channel.EXPORT)
    except ReadNotRegistered:
        return _unavailable(request)
    data = privacy.personal_data_workbook(
        actor=acting_person(request.user), contact=contact, language=request.LANGUAGE_CODE
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(data, f"personal-data-{contact.pk}-{stamp}.xlsx")


@login_required
@require_GET
def personal_data_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's data as a printable, watermarked page, the read registered (document)."""
    try:
        contact, mark = _personal_data(request, pk, Channel.DOCUMENT)
    except ReadNotRegistered:
        return _unavailable(request)
    fields = privacy.personal_fields(contact, language=request.LANGUAGE_CODE)
    response = render(
        request,
        "privacy/print.html",
        {"contact": contact, "fields": fields, "watermark": mark, "request_pk": pk},
    )
    response["Cache-Control"] = "no-store"
    return response
