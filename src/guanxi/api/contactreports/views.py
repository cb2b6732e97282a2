"""API for contact reports (ACT-4), next contact dates and the customer's timeline (CUS-14).

Lists and records come from the access module (ScopedViewSet); the timeline finds its customer
through `visible` and registers the customer and the entries it answers with, after every
check; every write is one service call."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from guanxi.access.lists import query_text
from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads
from guanxi.access.scope import acting_person, visible
from guanxi.api.contactreports import serializers as s
from guanxi.api.pagination import KeysetPagination
from guanxi.api.views import ScopedViewSet, _existing
from guanxi.contactreports import selectors as sel
from guanxi.contactreports import services
from guanxi.contactreports.models import ContactReport, NextContact
from guanxi.customers.models import Customer
from guanxi.params import int_param
from guanxi.timeline.selectors import PAGE_SIZE, Entry, page_reads, timeline_page


class NextContactPagination(KeysetPagination):
    """A next contact's id is its customer's."""

    ordering = "-customer_id"


class ContactReportViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Contact reports 接触报告 (003 附表6 note). Creating one mails it to the customer's
    manager; the manager's own reads mark it as read (`is_new` false)."""

    model = ContactReport
    view_permission = sel.REPORT_PERMISSION
    change_permission = "contact_report.change"
    unit_field = sel.REPORT_UNIT
    merge_unit_pages = True
    serializer_class = s.ContactReportSerializer
    pagination_class = KeysetPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self) -> QuerySet[ContactReport]:
        return ContactReport.objects.prefetch_related("key_persons", "our_people")

    def get_queryset(self) -> QuerySet[ContactReport]:
        if getattr(self, "swagger_fake_view", False):
            return ContactReport.objects.none()
        params = self.request.query_params
        filters = sel.ReportFilters(
            customer=int_param(params, "customer", strict=True),
            kind=params.get("kind", "")[:32],
            new_for_me=params.get("new") == "1",
        )
        reports = sel.contact_report_list(actor=self.request.user, filters=filters)
        return reports.prefetch_related("key_persons", "our_people")

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", int),
            OpenApiParameter("kind", str, description="A kind of contact from the policy"),
            OpenApiParameter("new", str, description="1: only reports sent to me, not yet read"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        services.contact_report_seen(actor=acting_person(request.user), report=report)
        return Response(self.get_serializer(report).data)

    def perform_create(self, serializer: BaseSerializer[ContactReport]) -> None:
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = services.contact_report_create(
            actor=acting_person(self.request.user), **data
        )

    def perform_update(self, serializer: BaseSerializer[ContactReport]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("customer", None)
        serializer.instance = services.contact_report_update(
            actor=acting_person(self.request.user),
            report=_existing(serializer.instance),
            version=version,
            **data,
        )


class NextContactViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """When each customer is next to be contacted (CUS-14); the id is the customer's. POST sets
    (or clears, with null) a customer's date: send the version you loaded, 0 while none was set;
    a stale one answers 409."""

    model = NextContact
    view_permission = "customer.view"
    unit_field = sel.NEXT_CONTACT_UNIT
    serializer_class = s.NextContactSerializer
    pagination_class = NextContactPagination
    http_method_names = ["get", "post", "head", "options"]
    lookup_value_regex = r"\d+"

    def base_queryset(self) -> QuerySet[NextContact]:
        return NextContact.objects.select_related("customer")

    def get_queryset(self) -> QuerySet[NextContact]:
        if getattr(self, "swagger_fake_view", False):
            return NextContact.objects.none()
        return super().get_queryset()

    @extend_schema(request=s.NextContactWriteSerializer, responses={201: s.NextContactSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.NextContactWriteSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        saved = services.next_contact_set(actor=acting_person(request.user), **data)
        register_reads(
            actor=acting_person(request.user),
            reads=[read_of(saved, self.unit_field)],
            channel=Channel.API,
            address=client_address(request._request),
        )
        return Response(s.NextContactSerializer(saved).data, status=status.HTTP_201_CREATED)


def _entry(entry: Entry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "label": entry.label,
        "on": entry.on,
        "record_type": entry.record._meta.label_lower,
        "id": entry.record.pk,
        "title": entry.title,
        "detail": entry.detail,
        "url": entry.url,
    }


class TimelineView(APIView):
    """The customer's timeline 时间线: everything that happened with the customer, newest
    first, each source as the reader may see it. `kind` (repeatable) filters; `next` is the
    URL of the following page. The customer and the entries answered are registered."""

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, many=True, description="Source keys to show"),
            OpenApiParameter("after", str, description="The cursor of the `next` link"),
            OpenApiParameter("page_size", int, description="Entries per page (20 unless given)"),
        ],
        responses=s.TimelineSerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        actor = acting_person(request.user)
        try:
            customer = visible(actor, Customer.objects.all(), "customer.view").get(pk=pk)
        except Customer.DoesNotExist as error:
            raise Http404 from error
        size = int_param(request.query_params, "page_size", strict=True) or PAGE_SIZE
        page = timeline_page(
            actor=actor,
            customer=customer,
            kinds=request.query_params.getlist("kind"),
            after=request.query_params.get("after"),
            size=size,
        )
        next_contact = sel.next_contact_of(customer)
        body = {
            "customer": customer.pk,
            "next_contact_on": next_contact.next_contact_on if next_contact else None,
            "kinds": [source.key for source in page.sources],
            "next": self._next(request, page.next_after),
            "results": [_entry(entry) for entry in page.entries],
        }
        answer = Response(s.TimelineSerializer(body).data)
        register_reads(
            actor=actor,
            reads=page_reads(customer, page, query_text(request.query_params)),
            channel=Channel.API,
            address=client_address(request._request),
        )
        return answer

    def _next(self, request: Request, after: str | None) -> str | None:
        if after is None:
            return None
        return replace_query_param(request.build_absolute_uri(), "after", after)
