"""API of the relationship risk warnings 客户关系危机预警 (DEM-5): the at-risk list, highest
score first in keyset pages, and one customer's signal (`/risk-signals/{customer id}/`).
Read only: signals are computed by the periodic refresh (`guanxi risk refresh`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from guanxi.access.models import Channel
from guanxi.access.scope import fetch
from guanxi.api.pagination import SortKeyPagination
from guanxi.api.risk import serializers as s
from guanxi.api.views import ScopedViewSet
from guanxi.paging import KeysetPage
from guanxi.params import int_param
from guanxi.policy.schema import WARNING_PARTS
from guanxi.risk import selectors as sel
from guanxi.risk.models import RiskSignal


def _filters(request: Request) -> sel.RiskFilters:
    params = request.query_params
    return sel.RiskFilters(
        unit=int_param(params, "unit", strict=True),
        tier=params.get("tier", "")[:32],
        part=params.get("part", "")[:32],
    )


class RiskPagination(SortKeyPagination):
    """Keyset pages highest score first; `cursor` holds the score and the id."""

    def cut(self, queryset: QuerySet[Any, Any], request: Request, size: int) -> KeysetPage[Any]:
        return sel.signal_page(
            queryset,
            after=request.query_params.get("cursor"),
            size=size,
            unit_ids=sel.units_of_list(request.user, _filters(request)),
        )


class RiskSignalViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Customers of the reader's line at risk, each part explained (001)."""

    model = RiskSignal
    view_permission = sel.PERMISSION
    unit_field = sel.UNIT_FIELD
    serializer_class = s.RiskSignalSerializer
    pagination_class = RiskPagination

    def base_queryset(self) -> QuerySet[RiskSignal]:
        return RiskSignal.objects.select_related("customer")

    def get_queryset(self) -> QuerySet[RiskSignal]:
        if getattr(self, "swagger_fake_view", False):
            return RiskSignal.objects.none()
        return sel.signal_list(actor=self.request.user, filters=_filters(self.request))

    def get_object(self) -> RiskSignal:
        """One customer's signal, by the customer's id; its read registered."""
        return fetch(
            self.request.user,
            self.base_queryset(),
            self.view_permission,
            channel=Channel.API,
            request=self.request,
            unit_field=self.unit_field,
            customer_id=self.kwargs["pk"],
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["contact_names"] = getattr(self, "_names", {})
        return context

    def paginate_queryset(self, queryset: QuerySet[Any]) -> list[Any] | None:
        page = super().paginate_queryset(queryset)
        self._names = sel.contact_names(page or [])
        return page

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="A unit id; its subtree is included"),
            OpenApiParameter("tier", str, description="Tier key from the policy"),
            OpenApiParameter("part", str, enum=list(WARNING_PARTS)),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The customer's id"
            )
        ]
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        signal = self.get_object()
        self._names = sel.contact_names([signal])
        return Response(self.get_serializer(signal).data)
