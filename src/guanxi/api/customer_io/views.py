"""Excel import and export of customer units over the API (CUS-11). The same functions as the
pages: guanxi.customers.excel checks, writes, exports and registers the reads."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guanxi.access.exports import ExportNotConfirmed, confirmed_from
from guanxi.access.register import client_address
from guanxi.access.scope import acting_person, may
from guanxi.api.exports import CONFIRM, NOT_CONFIRMED, not_confirmed
from guanxi.customers import excel
from guanxi.customers.models_import import CustomerImport
from guanxi.customers.selectors import customer_filters_from
from guanxi.web.customer_io.views import read_upload, xlsx_response

XLSX = OpenApiResponse(OpenApiTypes.BINARY, description="An Excel workbook (.xlsx) attachment")


class UploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text="An Excel workbook (.xlsx) made from the template")


class ProblemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class RowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    row = serializers.IntegerField()
    name = serializers.CharField()
    action = serializers.ChoiceField(choices=excel.ACTIONS)
    customer = serializers.IntegerField(allow_null=True)
    changes = serializers.ListField(child=serializers.CharField())
    problems = ProblemSerializer(many=True)


class ReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    file_problems = serializers.ListField(child=serializers.CharField())
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Rows by action: create, update, unchanged, error",
    )
    writable = serializers.BooleanField()
    rows = RowSerializer(many=True)


def _body(report: excel.ImportReport, upload: CustomerImport | None) -> dict[str, object]:
    return {
        "id": upload.pk if upload else None,
        "status": upload.status if upload else None,
        **report.as_json(),
    }


def _require_import(request: Request) -> None:
    if not may(request.user, "customer.create"):
        raise PermissionDenied(_("You may not import customer units."))


class ImportTemplateView(APIView):
    """The import template: Chinese (or English) headers and a 说明 sheet of allowed values."""

    @extend_schema(
        responses={(200, excel.XLSX_TYPE): XLSX}, operation_id="customer_import_template"
    )
    def get(self, request: Request) -> HttpResponse:
        _require_import(request)
        language = getattr(request, "LANGUAGE_CODE", None)
        return xlsx_response(excel.template_workbook(language), "customer-import-template.xlsx")


class ImportUploadView(APIView):
    """Check a workbook; nothing is written. 201 with the per-row report, or 400 with the
    per-file problems (not an .xlsx, too large, wrong headers)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={
            201: ReportSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The per-file report (file_problems), or the invalid form fields",
            ),
        },
        operation_id="customer_import_upload",
    )
    def post(self, request: Request) -> Response:
        _require_import(request)
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        file = form.validated_data["file"]
        report, upload = excel.import_upload(
            actor=acting_person(request.user), data=read_upload(file), filename=file.name or ""
        )
        answer = status.HTTP_400_BAD_REQUEST if upload is None else status.HTTP_201_CREATED
        return Response(_body(report, upload), status=answer)


class ImportApplyView(APIView):
    """Check the kept file again and write its good rows in one transaction."""

    @extend_schema(request=None, responses=ReportSerializer, operation_id="customer_import_apply")
    def post(self, request: Request, pk: int) -> Response:
        _require_import(request)
        actor = acting_person(request.user)
        try:
            upload = excel.import_get(actor=actor, pk=pk)
        except CustomerImport.DoesNotExist as error:
            raise Http404 from error
        report = excel.apply_import(actor=actor, upload=upload)
        return Response(_body(report, upload))


class ExportView(APIView):
    """The customer list (same filters) as a watermarked workbook; needs customer.export and
    registers a read of every exported customer unit."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Name, pinyin, initials or credit code"),
            OpenApiParameter("tier", str),
            OpenApiParameter("unit", int),
            OpenApiParameter("industry", str),
            OpenApiParameter("manager", int),
            OpenApiParameter("sort", str, enum=["newest", "name", "tier"]),
            CONFIRM,
        ],
        responses={(200, excel.XLSX_TYPE): XLSX, 409: NOT_CONFIRMED},
        operation_id="customer_export",
    )
    def get(self, request: Request) -> HttpResponse:
        actor = acting_person(request.user)
        try:
            data = excel.export_workbook(
                actor=actor,
                filters=customer_filters_from(request.query_params, strict=True),
                language=getattr(request, "LANGUAGE_CODE", None),
                address=client_address(request._request),
                confirmed=confirmed_from(request.query_params, strict=True),
            )
        except ExportNotConfirmed as refusal:
            return not_confirmed(refusal)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(data, f"customers-{stamp}.xlsx")
