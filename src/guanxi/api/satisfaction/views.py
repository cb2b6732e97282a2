"""`/api/v1/satisfaction/`: the satisfaction analytics (ACT-6) with the page's filters.

One answer, not a list: its size is bounded by the periods, dimensions and units compared,
whatever the number of forms, so it is not paginated. Counted through the access module and
registered as the page is (`guanxi.satisfaction.selectors.register`); a refused request (bad
filter 400, no permission 403) registers nothing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.access.models import Channel
from guanxi.access.scope import acting_person, may
from guanxi.api.satisfaction.serializers import SatisfactionSerializer, satisfaction_data
from guanxi.satisfaction import selectors
from guanxi.satisfaction.filters import PARAMETERS, filters_from


class SatisfactionView(APIView):
    """Satisfaction 客户满意程度 of the rated forms of the reader's line: per dimension (the
    overall satisfaction and the six of 000 附表一) the average score, the forms behind it and
    the share of each rating; the trend per period; the units right below the chosen unit (by
    default the reader's highest) side by side."""

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int, description="A unit of one's line: it and those below"),
            OpenApiParameter("customer", int, description="Customer unit id"),
            OpenApiParameter("kind", str, enum=["visit", "care"], description="Form kind"),
            OpenApiParameter("from", str, description="First day, YYYY-MM-DD"),
            OpenApiParameter("to", str, description="Last day, YYYY-MM-DD"),
            OpenApiParameter(
                "period", str, enum=list(selectors.PERIODS), description="Trend buckets"
            ),
        ],
        responses=SatisfactionSerializer,
    )
    def get(self, request: Request) -> Response:
        actor = acting_person(request.user)
        if not may(actor, selectors.PERMISSION):
            raise PermissionDenied
        params = request.query_params
        filters = filters_from(params, actor=actor, default_dates=False)
        result = selectors.satisfaction_summary(actor=actor, filters=filters)
        body = SatisfactionSerializer(satisfaction_data(result, get_language() or "zh-hans")).data
        selectors.register(
            actor=actor,
            result=result,
            channel=Channel.API,
            request=request._request,
            query={name: params[name] for name in PARAMETERS if params.get(name)},
        )
        return Response(body)
