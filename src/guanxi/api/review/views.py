"""The quarterly archive review over the API (CUS-13). The same functions as the pages:
guanxi.customers.review scores, summarises, writes the report and registers its reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from guanxi.access.exports import ExportNotConfirmed, confirmed_from
from guanxi.access.register import client_address
from guanxi.access.scope import acting_person, may
from guanxi.api.exports import CONFIRM, NOT_CONFIRMED, not_confirmed
from guanxi.api.listreads import RegistersListReads
from guanxi.customers import review
from guanxi.customers.models import Customer
from guanxi.params import int_param
from guanxi.web.customer_io.views import xlsx_response
from guanxi.web.review.views import filtered_rows, review_filters

XLSX = OpenApiResponse(OpenApiTypes.BINARY, description="An Excel workbook (.xlsx) attachment")
FILTERS = [
    OpenApiParameter("unit", int, description="An owning unit of your line, with its subtree"),
    OpenApiParameter(
        "manager", int, description=f"A customer manager's id; {review.NO_MANAGER}: no manager"
    ),
    OpenApiParameter("incomplete", bool, description="Only archives missing a required item"),
]


class ReviewMissingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class ReviewRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(source="customer.id")
    name = serializers.CharField(source="customer.name")
    owning_unit = serializers.IntegerField(source="customer.owning_unit_id")
    owning_unit_name = serializers.CharField(source="customer.owning_unit.name")
    manager = serializers.IntegerField(source="customer.manager_id", allow_null=True)
    score = serializers.IntegerField(source="completeness.score", help_text="0–100")
    missing = serializers.SerializerMethodField()
    days_since_update = serializers.IntegerField(source="completeness.days_since_update")
    stale = serializers.BooleanField(source="completeness.stale")

    @extend_schema_field(ReviewMissingSerializer(many=True))
    def get_missing(self, row: review.ReviewRow) -> list[dict[str, str]]:
        return [{"field": item, "label": label} for item, label in row.completeness.missing]


class ReviewManagerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    manager = serializers.IntegerField(source="manager_id", allow_null=True)
    name = serializers.CharField()
    customers = serializers.IntegerField()
    average_score = serializers.FloatField()
    incomplete = serializers.IntegerField()
    stale = serializers.IntegerField()


class ReviewPagination(BasePagination):
    """Keyset pages in DRF's format: `?after=<score>.<id>` from the previous page's `next`."""

    page_size = 50

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any] | None:
        size = int_param(request.query_params, "page_size", strict=True)
        self.request = request
        self.page = review.review_page(
            queryset,
            after=request.query_params.get("after"),
            size=self.page_size if size is None else size,
        )
        return self.page.rows

    def get_paginated_response(self, data: Any) -> Response:
        after = self.page.next_after
        url = self.request.build_absolute_uri()
        following = replace_query_param(url, "after", after) if after else None
        return Response({"next": following, "previous": None, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        nullable_uri = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": nullable_uri, "previous": nullable_uri, "results": schema},
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "after",
                "required": False,
                "in": "query",
                "description": "The cursor from the previous page's `next`",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": f"Rows per page, at most {review.MAX_PAGE}",
                "schema": {"type": "integer"},
            },
        ]


def _require_view(request: Request) -> None:
    if not may(request.user, "customer.view"):
        raise PermissionDenied(_("You may not see customer units."))


class ReviewCustomersView(RegistersListReads, generics.ListAPIView):  # type: ignore[type-arg]
    """Customer archives of your line scored for completeness, least complete first; the page's
    customers are registered as one list read."""

    pagination_class = ReviewPagination
    serializer_class = ReviewRowSerializer

    def listed_records(self, page: Sequence[Any]) -> list[Model]:
        return [row.customer for row in page]

    def get_queryset(self) -> QuerySet[Customer]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no reader, no rows
            return Customer.objects.none()
        _require_view(self.request)
        actor = acting_person(self.request.user)
        return filtered_rows(actor, review_filters(self.request.query_params, actor, strict=True))

    @extend_schema(parameters=FILTERS, operation_id="review_customers")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ReviewManagersView(APIView):
    """Per customer manager: customers, average completeness, incomplete and stale archives.
    Counts per manager (our staff), no customer record: no list read is registered."""

    pagination_class = None

    @extend_schema(responses=ReviewManagerSerializer(many=True), operation_id="review_managers")
    def get(self, request: Request) -> Response:
        _require_view(request)
        summary = review.manager_summary(actor=acting_person(request.user))
        return Response(ReviewManagerSerializer(summary, many=True).data)


class ReviewReportView(APIView):
    """The information administrator's improvement report (003 §13.4) as a watermarked
    workbook; needs customer.export and registers a read of every customer row."""

    @extend_schema(
        parameters=[*FILTERS, CONFIRM],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): XLSX,
            409: NOT_CONFIRMED,
        },
        operation_id="review_report",
    )
    def get(self, request: Request) -> HttpResponse:
        actor = acting_person(request.user)
        if not may(actor, "customer.export"):
            raise PermissionDenied(_("You may not export customer units."))
        filters = review_filters(request.query_params, actor, strict=True)
        if filters.outside:
            raise Http404
        try:
            data = review.review_workbook(
                actor=actor,
                language=getattr(request, "LANGUAGE_CODE", None),
                address=client_address(request._request),
                unit=filters.unit,
                manager=filters.manager,
                only_incomplete=filters.only_incomplete,
                confirmed=confirmed_from(request.query_params, strict=True),
            )
        except ExportNotConfirmed as refusal:
            return not_confirmed(refusal)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(data, f"archive-review-{stamp}.xlsx")
