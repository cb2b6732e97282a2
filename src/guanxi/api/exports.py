"""The API side of the confirm step of large exports (DOC-5; guanxi.access.exports): a client
repeats the request with `confirm` set to the number of records the refusal named."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from guanxi.access.exports import CONFIRM_PARAM, ExportNotConfirmed

CONFIRM = OpenApiParameter(
    CONFIRM_PARAM,
    OpenApiTypes.INT,
    description=(
        "The number of records you confirm will leave. Needed when an export carries more "
        "records than the policy's [exports] confirm_above; without it the answer is 409 "
        "with the count."
    ),
)
NOT_CONFIRMED = OpenApiResponse(
    inline_serializer(
        "ExportNotConfirmed",
        {
            "detail": serializers.CharField(),
            "count": serializers.IntegerField(),
            "confirm_above": serializers.IntegerField(),
        },
    ),
    description="More records than the policy allows unconfirmed: repeat with confirm=count.",
)


def not_confirmed(refusal: ExportNotConfirmed) -> Response:
    body = {"detail": refusal.message, "count": refusal.count, "confirm_above": refusal.limit}
    return Response(body, status=status.HTTP_409_CONFLICT)
