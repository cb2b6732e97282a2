"""REST endpoints of the three activity forms (ACT-1..3, ACT-5): list, read, fill in from an
activity, correct with the version, sign, and the printed PDF.

Thin: each write calls one service. A copy up the line answers 403 to a change before anything
is registered; a refused signature registers nothing; the PDF is registered once it is made.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from guanxi.access.models import Channel
from guanxi.access.scope import acting_person
from guanxi.api.feedback import serializers as s
from guanxi.api.views import CHANGES, ScopedViewSet
from guanxi.documents.pdf import pdf_response
from guanxi.feedback import selectors, services, signing
from guanxi.feedback.documents import form_pdf
from guanxi.feedback.models import CareRecord, FormKind, FormRecord, SeminarFeedback, VisitRecord
from guanxi.organisation.models import Person
from guanxi.params import int_param

FORM_FIELDS = [f.name for f in dataclass_fields(services.FormData)]


def form_data(record: FormRecord | None, activity: Any, attrs: dict[str, Any]) -> services.FormData:
    """The form as it stands (or prefilled from its activity), with the fields sent applied."""
    if record is None:
        data = services.prefill(activity)
    else:
        values = {name: getattr(record, name) for name in services.SCALARS}
        data = services.FormData(
            **values,
            key_persons=list(record.key_persons.all()),
            our_people=list(record.our_people.all()),
        )
    for name in FORM_FIELDS:
        if name in attrs:
            value = attrs[name]
            if name == "opinions":
                value = [dict(o) for o in value]
            setattr(data, name, list(value) if name in ("key_persons", "our_people") else value)
    return data


class FormViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    kind: ClassVar[str]
    route: ClassVar[str]
    view_permission = "feedback.view"
    change_permission = "feedback.change"
    unit_field = "unit"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return s.SignSerializer if self.action == "sign" else s.FormRecordSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "route": self.route}

    def base_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.select_related("unit", "customer").prefetch_related(
            "signatures", "key_persons", "our_people"
        )

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        params = self.request.query_params
        filters = selectors.FormFilters(
            customer=int_param(params, "customer", strict=True),
            unit=int_param(params, "unit", strict=True),
        )
        rows = selectors.record_list(actor=self.request.user, kind=self.kind, filters=filters)
        return rows.prefetch_related("signatures", "key_persons", "our_people")

    def get_object(self) -> Any:
        """One form; a change of a copy is refused (403) before its read is registered."""
        record = selectors.record_find(
            actor=self.request.user,
            kind=self.kind,
            pk=self.kwargs["pk"],
            for_change=self.request.method in CHANGES,
        )
        selectors.register(
            actor=self.request.user, record=record, channel=Channel.API, request=self.request
        )
        return record

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", int, description="Customer unit id"),
            OpenApiParameter("unit", int, description="Executing unit id"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        attrs = dict(serializer.validated_data)
        activity = attrs.pop("activity")
        serializer.instance = services.record_create(
            actor=acting_person(self.request.user),
            kind=self.kind,
            activity=activity,
            data=form_data(None, activity, attrs),
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        attrs = dict(serializer.validated_data)
        record = serializer.instance
        assert record is not None  # noqa: S101 - an update always has its instance
        serializer.instance = services.record_update(
            actor=acting_person(self.request.user),
            record=record,
            version=attrs.pop("version"),
            data=form_data(record, None, attrs),
        )

    @extend_schema(request=s.SignSerializer, responses=s.FormRecordSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        """Sign one place of the form as oneself; refusals change and register nothing."""
        body = s.SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attrs = dict(body.validated_data)
        actor = acting_person(request.user)
        record = selectors.record_find(actor=actor, kind=self.kind, pk=pk)
        signer = attrs.pop("signer", None)
        signing.record_sign(
            actor=actor,
            record=record,
            version=attrs.pop("version"),
            data=signing.SignData(**attrs, signer=None if signer is None else Person(pk=signer)),
        )
        fresh = selectors.record_get(
            actor=actor, kind=self.kind, pk=pk, channel=Channel.API, request=request
        )
        return Response(s.FormRecordSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str) -> HttpResponse:
        """The form printed as on paper (000 附表), watermarked, its read registered."""
        actor = acting_person(request.user)
        record = selectors.record_find(actor=actor, kind=self.kind, pk=pk)
        data = form_pdf(record, reader=actor)
        selectors.register(actor=actor, record=record, channel=Channel.DOCUMENT, request=request)
        return pdf_response(data, f"{self.route}-{record.pk}.pdf")


class VisitRecordViewSet(FormViewSet):
    """Service visit records 服务回访记录表 (000 附表一) of the reader's line."""

    model = VisitRecord
    kind = FormKind.VISIT
    route = "visit-record"


class CareRecordViewSet(FormViewSet):
    """Care records 客户关怀记录表 (000 附表二) of the reader's line."""

    model = CareRecord
    kind = FormKind.CARE
    route = "care-record"


class SeminarFeedbackViewSet(FormViewSet):
    """Seminar feedback 研讨会意见反馈表 (000 附表三) of the reader's line."""

    model = SeminarFeedback
    kind = FormKind.SEMINAR
    route = "seminar-feedback"
