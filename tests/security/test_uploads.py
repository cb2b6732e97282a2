"""Uploads are limited in size and kind, sniffed by content, and served only as downloads."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.customers import excel
from guanxi.uploads import attachment_response, check_upload, sniff
from tests.customers.test_excel import workbook

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
HTML = b"<!doctype html><script>alert(1)</script>"


def plain_zip() -> bytes:
    """Byte for byte the same on every call: the parametrised tests' ids hold these bytes, and
    parallel workers must collect the same ids (a zip stamps its members with the time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("evil.html", date_time=(2026, 1, 1, 0, 0, 0)), HTML)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (SVG, None),
        (HTML, None),
        (plain_zip(), None),
        (b"", None),
    ],
)
def test_the_kind_comes_from_the_content(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_a_real_workbook_is_an_xlsx(db) -> None:  # type: ignore[no-untyped-def]
    assert sniff(workbook([])) == "xlsx"


def test_a_file_named_like_an_image_but_holding_html_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        check_upload(io.BytesIO(HTML), {"png", "jpeg"}, max_bytes=1024)
    assert refused.value.code == "wrong_kind"


def test_a_file_over_the_limit_is_refused_without_reading_it_all() -> None:
    source = io.BytesIO(b"%PDF-" + b"0" * 10_000)
    with pytest.raises(ValidationError) as refused:
        check_upload(source, {"pdf"}, max_bytes=1000)
    assert refused.value.code == "too_large"
    assert source.tell() == 1001


def test_an_allowed_file_comes_back_with_its_kind() -> None:
    data, kind = check_upload(io.BytesIO(b"%PDF-1.7\n"), {"pdf"}, max_bytes=1000)
    assert (data, kind) == (b"%PDF-1.7\n", "pdf")


@pytest.mark.parametrize(
    ("data", "filename"),
    [(HTML, "report.html"), (SVG, "logo.svg"), (b"%PDF-1.7", "客户资料.pdf")],
)
def test_downloads_are_never_rendered_inline(data: bytes, filename: str) -> None:
    response = attachment_response(data, filename=filename)

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "html" not in response["Content-Type"]
    assert "svg" not in response["Content-Type"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_quote_in_a_file_name_cannot_break_the_header() -> None:
    response = attachment_response(b"x", filename='a"; filename="evil.html')
    assert response["Content-Disposition"].count('filename="') == 1


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (plain_zip(), "not an Excel workbook"),
        (HTML, "not an Excel workbook"),
        (SVG, "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100, "97"),
    ],
)
def test_the_import_refuses_what_is_not_a_workbook(  # type: ignore[no-untyped-def]
    api_as, data: bytes, why: str
) -> None:
    upload = SimpleUploadedFile("customers.xlsx", data, content_type=excel.XLSX_TYPE)
    answer = api_as("div1.staff").post(
        "/api/v1/customer-imports/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert why in " ".join(answer.json()["file_problems"])


def test_the_import_refuses_a_workbook_over_the_limit(api_as, settings) -> None:  # type: ignore[no-untyped-def]
    data = workbook([{"name": "大文件能源有限公司", "owning_unit": "DIV1", "tier": "vip"}])
    settings.GUANXI_IMPORT_MAX_BYTES = len(data) - 1
    upload = SimpleUploadedFile("customers.xlsx", data, content_type=excel.XLSX_TYPE)
    answer = api_as("div1.staff").post(
        "/api/v1/customer-imports/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert "larger than" in " ".join(answer.json()["file_problems"])


def test_exports_are_downloads(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1")
    answer = page_as("div1.manager").get("/customers/export.xlsx")
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["X-Content-Type-Options"] == "nosniff"
