"""Excel import and export of customer units (CUS-11, DOC-4, DOC-5)."""

from __future__ import annotations

import io
import random
import zipfile
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import Workbook, load_workbook

from guanxi.access.models import AccessLogEntry
from guanxi.customers import excel, services
from guanxi.customers.excel import export, importing
from guanxi.customers.models import Customer
from guanxi.customers.models_import import CustomerImport
from guanxi.customers.selectors import CustomerFilters
from guanxi.seeding.names import credit_code

FIELDS = [column.field for column in excel.COLUMNS]


def codes(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [credit_code(rng) for _ in range(count)]


def workbook(rows: list[dict[str, Any]], language: str = "zh-hans") -> bytes:
    """A workbook made from the template, one dict (field -> cell value) per row."""
    book = load_workbook(io.BytesIO(excel.template_workbook(language)))
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append([row.get(name) for name in FIELDS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(name: str, **cells: Any) -> dict[str, Any]:
    return {"name": name, "owning_unit": "DIV1", "tier": "vip", **cells}


def problems_of(report: excel.ImportReport) -> list[tuple[int | None, str]]:
    return [(p.row, p.column) for p in report.problems]


def actions_of(report: excel.ImportReport) -> dict[int, str]:
    return {row.row: row.action for row in report.rows}


def test_the_template_has_chinese_headers_and_a_sheet_of_allowed_values() -> None:
    book = load_workbook(io.BytesIO(excel.template_workbook("zh-hans")))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[:4] == ["单位名称*", "统一社会信用代码", "归属单位代码*", "客户级别*"]
    assert "相近名称理由" in headers
    assert book.sheetnames == ["客户单位", "说明"]
    explained = {cell.value for row in book["说明"].iter_rows() for cell in row}
    assert {"VIP客户", "国内石油公司", "客户名片"} <= explained
    assert {"strategic", "Strategic customer"}.isdisjoint(explained)  # no keys, no English
    assert book.worksheets[0].data_validations.dataValidation  # drop-downs for tier etc.


def test_the_english_template_has_english_headers() -> None:
    book = load_workbook(io.BytesIO(excel.template_workbook("en")))
    assert [cell.value for cell in book.worksheets[0][1]][:2] == ["Name*", "Credit code"]


@pytest.fixture
def mixed_file(make_customer) -> tuple[bytes, dict[str, Customer]]:  # type: ignore[no-untyped-def]
    good, second, mine_code, theirs_code = codes(4)
    mine = make_customer("DIV1", name="渤海装备制造有限公司", code=mine_code)
    theirs = make_customer("DIV2", name="南海深水服务有限公司", code=theirs_code)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [  # Excel rows 2 to 13
        row("渤海钻探工程有限公司", credit_code=good, tier="VIP客户", industry="国内石油公司",
            cooperation_since="2015", source="客户名片"),
        row("错误代码公司", credit_code=wrong),
        row("重复代码公司", credit_code=good),
        {"name": "缺少必填公司"},
        row("年份错误公司", cooperation_since="二〇一五"),
        row("数字代码公司", credit_code=911100001234567890),
        row("未知单位公司", owning_unit="NOPE"),
        row("他线单位公司", owning_unit="DIV2"),
        row("塘沽海工服务有限公司", credit_code=second, owning_unit="BASE11", tier="strategic",
            cooperation_since=2015.0),
        row(mine.name, credit_code=mine_code, phone="022-66501234"),
        row("换个名字", credit_code=theirs_code),
        row("英文级别公司", owning_unit="BASE12", tier="Ordinary customer", cooperation_since=2015),
    ]  # fmt: skip
    return workbook(rows), {"mine": mine, "theirs": theirs}


def test_a_mixed_file_gets_an_exact_per_row_report_and_writes_nothing(people, mixed_file) -> None:  # type: ignore[no-untyped-def]
    data, existing = mixed_file
    before = Customer.objects.count()
    with translation.override("en"):
        report = excel.check_upload(actor=people["div1.staff"], data=data, filename="a.xlsx")
    assert report.file_problems == []
    assert actions_of(report) == {
        2: "create",
        3: "error",
        4: "error",
        5: "error",
        6: "error",
        7: "error",
        8: "error",
        9: "error",
        10: "create",
        11: "update",
        12: "error",
        13: "create",
    }
    assert problems_of(report) == [
        (3, "统一社会信用代码"),
        (4, "统一社会信用代码"),
        (5, "归属单位代码*"),
        (5, "客户级别*"),
        (6, "合作起始年份"),
        (7, "统一社会信用代码"),
        (8, "归属单位代码*"),
        (9, "归属单位代码*"),
        (12, "统一社会信用代码"),
    ]
    messages = {p.row: p.message for p in report.problems}
    assert "check character" in messages[3]
    assert "row 2" in messages[4]
    assert "二〇一五" in messages[6]
    assert "as a number" in messages[7]
    assert "NOPE" in messages[8]
    assert "may not create" in messages[9]
    assert "another unit's archive" in messages[12]
    assert existing["theirs"].name not in messages[12]  # a hidden match is never named
    assert report.rows[9].changes == ["phone"]
    assert report.counts == {"create": 3, "update": 1, "unchanged": 0, "error": 8}
    assert Customer.objects.count() == before


def test_confirming_writes_the_good_rows_and_a_second_run_changes_nothing(
    people, mixed_file
) -> None:  # type: ignore[no-untyped-def]
    data, existing = mixed_file
    actor = people["div1.staff"]
    report, upload = excel.import_upload(actor=actor, data=data, filename="a.xlsx")
    assert upload is not None
    assert upload.report["counts"] == report.counts
    before = Customer.objects.count()

    applied = excel.apply_import(actor=actor, upload=upload)

    assert applied.counts == {"create": 3, "update": 1, "unchanged": 0, "error": 8}
    assert Customer.objects.count() == before + 3
    created = Customer.objects.get(name="渤海钻探工程有限公司")
    assert (created.tier, created.industry, created.cooperation_since, created.source) == (
        "vip",
        "domestic_oil",
        2015,
        "business_card",
    )
    assert created.owning_unit.code == "DIV1"
    assert Customer.objects.get(name="塘沽海工服务有限公司").tier == "strategic"
    assert Customer.objects.get(name="英文级别公司").tier == "ordinary"
    mine = Customer.objects.get(pk=existing["mine"].pk)
    assert (mine.phone, mine.version) == ("022-66501234", existing["mine"].version + 1)
    upload.refresh_from_db()
    assert upload.status == "applied"

    snapshot = dict(Customer.objects.values_list("pk", "version"))
    again, second = excel.import_upload(actor=actor, data=data, filename="a.xlsx")
    assert second is not None
    assert again.counts == {"create": 0, "update": 0, "unchanged": 4, "error": 8}
    assert not again.writable
    repeated = excel.apply_import(actor=actor, upload=second)
    assert repeated.counts["unchanged"] == 4
    assert dict(Customer.objects.values_list("pk", "version")) == snapshot


def test_the_good_rows_are_written_in_one_transaction(people, mixed_file) -> None:  # type: ignore[no-untyped-def]
    """The new rows are inserted first; a failure while updating takes them back too."""
    data, _existing = mixed_file
    actor = people["div1.staff"]
    _report, upload = excel.import_upload(actor=actor, data=data, filename="a.xlsx")
    assert upload is not None
    before = Customer.objects.count()

    def failing(rows: Any) -> None:
        assert Customer.objects.count() > before  # some creates are written by now
        raise RuntimeError("the database went away")

    with mock.patch.object(importing, "_update_all", failing), pytest.raises(RuntimeError):
        excel.apply_import(actor=actor, upload=upload)
    assert Customer.objects.count() == before
    upload.refresh_from_db()
    assert upload.status == "checked"


def _after_the_check(change: Any) -> Any:
    """check_upload as in apply_import, then `change` as another person's save would."""
    real = excel.check_upload

    def check(**kwargs: Any) -> Any:
        report = real(**kwargs)
        change()
        return report

    return mock.patch.object(importing, "check_upload", check)


def test_a_unit_saved_by_someone_since_the_check_is_refused_stale_and_the_rest_written(
    people, mixed_file
) -> None:  # type: ignore[no-untyped-def]
    data, existing = mixed_file
    mine = existing["mine"]
    actor = people["div1.staff"]
    _report, upload = excel.import_upload(actor=actor, data=data, filename="a.xlsx")
    assert upload is not None

    def someone_saves() -> None:
        services.customer_update(
            actor=people["div1.manager"], customer=mine, version=mine.version, address="天津港"
        )

    with _after_the_check(someone_saves):
        applied = excel.apply_import(actor=actor, upload=upload)
    assert applied.counts == {"create": 3, "update": 0, "unchanged": 0, "error": 9}
    stale = [p for p in applied.problems if p.row == 11]
    assert len(stale) == 1
    assert str(mine.version) in stale[0].message  # names the version the check saw
    mine.refresh_from_db()
    assert (mine.address, mine.phone) == ("天津港", "")  # the other person's save stands
    assert Customer.objects.filter(name="渤海钻探工程有限公司").exists()


def test_a_credit_code_taken_since_the_check_is_reported_and_the_rest_written(
    people, mixed_file, make_customer
) -> None:  # type: ignore[no-untyped-def]
    """The bulk insert hits the unique credit code; its chunk goes row by row through the
    services, which refuse that one row."""
    data, _existing = mixed_file
    actor = people["div1.staff"]
    report, upload = excel.import_upload(actor=actor, data=data, filename="a.xlsx")
    assert upload is not None
    code = next(r.values["credit_code"] for r in report.rows if r.name == "塘沽海工服务有限公司")
    with _after_the_check(lambda: make_customer("DIV2", name="塘沽另一家公司", code=code)):
        applied = excel.apply_import(actor=actor, upload=upload)
    assert applied.counts == {"create": 2, "update": 1, "unchanged": 0, "error": 9}
    assert [p.row for p in applied.problems if p.row == 10] == [10]
    assert not Customer.objects.filter(name="塘沽海工服务有限公司").exists()
    assert Customer.objects.filter(name="渤海钻探工程有限公司").exists()
    assert Customer.objects.filter(name="英文级别公司").exists()


def test_bulk_written_rows_match_what_the_services_write(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    """Search keys, normalised code, creator, kept reason, history with the row's source."""
    from guanxi.history.models import Change

    make_customer("DIV1", name="中海石油（中国）有限公司")
    code = codes(1)[0]
    rows = [
        row("中海石油(中国)股份有限公司", credit_code=code.lower(), source="客户名片",
            duplicate_reason="不同法人"),
        row("渤海湾钻井技术有限公司", duplicate_reason="并不相近"),
    ]  # fmt: skip
    actor = people["div1.staff"]
    _report, upload = excel.import_upload(actor=actor, data=workbook(rows), filename="k.xlsx")
    assert upload is not None
    excel.apply_import(actor=actor, upload=upload)
    similar = Customer.objects.get(name="中海石油(中国)股份有限公司")
    plain = Customer.objects.get(name="渤海湾钻井技术有限公司")
    assert (similar.credit_code, similar.created_by_id) == (code.upper(), actor.pk)
    assert (similar.name_initials, similar.duplicate_reason) == ("zhsyzggfyxgs", "不同法人")
    assert plain.duplicate_reason == ""  # not similar: no reason kept, as in the services
    assert plain.name_pinyin.startswith("bohaiwan")
    made = Change.objects.filter(table="customers_customer", record_id=str(similar.pk))
    assert [(c.op, c.via, c.source, c.actor_id) for c in made] == [
        ("insert", "import", "business_card", actor.pk)
    ]
    assert made.get().changes["name"] == "中海石油(中国)股份有限公司"


def test_a_similar_name_needs_a_reason_in_its_own_column(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1", name="中海石油（中国）有限公司")
    rows = [
        {"name": "中海石油中国集团", "owning_unit": "DIV1", "tier": "vip"},
        {"name": "中海石油(中国)股份有限公司", "owning_unit": "DIV1", "tier": "vip",
         "duplicate_reason": "不同法人"},
        {"name": "新公司甲", "owning_unit": "DIV1", "tier": "vip"},
        {"name": "新公司甲集团", "owning_unit": "DIV1", "tier": "vip"},
    ]  # fmt: skip
    actor = people["div1.staff"]
    with translation.override("en"):
        report = excel.check_upload(actor=actor, data=workbook(rows), filename="s.xlsx")
    assert actions_of(report) == {2: "error", 3: "create", 4: "create", 5: "error"}
    assert problems_of(report) == [(2, "单位名称*"), (5, "单位名称*")]
    assert "中海石油（中国）有限公司" in report.problems[0].message
    assert "Row 4" in report.problems[1].message
    _report, upload = excel.import_upload(actor=actor, data=workbook(rows), filename="s.xlsx")
    assert upload is not None
    excel.apply_import(actor=actor, upload=upload)
    assert Customer.objects.get(name="中海石油(中国)股份有限公司").duplicate_reason == "不同法人"


def test_an_exact_name_matches_when_there_is_no_credit_code(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    existing = make_customer("BASE11", name="湛江南油服务有限公司")
    rows = [
        {"name": "湛江南油服务有限公司", "owning_unit": "BASE11", "tier": "vip", "fax": "0759-1"}
    ]
    report = excel.check_upload(actor=people["div1.staff"], data=workbook(rows), filename="n.xlsx")
    assert report.rows[0].action == "update"
    assert report.rows[0].customer_id == existing.pk
    assert report.rows[0].changes == ["fax"]


def test_wrong_headers_are_listed(people) -> None:  # type: ignore[no-untyped-def]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["名称", "统一社会信用代码", "客户级别"])
    sheet.append(["某公司", "", "vip"])
    out = io.BytesIO()
    book.save(out)
    with translation.override("en"):
        report = excel.check_upload(actor=people["div1.staff"], data=out.getvalue(), filename="h")
    assert len(report.file_problems) == 2
    assert "单位名称" in report.file_problems[0]
    assert "归属单位代码" in report.file_problems[0]
    assert "名称" in report.file_problems[1]
    assert report.rows == []


def _zip_of(name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an Excel workbook"),
        ("单位名称,归属单位代码\n某公司,DIV1\n".encode(), "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (_zip_of("hello.txt", b"hello"), "not an Excel workbook"),
        (b"", "not an Excel workbook"),
    ],
    ids=["png", "csv", "xls", "zip-without-workbook", "empty"],
)
def test_a_file_that_is_not_a_workbook_is_refused_as_a_whole(
    people, data: bytes, says: str
) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        report, upload = excel.import_upload(
            actor=people["div1.staff"], data=data, filename="customers.xlsx"
        )
    assert upload is None
    assert len(report.file_problems) == 1
    assert says in report.file_problems[0]
    assert CustomerImport.objects.count() == 0


def test_an_oversized_file_is_refused_before_it_is_opened(people, settings) -> None:  # type: ignore[no-untyped-def]
    settings.GUANXI_IMPORT_MAX_BYTES = 1000
    data = workbook([{"name": "某公司", "owning_unit": "DIV1", "tier": "vip"}])
    with translation.override("en"), mock.patch.object(importing, "load_workbook") as opened:
        report = excel.check_upload(actor=people["div1.staff"], data=data, filename="big.xlsx")
    assert "larger than" in report.file_problems[0]
    opened.assert_not_called()


def test_a_workbook_with_headers_only_is_refused(people) -> None:  # type: ignore[no-untyped-def]
    report = excel.check_upload(actor=people["div1.staff"], data=workbook([]), filename="e.xlsx")
    assert len(report.file_problems) == 1


def test_finance_may_not_import(people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        excel.check_upload(actor=people["finance"], data=workbook([]), filename="e.xlsx")


# ---------------------------------------------------------------- export


def _export(people, username: str = "div1.manager", **filters: Any):  # type: ignore[no-untyped-def]
    data = excel.export_workbook(
        actor=people[username],
        filters=CustomerFilters(**filters),
        language="zh-hans",
        address="10.0.0.9",
    )
    return load_workbook(io.BytesIO(data))


def test_staff_may_not_export_and_nothing_is_registered(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1")
    with pytest.raises(PermissionDenied):
        _export(people, "div1.staff")
    assert AccessLogEntry.objects.count() == 0


def test_an_export_registers_one_list_read_per_unit_and_holds_only_the_readers_line(
    people, make_customer
) -> None:  # type: ignore[no-untyped-def]
    mine = [make_customer(code) for code in ("DIV1", "BASE11", "BASE12", "BASE11")]
    other = make_customer("DIV2")
    book = _export(people)
    names = [row[0] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert len(names) == 4
    assert other.name not in names
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert len(entries) == 3  # one per owning unit, not one per row
    assert {e.record_unit_id: sorted(e.returned_ids) for e in entries} == {
        unit: sorted(str(c.pk) for c in mine if c.owning_unit_id == unit)
        for unit in {c.owning_unit_id for c in mine}
    }
    assert {(e.record_id, e.record_type, e.channel, e.username, e.address) for e in entries} == {
        ("", "customers.customer", "export", "div1.manager", "10.0.0.9")
    }
    assert len({(e.at, e.query) for e in entries}) == 1


def test_an_export_keeps_the_lists_filters(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1", tier="vip")
    strategic = make_customer("BASE11", tier="strategic")
    book = _export(people, tier="strategic")
    rows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in rows] == [strategic.name]
    assert rows[0][3] == "战略客户"
    entry = AccessLogEntry.objects.get()
    assert entry.returned_ids == [str(strategic.pk)]
    assert entry.query == '{"tier":"strategic"}'


def test_an_export_carries_the_watermark_everywhere(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1")
    book = _export(people)
    sheet = book.worksheets[0]
    mark = sheet["A1"].value
    assert mark.startswith("机密 · 导出人 张志强 · 钻井事业部市场营销部 · ")
    assert mark.endswith("禁止复制外传")
    assert sheet.oddHeader.center.text == mark
    assert sheet.oddFooter.center.text == mark
    assert book.properties.creator == "张志强"
    assert book.properties.description == mark


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","点我")', "+1", "@SUM(1)", "-2+3", "\t=1+1"]
)
def test_an_export_neutralises_formulas(people, make_customer, name: str) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name=name)
    services.customer_update(
        actor=people["div1.manager"],
        customer=customer,
        version=customer.version,
        address="=1+2",
    )
    sheet = _export(people).worksheets[0]
    name_cell = sheet["A3"]
    stored = name.strip()  # the services strip names
    assert name_cell.value == "'" + stored
    assert name_cell.data_type == "s"
    address_cell = sheet.cell(row=3, column=FIELDS.index("address") + 1)
    assert (address_cell.value, address_cell.data_type) == ("'=1+2", "s")


def test_an_export_reimports_as_unchanged(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    for code in ("DIV1", "BASE11"):
        make_customer(code)
    data = excel.export_workbook(
        actor=people["div1.manager"], filters=CustomerFilters(), language="zh-hans", address=None
    )
    report = excel.check_upload(actor=people["div1.manager"], data=data, filename="x.xlsx")
    assert report.counts == {"create": 0, "update": 0, "unchanged": 2, "error": 0}


def test_an_export_that_cannot_be_registered_gives_no_file(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    from guanxi.access.register import ReadNotRegistered

    make_customer("DIV1")
    with (
        mock.patch.object(export, "register_list_ids", side_effect=ReadNotRegistered("down")),
        pytest.raises(ReadNotRegistered),
    ):
        _export(people)


# ---------------------------------------------------------------- pages


def test_the_import_pages_check_then_confirm(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    client = page_as("div1.staff")
    assert client.get("/customers/import/").status_code == 200
    template = client.get("/customers/import/template.xlsx")
    assert template["Content-Disposition"].startswith("attachment;")
    assert template["Content-Type"] == excel.XLSX_TYPE
    code = codes(1, seed=3)[0]
    rows = [{"name": "页面导入公司", "credit_code": code, "owning_unit": "DIV1", "tier": "vip"}]
    upload = io.BytesIO(workbook(rows))
    upload.name = "page.xlsx"
    answer = client.post("/customers/import/", {"file": upload})
    assert answer.status_code == 302
    report = client.get(answer["Location"])
    assert 'data-testid="confirm"' in report.content.decode()
    assert not Customer.objects.filter(name="页面导入公司").exists()
    applied = client.post(answer["Location"])
    assert 'data-testid="applied"' in applied.content.decode()
    assert Customer.objects.get(credit_code=code).name == "页面导入公司"


def test_a_bad_file_on_the_page_gets_a_per_file_message(page_as) -> None:  # type: ignore[no-untyped-def]
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n")
    upload.name = "photo.xlsx"
    answer = page_as("div1.staff").post("/customers/import/", {"file": upload})
    assert answer.status_code == 400
    assert 'data-testid="file-problems"' in answer.content.decode()


def test_someone_elses_upload_is_not_found(page_as, people) -> None:  # type: ignore[no-untyped-def]
    data = workbook([{"name": "某公司", "owning_unit": "DIV1", "tier": "vip"}])
    _report, upload = excel.import_upload(actor=people["div1.staff"], data=data, filename="a")
    assert upload is not None
    client = page_as("div1.cm")
    assert client.get(f"/customers/import/{upload.pk}/").status_code == 404
    assert client.post(f"/customers/import/{upload.pk}/").status_code == 404


def test_the_export_page_is_an_attachment_with_the_filters(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1", tier="vip")
    make_customer("DIV1", tier="strategic")
    answer = page_as("div1.manager").get("/customers/export.xlsx", {"tier": "vip"})
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["Content-Type"] == excel.XLSX_TYPE
    rows = list(load_workbook(io.BytesIO(answer.content)).worksheets[0].iter_rows(min_row=3))
    assert len(rows) == 1
    assert page_as("div1.staff").get("/customers/export.xlsx").status_code == 403
