"""Map domain refusals to clear 4xx answers; nothing a client sends should produce a 500."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from guanxi.access.register import ReadNotRegistered
from guanxi.customers.services import SimilarName
from guanxi.params import BadNumber
from guanxi.versioning import StaleVersion


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, SimilarName):  # only what the requester may see (CUS-9)
        body: dict[str, Any] = dict(exc.message_dict)
        body["similar"] = [
            {"id": c.id, "name": c.name, "url": reverse("customer-detail", args=[c.id])}
            for c in exc.similar
        ]
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, BadNumber):  # a filter, cursor or page size that is not a number
        return Response({exc.name: [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, StaleVersion):
        return Response(
            {"detail": str(exc), "your_version": exc.expected, "current_version": exc.actual},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ReadNotRegistered):
        return Response(
            {"detail": str(ReadNotRegistered.message)}, status=status.HTTP_503_SERVICE_UNAVAILABLE
        )
    if isinstance(exc, PermissionDenied) and not exc.args:
        exc = PermissionDenied(_("Your role does not allow this."))
    return drf_exception_handler(exc, context)
