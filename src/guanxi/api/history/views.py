"""Read-only API of the change history: `GET /api/v1/history/?customer=<id>` or
`?table=<db table>&record=<id>`, newest first, scoped and registered like the page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from guanxi.access.models import Channel
from guanxi.access.scope import acting_person
from guanxi.api.archive.serializers import reader
from guanxi.api.listreads import RegistersListReads
from guanxi.api.pagination import KeysetPagination
from guanxi.history.display import Entry, describe, masked_changes
from guanxi.history.models import Change
from guanxi.history.selectors import customer_history_read, record_history_read
from guanxi.params import int_param


class FieldDisplaySerializer(serializers.Serializer):  # type: ignore[type-arg]
    column = serializers.CharField()
    field = serializers.CharField(source="label")
    old = serializers.CharField()
    new = serializers.CharField()


class ChangeDisplaySerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The change in words, as the history page shows it."""

    at = serializers.CharField(help_text=_("Local time of the installation, to the minute"))
    actor = serializers.CharField(source="who")
    information_source = serializers.CharField(source="source")
    via = serializers.CharField()
    op = serializers.CharField()
    record_type = serializers.CharField(source="what")
    record = serializers.CharField()
    changed_fields = FieldDisplaySerializer(source="fields", many=True)


class ChangeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    display = serializers.SerializerMethodField(
        help_text=_("Names instead of ids, labels instead of codes, local time to the minute.")
    )
    changes = serializers.SerializerMethodField(
        help_text=_(
            "Update: {column: [old, new]} of the changed columns; insert: the new row; "
            "delete: the old row. Key persons' profile values are masked without the right."
        )
    )

    class Meta:
        model = Change
        fields = [
            "id",
            "at",
            "table",
            "record_id",
            "op",
            "changes",
            "actor_id",
            "source",
            "via",
            "customer_id",
            "display",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_changes(self, change: Change) -> dict[str, Any]:
        return masked_changes(change, reader(self.context))

    @extend_schema_field(ChangeDisplaySerializer)
    def get_display(self, change: Change) -> dict[str, Any] | None:
        """From the entries the list described together (one query per related model)."""
        entry: Entry | None = self.context.get("entries", {}).get(change.pk)
        if entry is None:
            return None
        data: dict[str, Any] = ChangeDisplaySerializer(entry).data
        return data


class ChangeViewSet(
    RegistersListReads,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Field-level change history 变更历史 of the archive (CUS-12). Each call registers a read
    of the customer (or record) asked for, and the page the changes returned, by their unit."""

    unit_field = "unit"
    serializer_class = ChangeSerializer
    pagination_class = KeysetPagination
    queryset = Change.objects.none()

    def get_queryset(self) -> QuerySet[Change]:
        if getattr(self, "swagger_fake_view", False):
            return Change.objects.none()
        actor = acting_person(self.request.user)
        params = self.request.query_params
        table, record = (params.get(k, "")[:64] for k in ("table", "record"))
        customer = int_param(params, "customer", strict=True)
        if customer is not None:
            return customer_history_read(
                actor=actor, customer_id=customer, channel=Channel.API, request=self.request
            )
        if table and record:
            return record_history_read(
                actor=actor,
                table=table,
                record_id=record,
                channel=Channel.API,
                request=self.request,
            )
        raise ValidationError(_("Give a customer, or a table and a record."))

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", int, description="Customer unit id"),
            OpenApiParameter("table", str, description="Database table, e.g. customers_contact"),
            OpenApiParameter("record", str, description="Record id within the table"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        changes = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        entries = describe(
            changes, reader=reader({"request": request}), language=request.LANGUAGE_CODE
        )
        context = self.get_serializer_context() | {"entries": {e.change.pk: e for e in entries}}
        serializer = self.get_serializer_class()(changes, many=True, context=context)
        return self.get_paginated_response(serializer.data)
