"""The read register 查阅登记 page and its Excel export. Thin: guanxi.access.selectors finds and
names the entries, guanxi.access.log_export writes and registers the workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.access.exports import ExportNotConfirmed, confirm_above, confirmed_from
from guanxi.access.log_export import log_workbook
from guanxi.access.register import ReadNotRegistered, client_address
from guanxi.access.scope import acting_person, may, scope_of
from guanxi.access.selectors import PERMISSION, describe, log_page, query_words
from guanxi.web.access.forms import LogFilterForm
from guanxi.web.customer_io.views import export_confirm_page, xlsx_response


def _require(request: HttpRequest) -> None:
    if not may(request.user, PERMISSION):
        raise PermissionDenied(_("You may not see the read register."))


@login_required
@require_GET
def access_log_page(request: HttpRequest) -> HttpResponse:
    """The register, newest first, filtered; a list read is one row, expandable to its
    records. Keyset pages; a constant number of queries per page."""
    _require(request)
    form = LogFilterForm(request.GET or None)
    filters = form.filters()
    page = log_page(actor=request.user, filters=filters, after=request.GET.get("after"))
    rows = describe(page.items, actor=request.user)
    query = urlencode(filters.params())
    return render(
        request,
        "access/log.html",
        {
            "form": form,
            "page": page,
            "rows": [(row, query_words(row.query)) for row in rows],
            "query": query,
            "export_url": reverse("access-log-export") + (f"?{query}" if query else ""),
            "confirm_above": confirm_above(),
            "sees_all": scope_of(request.user).unit_ids(PERMISSION) is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def access_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered register as a workbook; above the policy's number, a confirm page first
    (only the CSRF-checked POST carrying the number exports more)."""
    actor = acting_person(request.user)
    _require(request)
    form = LogFilterForm(request.GET or None)
    filters = form.filters()
    confirmed = confirmed_from(request.POST) if request.method == "POST" else None
    try:
        data = log_workbook(
            actor=actor, filters=filters, confirmed=confirmed, address=client_address(request)
        )
    except ExportNotConfirmed as refusal:
        return export_confirm_page(request, refusal, back=reverse("access-log"))
    except ReadNotRegistered:
        message = ReadNotRegistered.message
        return render(request, "web/unavailable.html", {"message": message}, status=503)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(data, f"read-register-{stamp}.xlsx")
