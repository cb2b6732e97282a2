"""The information administrator's quarterly archive review (CUS-13; 003 §12.5, §13.4).

Thin: guanxi.customers.review scores, summarises and writes the report; these pages read the
filters and hand out the file. Anyone with `customer.view` sees their own line; the report
needs `customer.export`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guanxi.access.exports import ExportNotConfirmed, confirmed_from
from guanxi.access.register import ReadNotRegistered, client_address
from guanxi.access.scope import User, acting_person, may, visible_units
from guanxi.customers import review
from guanxi.customers.models import Customer
from guanxi.organisation.models import Unit
from guanxi.params import int_param
from guanxi.policy.loader import current as current_policy
from guanxi.web.customer_io.views import export_confirm_page, xlsx_response
from guanxi.web.reads import page_read

PAGE_SIZE = 50


@dataclass(frozen=True)
class ReviewFilters:
    unit_id: int | None = None
    unit: Unit | None = None  # None with a unit_id: not a unit of the reader's line
    manager: int | None = None
    only_incomplete: bool = False

    @property
    def outside(self) -> bool:
        return self.unit_id is not None and self.unit is None

    def query(self) -> str:
        parts = {
            "unit": "" if self.unit_id is None else str(self.unit_id),
            "manager": "" if self.manager is None else str(self.manager),
            "incomplete": "1" if self.only_incomplete else "",
        }
        query = QueryDict(mutable=True)
        query.update({key: value for key, value in parts.items() if value})
        return query.urlencode()


def review_filters(params: QueryDict, actor: User, *, strict: bool = False) -> ReviewFilters:
    """The filters of the page, the report and the API (`strict`: a malformed id is a 400);
    a unit outside the line matches none."""
    unit_id = int_param(params, "unit", strict=strict)
    unit = None
    if unit_id is not None:
        unit = visible_units(actor, "customer.view").filter(pk=unit_id).first()
    return ReviewFilters(
        unit_id=unit_id,
        unit=unit,
        manager=int_param(params, "manager", low=review.NO_MANAGER, strict=strict),
        only_incomplete=params.get("incomplete", "") in {"1", "true", "on"},
    )


def filtered_rows(actor: User, filters: ReviewFilters) -> QuerySet[Customer]:
    rows = review.review_rows(
        actor=actor,
        unit=filters.unit,
        manager=filters.manager,
        only_incomplete=filters.only_incomplete,
    )
    return rows.none() if filters.outside else rows


@login_required
@require_GET
def archive_review(request: HttpRequest) -> HttpResponse:
    actor = acting_person(request.user)
    if not may(actor, "customer.view"):
        raise PermissionDenied
    filters = review_filters(request.GET, actor)
    page = review.review_page(
        filtered_rows(actor, filters), after=request.GET.get("after"), size=PAGE_SIZE
    )
    policy = current_policy()
    context = {
        "page": page,
        "filters": filters,
        "query": filters.query(),
        "managers": review.manager_summary(actor=actor),
        "no_manager": review.NO_MANAGER,
        "units": list(visible_units(actor, "customer.view").order_by("path")[:500]),
        "period": review.current_period().label(request.LANGUAGE_CODE),
        "rule": policy.review,
        "required": [review.item_label(name) for name in policy.review.required],
        "can_export": may(actor, "customer.export"),
    }
    response = render(request, "customers/review.html", context)
    page_read(request, [row.customer for row in page.rows])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def archive_review_report(request: HttpRequest) -> HttpResponse:
    """The quarterly improvement-suggestion report (003 §13.4) as a watermarked workbook; a
    large one is made only after the confirm step (see customer_io_views.export)."""
    actor = acting_person(request.user)
    if not may(actor, "customer.export"):
        raise PermissionDenied(_("You may not export customer units."))
    filters = review_filters(request.GET, actor)
    if filters.outside:  # never widen a filter the reader may not use to "everything"
        raise Http404
    try:
        data = review.review_workbook(
            actor=actor,
            language=request.LANGUAGE_CODE,
            address=client_address(request),
            unit=filters.unit,
            manager=filters.manager,
            only_incomplete=filters.only_incomplete,
            confirmed=confirmed_from(request.POST) if request.method == "POST" else None,
        )
    except ExportNotConfirmed as refusal:
        return export_confirm_page(request, refusal, back=reverse("archive-review"))
    except ReadNotRegistered:
        message = ReadNotRegistered.message
        return render(request, "web/unavailable.html", {"message": message}, status=503)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(data, f"archive-review-{stamp}.xlsx")
