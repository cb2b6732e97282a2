"""API for demands 诉求, complaints 投诉 and the monthly key-customer report (DEM-1–4).

Same sealed scope as the rest of the API: lists come from `visible`, single records from
`fetch` (their reads registered); every write is one service call; refusals answer 4xx."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from guanxi.access.lists import register_list
from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads
from guanxi.access.scope import acting_person, fetch, may, visible_units
from guanxi.api.demands import serializers as s
from guanxi.api.listreads import RegistersListReads
from guanxi.api.views import ScopedViewSet, _existing
from guanxi.demands import complaints, monthly, services
from guanxi.demands import models as d
from guanxi.demands import selectors as sel
from guanxi.demands.documents import parts, report_pdf, report_xlsx
from guanxi.documents.pdf import pdf_response
from guanxi.params import id_or_none, int_param
from guanxi.web.customer_io.views import xlsx_response


def _data(serializer: BaseSerializer[Any]) -> dict[str, Any]:
    data = dict(serializer.validated_data)
    data.pop("version", None)
    return data


class DemandViewSet(
    ScopedViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Demands 诉求 of the reader's line (002 §8): categories and severities are the policy's;
    the detail carries the history of status changes."""

    model = d.Demand
    view_permission = "demand.view"
    change_permission = "demand.change"
    serializer_class = s.DemandSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self) -> QuerySet[d.Demand]:
        return d.Demand.objects.select_related("customer").prefetch_related("events")

    def get_queryset(self) -> QuerySet[d.Demand]:
        if getattr(self, "swagger_fake_view", False):
            return d.Demand.objects.none()
        params = self.request.query_params
        filters = sel.DemandFilters(
            status=params.get("status", "")[:16],
            category=params.get("category", "")[:32],
            customer=int_param(params, "customer", strict=True),
            overdue=params.get("overdue") == "1",
        )
        return sel.demand_list(actor=self.request.user, filters=filters).prefetch_related("events")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=d.DemandStatus.values),
            OpenApiParameter("category", str),
            OpenApiParameter("customer", int),
            OpenApiParameter("overdue", str, description="1: open demands past their due date"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[d.Demand]) -> None:
        serializer.instance = services.demand_create(
            actor=acting_person(self.request.user), **_data(serializer)
        )

    def perform_update(self, serializer: BaseSerializer[d.Demand]) -> None:
        data = dict(serializer.validated_data)
        version = data.pop("version")
        data.pop("customer", None)
        data.pop("raised_on", None)
        serializer.instance = services.demand_update(
            actor=acting_person(self.request.user),
            demand=_existing(serializer.instance),
            version=version,
            **data,
        )

    def _answer(self, demand: d.Demand) -> Response:
        return Response(self.get_serializer(self.base_queryset().get(pk=demand.pk)).data)

    def _acted_on(self, *, escalate: bool = False) -> d.Demand:
        """The demand an action changes: refused (403) before its read is registered."""
        demand = self.get_queryset().filter(pk=id_or_none(self.kwargs["pk"]) or 0).first()
        if demand is None:
            raise Http404
        actor = acting_person(self.request.user)
        allowed = (
            services.may_escalate(actor, demand)
            if escalate
            else may(actor, "demand.change", demand)
        )
        if not allowed:
            raise PermissionDenied
        register_reads(
            actor=actor,
            reads=[read_of(demand)],
            channel=Channel.API,
            address=client_address(self.request._request),
        )
        return demand

    @extend_schema(request=s.MoveSerializer, responses=s.DemandSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Take the demand in hand, resolve it (say how) or reopen it."""
        demand = self._acted_on()
        form = s.MoveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = services.demand_move(
            actor=acting_person(request.user), demand=demand, **form.validated_data
        )
        return self._answer(done)

    @extend_schema(request=s.EscalateSerializer, responses=s.DemandSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str | None = None) -> Response:
        """Escalate to the next level up with the reason (002 §8.1.2); owner or managers only."""
        demand = self._acted_on(escalate=True)
        form = s.EscalateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = services.demand_escalate(
            actor=acting_person(request.user), demand=demand, **form.validated_data
        )
        return self._answer(done)


class ComplaintViewSet(
    ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Complaints 投诉 with their first-answer clock (`seconds_left`; policy hours, 001 §14)."""

    model = d.Complaint
    view_permission = "complaint.view"
    change_permission = "complaint.change"
    serializer_class = s.ComplaintSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self) -> QuerySet[d.Complaint]:
        return d.Complaint.objects.select_related("customer")

    def get_queryset(self) -> QuerySet[d.Complaint]:
        if getattr(self, "swagger_fake_view", False):
            return d.Complaint.objects.none()
        params = self.request.query_params
        filters = sel.ComplaintFilters(
            status=params.get("status", "")[:16],
            breached=params.get("breached") == "1",
            customer=int_param(params, "customer", strict=True),
        )
        return sel.complaint_list(actor=self.request.user, filters=filters)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=d.ComplaintStatus.values),
            OpenApiParameter("breached", str, description="1: answers that came too late"),
            OpenApiParameter("customer", int),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: BaseSerializer[d.Complaint]) -> None:
        serializer.instance = complaints.complaint_create(
            actor=acting_person(self.request.user), **_data(serializer)
        )

    @extend_schema(request=s.AnswerSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        """The first answer given to the customer; the clock stops."""
        complaint = fetch(
            request.user,
            self.base_queryset(),
            self.view_permission,
            channel=Channel.API,
            request=request,
            require="complaint.change",
            pk=self.kwargs["pk"],
        )
        form = s.AnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = complaints.complaint_answer(
            actor=acting_person(request.user), complaint=complaint, **form.validated_data
        )
        return Response(self.get_serializer(done).data)


class MonthlyReportViewSet(
    RegistersListReads,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Monthly key-customer reports 重点客户月报 (002 §8.1.4): published ones for every unit,
    each seeing its own part; HQ generates them from the submissions and publishes."""

    serializer_class = s.MonthlyReportSerializer
    unit_field = "unit"

    def get_queryset(self) -> QuerySet[d.MonthlyReport]:
        if getattr(self, "swagger_fake_view", False):
            return d.MonthlyReport.objects.none()
        return sel.report_list(actor=self.request.user)

    def _find(self) -> d.MonthlyReport:
        """The report, not yet registered: the caller registers once nothing can refuse."""
        report = self.get_queryset().filter(pk=id_or_none(self.kwargs["pk"]) or 0).first()
        if report is None:
            raise Http404
        return report

    def _register(self, report: d.MonthlyReport, shown: list[d.Demand], channel: Channel) -> None:
        actor = acting_person(self.request.user)
        register_reads(
            actor=actor,
            reads=[read_of(report, "unit")],
            channel=channel,
            address=client_address(self.request._request),
        )
        register_list(actor=actor, objects=shown, channel=channel, request=self.request._request)

    def _content(self, report: d.MonthlyReport) -> tuple[list[d.ReportRow], list[d.Demand]]:
        actor = self.request.user
        rows = list(sel.report_rows(actor=actor, report=report))
        return rows, list(sel.report_demands(actor=actor, report=report))

    @extend_schema(responses=s.MonthlyReportDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The report with the rows and demands of the reader's line."""
        report = self._find()
        rows, demands = self._content(report)
        self._register(report, demands, Channel.API)
        context = {**self.get_serializer_context(), "rows": rows, "demands": demands}
        return Response(s.MonthlyReportDetailSerializer(report, context=context).data)

    @extend_schema(request=s.GenerateSerializer, responses={201: s.MonthlyReportSerializer})
    def create(self, request: Request) -> Response:
        """HQ generates (or regenerates) a month's report from the units' submissions; a month
        that has not begun is refused."""
        form = s.GenerateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        report = monthly.report_generate(
            actor=acting_person(request.user), month=form.validated_data["month"]
        )
        return Response(s.MonthlyReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VersionSerializer, responses=s.MonthlyReportSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        report = self._find()
        form = s.VersionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        done = monthly.report_publish(
            actor=acting_person(request.user), report=report, **form.validated_data
        )
        return Response(s.MonthlyReportSerializer(done).data)

    def _document(self) -> tuple[d.MonthlyReport, list[Any]]:
        report = self._find()
        if not may(self.request.user, "monthly_report.export"):
            raise PermissionDenied  # before any read is registered
        rows, demands = self._content(report)
        self._register(report, demands, Channel.DOCUMENT)
        return report, parts(rows, demands)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The report as PDF, watermarked with the reader; registered (`monthly_report.export`)."""
        report, report_parts = self._document()
        data = report_pdf(report, report_parts, reader=acting_person(request.user))
        return pdf_response(data, f"monthly-report-{report.month:%Y-%m}.pdf")

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY)
        }
    )
    @action(detail=True, methods=["get"])
    def xlsx(self, request: Request, pk: str | None = None) -> HttpResponse:
        """The report as an Excel workbook, watermarked; registered (`monthly_report.export`)."""
        report, report_parts = self._document()
        data = report_xlsx(report, report_parts, reader=acting_person(request.user))
        return xlsx_response(data, f"monthly-report-{report.month:%Y-%m}.xlsx")


class MonthlySubmissionViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Units' parts of the monthly key-customer report (002 §8.1.4): progress and risks per
    strategic customer of the unit's line, due by the policy's day; submitting hands the part
    to HQ and reports the month's strategic demands of the line."""

    model = d.MonthlySubmission
    view_permission = "demand.view"
    unit_field = "unit"
    serializer_class = s.MonthlySubmissionSerializer
    http_method_names = ["get", "post", "head", "options"]

    def base_queryset(self) -> QuerySet[d.MonthlySubmission]:
        return d.MonthlySubmission.objects.select_related("unit").prefetch_related(
            "entries__customer"
        )

    def get_queryset(self) -> QuerySet[d.MonthlySubmission]:
        if getattr(self, "swagger_fake_view", False):
            return d.MonthlySubmission.objects.none()
        return super().get_queryset()

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return s.SubmissionOpenSerializer  # the body: which unit and month
        return s.MonthlySubmissionSerializer

    def _submission(self, request: Request) -> d.MonthlySubmission:
        return fetch(
            request.user,
            self.base_queryset(),
            self.view_permission,
            channel=Channel.API,
            request=request,
            unit_field="unit",
            require="monthly_report.submit",
            pk=self.kwargs["pk"],
        )

    @extend_schema(
        request=s.SubmissionOpenSerializer, responses={201: s.MonthlySubmissionSerializer}
    )
    def create(self, request: Request) -> Response:
        """Open (or find) a unit's part of a month; a month that has not begun is refused."""
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        actor = acting_person(request.user)
        unit = form.validated_data["unit"]
        if not visible_units(actor, "monthly_report.submit").filter(pk=unit.pk).exists():
            raise ValidationError({"unit": [_("Choose a unit whose part you may submit.")]})
        submission = monthly.submission_open(
            actor=actor, unit=unit, month=form.validated_data["month"]
        )
        submission = self.base_queryset().get(pk=submission.pk)
        answer = s.MonthlySubmissionSerializer(submission, context=self.get_serializer_context())
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.EntrySerializer, responses=s.MonthlySubmissionSerializer)
    @action(detail=True, methods=["post"])
    def entries(self, request: Request, pk: str | None = None) -> Response:
        """Write the progress and risks of one strategic customer of the unit's line."""
        form = s.EntrySerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)  # before the read: a bad body registers nothing
        submission = self._submission(request)
        monthly.entry_set(
            actor=acting_person(request.user), submission=submission, **form.validated_data
        )
        return Response(self.get_serializer(self.base_queryset().get(pk=submission.pk)).data)

    @extend_schema(request=s.VersionSerializer, responses=s.MonthlySubmissionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Hand the part to HQ; submitted after the due day, it is marked late."""
        form = s.VersionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        submission = self._submission(request)
        monthly.submission_submit(
            actor=acting_person(request.user), submission=submission, **form.validated_data
        )
        return Response(self.get_serializer(self.base_queryset().get(pk=submission.pk)).data)


class StrategicFollowerViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.CreateModelMixin):
    """HQ's follow-up person per strategic customer (002 §8.1.3). Posting a customer that has
    one replaces the person; only HQ names them."""

    model = d.StrategicFollower
    view_permission = "demand.view"
    unit_field = "customer__owning_unit"
    serializer_class = s.FollowerSerializer

    def base_queryset(self) -> QuerySet[d.StrategicFollower]:
        return d.StrategicFollower.objects.select_related("customer", "person")

    def get_queryset(self) -> QuerySet[d.StrategicFollower]:
        if getattr(self, "swagger_fake_view", False):
            return d.StrategicFollower.objects.none()
        return super().get_queryset()

    def perform_create(self, serializer: BaseSerializer[d.StrategicFollower]) -> None:
        serializer.instance = services.follower_set(
            actor=acting_person(self.request.user), **serializer.validated_data
        )


class UnitContactViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.CreateModelMixin):
    """Each unit's key-customer contact person (002 §8.1.3). Posting a unit that has one
    replaces the person; the unit's own managers name them."""

    model = d.UnitContact
    view_permission = "demand.view"
    unit_field = "unit"
    serializer_class = s.UnitContactSerializer
    # who a unit's contact person is holds no customer's data: an organisational fact
    registers_lists = False

    def base_queryset(self) -> QuerySet[d.UnitContact]:
        return d.UnitContact.objects.select_related("unit", "person")

    def get_queryset(self) -> QuerySet[d.UnitContact]:
        if getattr(self, "swagger_fake_view", False):
            return d.UnitContact.objects.none()
        return super().get_queryset()

    def perform_create(self, serializer: BaseSerializer[d.UnitContact]) -> None:
        actor = acting_person(self.request.user)
        unit = serializer.validated_data["unit"]
        if not visible_units(actor, "demand.view").filter(pk=unit.pk).exists():
            raise ValidationError({"unit": [_("Choose a unit of your line.")]})
        serializer.instance = services.unit_contact_set(
            actor=actor, unit=unit, person=serializer.validated_data["person"]
        )
