"""Excel import and export over the API (CUS-11)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from guanxi.access.models import AccessLogEntry
from guanxi.customers import excel
from guanxi.customers.models import Customer
from guanxi.customers.models_import import CustomerImport
from tests.customers.test_excel import codes, workbook


def _file(data: bytes, name: str = "customers.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=excel.XLSX_TYPE)


def test_the_template_is_an_xlsx_attachment(api_as) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").get("/api/v1/customers/import-template/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == excel.XLSX_TYPE
    assert answer["Content-Disposition"].startswith("attachment;")
    headers = [c.value for c in load_workbook(io.BytesIO(answer.content)).worksheets[0][1]]
    assert headers[0] == "单位名称*"


def test_an_upload_answers_the_report_and_apply_writes(api_as) -> None:  # type: ignore[no-untyped-def]
    api = api_as("div1.staff")
    code = codes(1, seed=5)[0]
    rows = [
        {"name": "接口导入公司", "credit_code": code, "owning_unit": "DIV1", "tier": "vip"},
        {"name": "接口错误公司", "owning_unit": "DIV1"},
    ]
    answer = api.post("/api/v1/customer-imports/", {"file": _file(workbook(rows))})
    assert answer.status_code == 201
    body = answer.json()
    assert body["counts"] == {"create": 1, "update": 0, "unchanged": 0, "error": 1}
    assert body["status"] == "checked"
    assert body["rows"][1]["problems"] == [
        {"row": 3, "column": "客户级别*", "message": body["rows"][1]["problems"][0]["message"]}
    ]
    assert not Customer.objects.filter(credit_code=code).exists()

    applied = api.post(f"/api/v1/customer-imports/{body['id']}/apply/")
    assert applied.status_code == 200
    assert applied.json()["status"] == "applied"
    assert Customer.objects.get(credit_code=code).name == "接口导入公司"

    again = api.post("/api/v1/customer-imports/", {"file": _file(workbook(rows))}).json()
    assert again["counts"] == {"create": 0, "update": 0, "unchanged": 1, "error": 1}
    assert again["writable"] is False


def test_a_non_excel_upload_is_400_with_a_per_file_message(api_as) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").post(
        "/api/v1/customer-imports/", {"file": _file(b"just some text", "notes.xlsx")}
    )
    assert answer.status_code == 400
    assert len(answer.json()["file_problems"]) == 1
    assert answer.json()["id"] is None
    assert CustomerImport.objects.count() == 0


def test_an_oversized_upload_is_400(api_as, settings) -> None:  # type: ignore[no-untyped-def]
    settings.GUANXI_IMPORT_MAX_BYTES = 2048
    junk = b"PK\x03\x04" + b"\x00" * 50_000
    answer = api_as("div1.staff").post("/api/v1/customer-imports/", {"file": _file(junk)})
    assert answer.status_code == 400
    assert answer.json()["file_problems"]


def test_an_upload_without_a_file_is_400(api_as) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").post("/api/v1/customer-imports/", {}, format="multipart")
    assert answer.status_code == 400


def test_someone_elses_upload_cannot_be_applied(api_as, people) -> None:  # type: ignore[no-untyped-def]
    data = workbook([{"name": "某公司", "owning_unit": "DIV1", "tier": "vip"}])
    _report, upload = excel.import_upload(actor=people["div1.staff"], data=data, filename="a")
    assert upload is not None
    answer = api_as("div1.manager").post(f"/api/v1/customer-imports/{upload.pk}/apply/")
    assert answer.status_code == 404
    assert not Customer.objects.filter(name="某公司").exists()


def test_finance_may_not_import(api_as) -> None:  # type: ignore[no-untyped-def]
    api = api_as("finance")
    assert api.get("/api/v1/customers/import-template/").status_code == 403
    data = workbook([{"name": "某公司", "owning_unit": "HQ", "tier": "vip"}])
    assert api.post("/api/v1/customer-imports/", {"file": _file(data)}).status_code == 403


def test_the_export_needs_its_own_permission(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1")
    assert api_as("div1.staff").get("/api/v1/customers/export/").status_code == 403
    assert AccessLogEntry.objects.count() == 0


def test_the_export_follows_the_list_filters_and_registers_the_rows_it_holds(
    api_as, make_customer
) -> None:  # type: ignore[no-untyped-def]
    wanted = make_customer("BASE11", tier="strategic")
    make_customer("DIV1", tier="vip")
    make_customer("DIV2", tier="strategic")
    answer = api_as("div1.manager").get(
        "/api/v1/customers/export/", {"tier": "strategic"}, REMOTE_ADDR="10.9.8.7"
    )
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)] == [wanted.name]
    entry = AccessLogEntry.objects.get()
    assert (entry.returned_ids, entry.channel, entry.address) == (
        [str(wanted.pk)],
        "export",
        "10.9.8.7",
    )
    assert "strategic" in (entry.query or "")


def test_the_schema_describes_the_endpoints(api_as) -> None:  # type: ignore[no-untyped-def]
    schema = api_as("div1.staff").get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/customer-imports/" in paths
    assert "/api/v1/customer-imports/{id}/apply/" in paths
    assert "/api/v1/customers/export/" in paths
    assert "/api/v1/customers/import-template/" in paths
