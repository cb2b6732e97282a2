"""API of the archive beyond the customer unit: same scope, same read register."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from guanxi.access.scope import acting_person
from guanxi.api.archive import serializers as s
from guanxi.api.views import ScopedViewSet, _existing
from guanxi.customers import archive
from guanxi.customers import models as m
from guanxi.params import int_param


class ArchiveViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """A record that belongs to a customer unit: scoped by the customer's owning unit."""

    view_permission = "customer.view"
    unit_field = "customer__owning_unit"
    change_permission = "customer.change"
    merge_unit_pages = True  # newest first from the table's newest rows (KeysetPagination)
    http_method_names = ["get", "post", "patch", "head", "options"]
    related: ClassVar[tuple[str, ...]] = ("customer",)
    create_service: ClassVar[Any]
    update_service: ClassVar[Any]
    instance_arg: ClassVar[str]

    def base_queryset(self) -> QuerySet[Any]:
        return self.model._default_manager.select_related(*self.related)

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        customer = int_param(self.request.query_params, "customer", strict=True)
        if customer is not None:
            queryset = queryset.filter(**{self.customer_lookup(): customer})
        return queryset

    @classmethod
    def customer_lookup(cls) -> str:
        return cls.unit_field.replace("__owning_unit", "_id")

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = type(self).create_service(
            actor=acting_person(self.request.user), **data
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("customer", None)
        serializer.instance = type(self).update_service(
            actor=acting_person(self.request.user),
            version=version,
            **{self.instance_arg: _existing(serializer.instance)},
            **data,
        )


class DepartmentViewSet(ArchiveViewSet):
    """Customer departments 客户单位的部门 / 分支机构 (headquarters, branches, subsidiaries)."""

    model = m.CustomerDepartment
    serializer_class = s.DepartmentSerializer
    create_service = staticmethod(archive.department_create)
    update_service = staticmethod(archive.department_update)
    instance_arg = "department"


class ContactViewSet(ArchiveViewSet):
    """Contacts and key persons 联系人 / 核心人物; profiles masked without the permission."""

    model = m.Contact
    serializer_class = s.ContactSerializer
    create_service = staticmethod(archive.contact_create)
    update_service = staticmethod(archive.contact_update)
    instance_arg = "contact"


class DealingViewSet(ArchiveViewSet):
    """Dealings 往来业务记录: opportunities and contracts, incomplete ones included."""

    model = m.Dealing
    serializer_class = s.DealingSerializer
    create_service = staticmethod(archive.dealing_create)
    update_service = staticmethod(archive.dealing_update)
    instance_arg = "dealing"


class OperationViewSet(ArchiveViewSet):
    """Operations 作业 with start and end dates."""

    model = m.Operation
    serializer_class = s.OperationSerializer
    create_service = staticmethod(archive.operation_create)
    update_service = staticmethod(archive.operation_update)
    instance_arg = "operation"


class RelationshipViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """The relationship map 核心人物关系图: buying role, state, our people, with history.

    POST creates or changes the relationship of a key person (send `version` to change)."""

    model = m.Relationship
    view_permission = "customer.view"
    unit_field = "contact__customer__owning_unit"
    merge_unit_pages = True
    serializer_class = s.RelationshipSerializer

    def base_queryset(self) -> QuerySet[m.Relationship]:
        return m.Relationship.objects.select_related("contact__customer").prefetch_related(
            "holders", "events__by"
        )

    def perform_create(self, serializer: BaseSerializer[m.Relationship]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = archive.relationship_set(
            actor=acting_person(self.request.user),
            contact=data["contact"],
            buying_role=data["buying_role"],
            state=data["state"],
            holders=data["holders"],
            concerns=data.get("concerns", ""),
            note=data.get("note", ""),
            version=data.get("version"),
        )


class ContractSummaryViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Contract operation summary reports 合同运作总结报告."""

    model = m.ContractSummary
    view_permission = "customer.view"
    unit_field = "dealing__customer__owning_unit"
    serializer_class = s.ContractSummarySerializer

    def base_queryset(self) -> QuerySet[m.ContractSummary]:
        return m.ContractSummary.objects.select_related("dealing__customer")

    def perform_create(self, serializer: BaseSerializer[m.ContractSummary]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = archive.summary_create(actor=acting_person(self.request.user), **data)


class MarketReportViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Monthly industry and market information reports 客户行业和市场信息报告 (003 §12.1)."""

    model = m.MarketReport
    view_permission = "customer.view"
    unit_field = "unit"
    change_permission = "customer.change"
    serializer_class = s.MarketReportSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[m.MarketReport]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = archive.market_report_create(
            actor=acting_person(self.request.user), **data
        )

    def perform_update(self, serializer: BaseSerializer[m.MarketReport]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("unit", None)
        serializer.instance = archive.market_report_update(
            actor=acting_person(self.request.user),
            report=_existing(serializer.instance),
            version=version,
            **data,
        )


class PersonalDataRequestViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Requests to see, correct or delete a contact's personal data (PRV-1)."""

    model = m.PersonalDataRequest
    view_permission = "customer.view"
    unit_field = "contact__customer__owning_unit"
    serializer_class = s.PersonalDataRequestSerializer

    def base_queryset(self) -> QuerySet[m.PersonalDataRequest]:
        return m.PersonalDataRequest.objects.select_related("contact__customer")

    def perform_create(self, serializer: BaseSerializer[m.PersonalDataRequest]) -> None:
        data = dict(serializer.validated_data)
        serializer.instance = archive.personal_request_record(
            actor=acting_person(self.request.user),
            contact=data["contact"],
            kind=data["kind"],
            details=data.get("details", ""),
        )

    @extend_schema(
        request=s.PersonalDataCompleteSerializer, responses=s.PersonalDataRequestSerializer
    )
    @action(detail=True, methods=["post"], serializer_class=s.PersonalDataCompleteSerializer)
    def complete(self, request: Request, pk: str | None = None) -> Response:
        """Carry the request out; a deletion erases the person's personal fields."""
        record = self.get_object()  # not found before bad input: existence is not told
        body = s.PersonalDataCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = archive.personal_request_complete(
            actor=acting_person(request.user),
            request=record,
            outcome=body.validated_data.get("outcome", "").strip(),
        )
        return Response(s.PersonalDataRequestSerializer(done, context={"request": request}).data)
