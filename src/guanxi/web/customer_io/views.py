"""Pages for Excel import and export of customer units (CUS-11). Thin: guanxi.customers.excel
decides; these pages upload, show the per-row report, confirm and hand out files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.access.exports import ExportNotConfirmed, confirmed_from
from guanxi.access.register import ReadNotRegistered, client_address
from guanxi.access.scope import acting_person, may
from guanxi.customers import excel
from guanxi.customers.models_import import CustomerImport
from guanxi.customers.selectors import CustomerFilters, customer_filters_from
from guanxi.policy.loader import current as current_policy


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    """A workbook as a download, never shown inline."""
    response = HttpResponse(data, content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def read_upload(upload: UploadedFile) -> bytes:
    """At most one byte more than the limit, so an oversized file is refused, not loaded."""
    data: bytes = upload.read(excel.max_bytes() + 1)
    return data


def filters_from(params: QueryDict) -> CustomerFilters:
    """The customer list's own filters, so an export is exactly what the list shows."""
    return customer_filters_from(params)


def _require_import(request: HttpRequest) -> None:
    if not may(request.user, "customer.create"):
        raise PermissionDenied(_("You may not import customer units."))


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    return xlsx_response(
        excel.template_workbook(request.LANGUAGE_CODE), "customer-import-template.xlsx"
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    if request.method == "GET":
        return render(request, "customers/import.html", {"max_mb": _max_mb()})
    file = request.FILES.get("file")
    if file is None:
        problems = [_("Choose an Excel workbook (.xlsx) to upload.")]
        return render(
            request,
            "customers/import.html",
            {"problems": problems, "max_mb": _max_mb()},
            status=400,
        )
    report, upload = excel.import_upload(
        actor=acting_person(request.user), data=read_upload(file), filename=file.name or ""
    )
    if upload is None:
        context = {"problems": report.file_problems, "max_mb": _max_mb()}
        return render(request, "customers/import.html", context, status=400)
    return redirect("customer-import-report", pk=upload.pk)


def _max_mb() -> float:
    return round(excel.max_bytes() / 1024 / 1024, 1)


def _own_upload(request: HttpRequest, pk: int) -> CustomerImport:
    try:
        return excel.import_get(actor=acting_person(request.user), pk=pk)
    except CustomerImport.DoesNotExist as error:
        raise Http404 from error


@login_required
@require_http_methods(["GET", "POST"])
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the report of the check. POST: confirm; the same bytes are checked again."""
    _require_import(request)
    upload = _own_upload(request, pk)
    if request.method == "POST":
        report = excel.apply_import(actor=acting_person(request.user), upload=upload)
        return render(
            request,
            "customers/import_applied.html",
            {"upload": upload, "report": report.as_json()},
        )
    return render(
        request, "customers/import_report.html", {"upload": upload, "report": upload.report}
    )


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    """The customer list, with its filters, as a watermarked workbook (DOC-5).

    GET exports at once when few records leave; past the policy's number it answers with a page
    that says how many and asks to confirm. Only the confirming POST (CSRF-checked, carrying the
    number confirmed) exports more, so a forged link cannot."""
    actor = acting_person(request.user)
    if not may(actor, "customer.export"):
        raise PermissionDenied(_("You may not export customer units."))
    filters = filters_from(request.GET)
    confirmed = confirmed_from(request.POST) if request.method == "POST" else None
    try:
        data = excel.export_workbook(
            actor=actor,
            filters=filters,
            language=request.LANGUAGE_CODE,
            address=client_address(request),
            confirmed=confirmed,
            query=request.GET,
        )
    except ExportNotConfirmed as refusal:
        return export_confirm_page(request, refusal, back=reverse("customer-list"))
    except ReadNotRegistered:
        message = ReadNotRegistered.message
        return render(request, "web/unavailable.html", {"message": message}, status=503)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(data, f"customers-{stamp}.xlsx")


def export_confirm_page(
    request: HttpRequest, refusal: ExportNotConfirmed, back: str
) -> HttpResponse:
    """The confirm step of a large export: how many records leave, and a form that confirms
    that number (works without JavaScript). A POST that did not confirm enough is a 400."""
    query = request.GET.urlencode()
    context = {
        "count": refusal.count,
        "limit": refusal.limit,
        "action": f"{request.path}?{query}" if query else request.path,
        "back": f"{back}?{query}" if query else back,
        "refused": request.method == "POST",
        "clause": current_policy().exports.clause,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "web/export_confirm.html", context, status=status)
