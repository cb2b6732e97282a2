"""Excel import and export of customer units (CUS-11, DOC-4, DOC-5).

Import is two steps: `import_upload` checks a workbook and keeps its bytes; `apply_import`
checks the same bytes again and writes the good rows through the customer services, in one
transaction. Rows are matched by credit code, then by exact name, so a second run of the same
file finds every row unchanged. Export is a permission of its own, registers a read of every
exported record before any byte leaves, carries a watermark and neutralises formulas.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from guanxi.access.models import Channel
from guanxi.access.register import read_of, register_reads
from guanxi.access.scope import may, may_in_unit
from guanxi.customers import services
from guanxi.customers.keys import name_key, pinyin_keys
from guanxi.customers.models import Customer
from guanxi.customers.models_import import CustomerImport, ImportStatus
from guanxi.customers.selectors import CustomerFilters, customer_list
from guanxi.customers.validators import normalise_credit_code, validate_credit_code
from guanxi.history.context import attributed
from guanxi.history.models import Via
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import StaleVersion

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb stops here, before openpyxl unpacks it
MAX_ROWS = 20_000
EXPORT_LIMIT = 20_000
CHUNK = 500  # ids per IN (…) list: well under SQLite's bound variables limit
WATERMARK_PREFIX = "机密"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class CellProblem(Exception):
    """A cell's value cannot be used; the message is for the person who filled it in."""


@dataclass
class Lookups:
    """What the parsers resolve names against, loaded once per check."""

    units: dict[str, Unit]
    people: dict[str, Person]


Parser = Callable[[Any, Lookups], Any]


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def _plain(value: Any, lookups: Lookups) -> str:
    return _text(value)


def _credit_code(value: Any, lookups: Lookups) -> str:
    if isinstance(value, int | float):
        raise CellProblem(
            _(
                "The credit code is stored as a number, which Excel may round: format the "
                "column as text and type the code again."
            )
        )
    code = normalise_credit_code(_text(value))
    try:
        validate_credit_code(code)
    except ValidationError as error:
        raise CellProblem(" ".join(error.messages)) from error
    return code


def _unit(value: Any, lookups: Lookups) -> Unit:
    unit = lookups.units.get(_text(value).upper())
    if unit is None:
        raise CellProblem(_("No unit has the code “%(code)s”.") % {"code": _text(value)})
    return unit


def _manager(value: Any, lookups: Lookups) -> Person:
    person = lookups.people.get(_text(value))
    if person is None:
        raise CellProblem(_("No active person has the username “%(u)s”.") % {"u": _text(value)})
    return person


def _year(value: Any, lookups: Lookups) -> int:
    text = _text(value)
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise CellProblem(
            _("“%(value)s” is not a year: write four digits, such as 2015.") % {"value": text}
        )
    year = int(text)
    if not 1900 <= year <= timezone.localdate().year:
        raise CellProblem(
            _("%(year)s is not a possible year of first cooperation.") % {"year": year}
        )
    return year


def _choice(options: Callable[[], dict[str, tuple[str, str]]], what: str) -> Parser:
    """A parser accepting a policy key or its Chinese or English name."""

    def parse(value: Any, lookups: Lookups) -> str:
        text = _text(value)
        for key, (name_zh, name_en) in options().items():
            if text.lower() in {key.lower(), name_zh.lower(), name_en.lower()}:
                return key
        raise CellProblem(
            _("“%(value)s” is not one of the allowed values of %(what)s (see sheet 说明).")
            % {"value": text, "what": what}
        )

    return parse


def _tiers() -> dict[str, tuple[str, str]]:
    return {t.key: (t.name_zh, t.name_en) for t in current_policy().tiers.values()}


def _sources() -> dict[str, tuple[str, str]]:
    return {s.key: (s.name_zh, s.name_en) for s in current_policy().sources.values()}


def _dimension(key: str) -> Callable[[], dict[str, tuple[str, str]]]:
    def options() -> dict[str, tuple[str, str]]:
        return {o.key: (o.name_zh, o.name_en) for o in current_policy().dimensions[key].options}

    return options


@dataclass(frozen=True)
class Column:
    header_zh: str
    header_en: str
    field: str
    required: bool
    parse: Parser
    rule: Any  # lazy text: what the 说明 sheet says about the column

    def header(self, language: str | None) -> str:
        base = self.header_en if language and language.startswith("en") else self.header_zh
        return base + ("*" if self.required else "")


def _text_column(zh: str, en: str, name: str) -> Column:
    return Column(zh, en, name, False, _plain, gettext_lazy("Free text."))


COLUMNS: tuple[Column, ...] = (
    Column(
        "单位名称", "Name", "name", True, _plain, gettext_lazy("The customer unit's full name.")
    ),
    Column(
        "统一社会信用代码",
        "Credit code",
        "credit_code",
        False,
        _credit_code,
        gettext_lazy("18 characters (GB 32100-2015), entered as text."),
    ),
    Column(
        "归属单位代码",
        "Owning unit code",
        "owning_unit",
        True,
        _unit,
        gettext_lazy("The code of one of our units in which you may create customer units."),
    ),
    Column(
        "客户级别",
        "Tier",
        "tier",
        True,
        _choice(_tiers, "客户级别"),
        gettext_lazy("One of the tiers listed below."),
    ),
    *(
        Column(zh, en, key, False, _choice(_dimension(key), zh), gettext_lazy("See below."))
        for zh, en, key in (
            ("行业", "Industry", "industry"),
            ("规模", "Scale", "scale"),
            ("价值", "Value", "value"),
            ("资信", "Credit standing", "credit"),
            ("忠诚度", "Loyalty", "loyalty"),
        )
    ),
    Column(
        "合作起始年份",
        "Cooperating since",
        "cooperation_since",
        False,
        _year,
        gettext_lazy("A year in four digits, such as 2015."),
    ),
    Column(
        "客户经理用户名",
        "Customer manager username",
        "manager",
        False,
        _manager,
        gettext_lazy("The username of one of our people."),
    ),
    _text_column("地址", "Address", "address"),
    _text_column("电话", "Phone", "phone"),
    _text_column("传真", "Fax", "fax"),
    Column("电子邮件", "E-mail", "email", False, _plain, gettext_lazy("An e-mail address.")),
    _text_column("单位简介", "Profile", "profile"),
    _text_column("经营范围", "Business scope", "business_scope"),
    Column(
        "信息来源",
        "Information source",
        "source",
        False,
        _choice(_sources, "信息来源"),
        gettext_lazy("One of the sources listed below."),
    ),
    Column(
        "相近名称理由",
        "Reason for a similar name",
        "duplicate_reason",
        False,
        _plain,
        gettext_lazy("Needed only when another customer unit has a similar name."),
    ),
)
BY_FIELD = {column.field: column for column in COLUMNS}
# Fields written through the services; duplicate_reason goes as its own argument.
DATA_FIELDS = tuple(c.field for c in COLUMNS if c.field != "duplicate_reason")


def _header_key(text: Any) -> str:
    return _text(text or "").rstrip("*＊ ").lower()


HEADER_INDEX = {
    _header_key(name): column for column in COLUMNS for name in (column.header_zh, column.header_en)
}


# ---------------------------------------------------------------- template


def template_workbook(language: str | None) -> bytes:
    """An empty workbook with the headers, drop-downs and a 说明 sheet of allowed values."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = "客户单位"
    sheet.append([column.header(language) for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    _add_drop_downs(sheet, language)
    _explain(book.create_sheet("说明"), language)
    return _bytes(book)


def _letter(field_name: str) -> str:
    return get_column_letter([c.field for c in COLUMNS].index(field_name) + 1)


def _add_drop_downs(sheet: Worksheet, language: str | None) -> None:
    policy = current_policy()
    lists = {
        "tier": [t.name(language) for t in policy.tiers_by_rank()],
        "source": [s.name(language) for s in policy.sources.values()],
        **{k: [o.name(language) for o in d.options] for k, d in policy.dimensions.items()},
    }
    for field_name, names in lists.items():
        formula = '"' + ",".join(names) + '"'
        if field_name not in BY_FIELD or len(formula) > 255:  # Excel's limit for inline lists
            continue
        check = DataValidation(type="list", formula1=formula, allow_blank=True)
        check.add(f"{_letter(field_name)}2:{_letter(field_name)}{MAX_ROWS + 1}")
        sheet.add_data_validation(check)


def _explain(sheet: Worksheet, language: str | None) -> None:
    sheet.append([_("Column"), _("Required"), _("Rule")])
    for column in COLUMNS:
        sheet.append(
            [column.header(language), _("yes") if column.required else "", str(column.rule)]
        )
    policy = current_policy()
    sheet.append([])
    # Names in the template's language (import accepts either language); never the stored keys.
    sheet.append([_("Allowed values"), _("Name")])
    tables: list[tuple[str, list[Any]]] = [
        ("tier", policy.tiers_by_rank()),
        *((key, list(d.options)) for key, d in policy.dimensions.items()),
        ("source", list(policy.sources.values())),
    ]
    for field_name, named in tables:
        header = BY_FIELD[field_name].header(language) if field_name in BY_FIELD else field_name
        for item in named:
            sheet.append([header, item.name(language)])


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- report


@dataclass(frozen=True)
class Problem:
    row: int | None  # as Excel shows it; None for the whole file
    column: str
    message: str


@dataclass
class RowResult:
    row: int
    name: str
    action: str = "create"  # create / update / unchanged / error
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    customer_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict, repr=False)
    target: Customer | None = field(default=None, repr=False)
    similar: bool = field(default=False, repr=False)  # its name key is taken: keep the reason

    def refuse(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row, column, message))
        self.action = "error"


ACTIONS = ("create", "update", "unchanged", "error")


@dataclass
class ImportReport:
    file_problems: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTIONS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def problems(self) -> list[Problem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def writable(self) -> bool:
        counts = self.counts
        return not self.file_problems and counts["create"] + counts["update"] > 0

    def as_json(self) -> dict[str, Any]:
        return {
            "file_problems": list(self.file_problems),
            "counts": self.counts,
            "writable": self.writable,
            "rows": [
                {
                    "row": r.row,
                    "name": r.name,
                    "action": r.action,
                    "customer": r.customer_id,
                    "changes": r.changes,
                    "problems": [p.__dict__ for p in r.problems],
                }
                for r in self.rows
            ],
        }


# ---------------------------------------------------------------- reading the file


def max_bytes() -> int:
    return int(getattr(settings, "GUANXI_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _file_problem(data: bytes) -> str | None:
    """Why `data` is not a workbook we will open, judged by size and content, not by name."""
    if len(data) > max_bytes():
        return _("The file is larger than %(mb)s MB; split it into smaller workbooks.") % {
            "mb": round(max_bytes() / 1024 / 1024, 1)
        }
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _("This is an old Excel 97–2003 (.xls) file: save it as .xlsx and upload again.")
    not_xlsx = _("This file is not an Excel workbook (.xlsx).")
    if data[:4] != b"PK\x03\x04":
        return not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            parts = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return not_xlsx
    if not {"[Content_Types].xml", "xl/workbook.xml"} <= parts:  # a zip, but not a workbook
        return not_xlsx
    if unpacked > MAX_UNPACKED_BYTES:
        return _("The workbook unpacks to too much data; split it into smaller workbooks.")
    return None


def _open(data: bytes) -> Iterator[tuple[Any, ...]] | str:
    """The rows of the first sheet; openpyxl reads them lazily, so reading may fail later."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of error for a broken package
        return _("This file is not an Excel workbook (.xlsx), or it is damaged.")
    if not book.worksheets:
        return _("The workbook has no sheet.")
    rows: Iterator[tuple[Any, ...]] = book.worksheets[0].iter_rows(values_only=True)
    return rows


@dataclass
class Layout:
    header_row: int
    columns: list[Column | None]  # by position; None: an empty header cell
    labels: dict[str, str]  # field -> header as written in the file


def _layout(rows: Iterator[tuple[Any, ...]]) -> tuple[Layout | None, list[str]]:
    """Find and check the header row: the first row, or the second under an export watermark."""
    first = next(rows, ())
    header_row = 1
    if first and _text(first[0] or "").startswith((WATERMARK_PREFIX, "Confidential")):
        first, header_row = next(rows, ()), 2
    columns: list[Column | None] = []
    labels: dict[str, str] = {}
    unknown: list[str] = []
    for value in first:
        column = HEADER_INDEX.get(_header_key(value)) if value not in (None, "") else None
        if value not in (None, "") and (column is None or column.field in labels):
            unknown.append(_text(value))
        elif column is not None:
            labels[column.field] = _text(value)
        columns.append(column)
    missing = [c.header_zh for c in COLUMNS if c.required and c.field not in labels]
    problems = []
    if missing:
        problems.append(_("Missing required columns: %(h)s.") % {"h": "、".join(missing)})
    if unknown:
        problems.append(
            _("Unknown or repeated columns: %(h)s. Use the template's headers.")
            % {"h": "、".join(unknown)}
        )
    return (None if problems else Layout(header_row, columns, labels)), problems


@dataclass
class Sheet:
    layout: Layout
    rows: list[tuple[int, dict[str, Any]]]  # (Excel row number, field -> raw value)


def read_sheet(data: bytes) -> Sheet | list[str]:
    """The header layout and the non-empty rows, or the reasons the file cannot be read."""
    problem = _file_problem(data)
    if problem:
        return [problem]
    rows = _open(data)
    if isinstance(rows, str):
        return [rows]
    try:
        return _read_rows(rows)
    except Exception:  # a damaged sheet fails while it is being read
        return [_("This file is not an Excel workbook (.xlsx), or it is damaged.")]


def _read_rows(rows: Iterator[tuple[Any, ...]]) -> Sheet | list[str]:
    layout, problems = _layout(rows)
    if layout is None:
        return problems
    read: list[tuple[int, dict[str, Any]]] = []
    width = len(layout.columns)
    for number, values in enumerate(rows, start=layout.header_row + 1):
        cells = {
            column.field: value
            for column, value in zip(layout.columns, values[:width], strict=False)
            if column is not None and value is not None and _text(value) != ""
        }
        if not cells:
            continue
        if len(read) >= MAX_ROWS:
            return [_("The workbook has more than %(n)s rows; split it.") % {"n": MAX_ROWS}]
        read.append((number, cells))
    if not read:
        return [_("The workbook has headers but no rows.")]
    return Sheet(layout, read)


# ---------------------------------------------------------------- checking rows


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _lookups(rows: list[tuple[int, dict[str, Any]]]) -> Lookups:
    usernames = sorted({_text(cells["manager"]) for _n, cells in rows if "manager" in cells})
    people: dict[str, Person] = {}
    for part in _chunks(usernames):
        people.update(
            (p.username, p) for p in Person.objects.filter(username__in=part, is_active=True)
        )
    units = {u.code.upper(): u for u in Unit.objects.filter(is_active=True)}
    return Lookups(units=units, people=people)


def _parse_row(number: int, cells: dict[str, Any], layout: Layout, lookups: Lookups) -> RowResult:
    result = RowResult(row=number, name=_text(cells.get("name", "")))
    for column in COLUMNS:
        label = layout.labels.get(column.field, column.header_zh)
        if column.field not in cells:
            if column.required:
                result.refuse(label, _("This cell is required."))
            continue
        try:
            result.values[column.field] = column.parse(cells[column.field], lookups)
        except CellProblem as problem:
            result.refuse(label, str(problem))
    if result.action != "error":
        _clean(result, layout)
    return result


def _clean(result: RowResult, layout: Layout) -> None:
    """The model's own field rules (lengths, e-mail, credit code), as the services apply them."""
    values = {k: v for k, v in result.values.items() if k in DATA_FIELDS}
    candidate = Customer(**values)
    try:
        candidate.full_clean(
            exclude=["owning_unit", "manager", "created_by", "version"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            label = layout.labels.get(name, BY_FIELD[name].header_zh if name in BY_FIELD else "")
            result.refuse(label, " ".join(messages))


def _label(layout: Layout, field_name: str) -> str:
    return layout.labels.get(field_name, BY_FIELD[field_name].header_zh)


def _mark_duplicates_in_file(results: list[RowResult], layout: Layout) -> None:
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    for result in results:
        if result.action == "error":
            continue
        code = result.values.get("credit_code", "")
        if code and code in seen_codes:
            result.refuse(
                _label(layout, "credit_code"),
                _("The same credit code is already on row %(n)s.") % {"n": seen_codes[code]},
            )
        elif result.name in seen_names:
            result.refuse(
                _label(layout, "name"),
                _("The same name is already on row %(n)s.") % {"n": seen_names[result.name]},
            )
        if code:
            seen_codes.setdefault(code, result.row)
        seen_names.setdefault(result.name, result.row)


def _existing(results: list[RowResult]) -> tuple[dict[str, Customer], dict[str, list[Customer]]]:
    """Every customer unit, visible or not, sharing a credit code or an exact name with a row."""
    codes = sorted({r.values["credit_code"] for r in results if r.values.get("credit_code")})
    names = sorted({r.name for r in results})
    by_code: dict[str, Customer] = {}
    by_name: dict[str, list[Customer]] = {}
    for part in _chunks(codes):
        # the exclusion repeats the unique index's own condition: without it PostgreSQL cannot
        # prove that a long IN (…) list fits the partial index and scans the whole table
        found = Customer.objects.filter(credit_code__in=part).exclude(credit_code="")
        by_code.update((c.credit_code, c) for c in found)
    for part in _chunks(names):
        for customer in Customer.objects.filter(name__in=part).order_by("id"):
            by_name.setdefault(customer.name, []).append(customer)
    return by_code, by_name


HIDDEN = gettext_lazy(
    "This customer unit already exists in another unit's archive; ask that unit's "
    "information administrator."
)


def _match(
    actor: Person,
    result: RowResult,
    layout: Layout,
    by_code: dict[str, Customer],
    by_name: dict[str, list[Customer]],
) -> None:
    """Credit code first, then exact name; a hidden match is refused without naming it."""
    code = result.values.get("credit_code", "")
    if code and code in by_code:
        found = by_code[code]
        if not may(actor, "customer.view", found):
            result.refuse(_label(layout, "credit_code"), str(HIDDEN))
            return
        result.target = found
        return
    candidates = [c for c in by_name.get(result.name, []) if not code or not c.credit_code]
    seen = [c for c in candidates if may(actor, "customer.view", c)]
    if len(seen) > 1:
        result.refuse(
            _label(layout, "name"),
            _("Several customer units have this name; add the credit code to say which."),
        )
    elif seen:
        result.target = seen[0]
    elif candidates:
        result.refuse(_label(layout, "name"), str(HIDDEN))


def _same(customer: Customer, field_name: str, value: Any) -> bool:
    if field_name in {"owning_unit", "manager"}:
        return bool(getattr(customer, f"{field_name}_id") == value.pk)
    return bool(getattr(customer, field_name) == value)


def _decide(actor: Person, result: RowResult, layout: Layout) -> None:
    """create, update or unchanged, and whether the actor may do it."""
    unit = result.values.get("owning_unit")
    target = result.target
    if target is None:
        if unit is not None and not may_in_unit(actor, "customer.create", unit.pk):
            result.refuse(
                _label(layout, "owning_unit"),
                _("You may not create customer units for %(unit)s.") % {"unit": unit.name},
            )
        return
    result.customer_id = target.pk
    result.changes = [
        name
        for name in DATA_FIELDS
        if name in result.values and not _same(target, name, result.values[name])
    ]
    result.action = "update" if result.changes else "unchanged"
    if not result.changes:
        return
    if not may(actor, "customer.change", target) or (
        unit is not None and not may_in_unit(actor, "customer.change", unit.pk)
    ):
        result.refuse(_label(layout, "owning_unit"), _("You may not change this customer unit."))


def _similar_names(actor: Person, results: list[RowResult], layout: Layout) -> None:
    """The services' CUS-9 rule, set-based: a new name whose key another unit (or an earlier
    row) has needs a reason in 相近名称理由."""
    renaming = [
        r
        for r in results
        if r.action == "create" or (r.target is not None and r.target.name_key != name_key(r.name))
    ]
    keys = sorted({name_key(r.name) for r in renaming} - {""})
    taken: dict[str, list[tuple[int, str, int]]] = {}
    for part in _chunks(keys):
        for pk, key, cname, unit_id in Customer.objects.filter(name_key__in=part).values_list(
            "pk", "name_key", "name", "owning_unit_id"
        ):
            taken.setdefault(key, []).append((pk, cname, unit_id))
    earlier: dict[str, int] = {}
    for result in renaming:
        key = name_key(result.name)
        others = [o for o in taken.get(key, []) if o[0] != result.customer_id]
        result.similar = bool(key and (others or key in earlier))
        if result.similar and not result.values.get("duplicate_reason"):
            result.refuse(_label(layout, "name"), _similar_message(actor, others, earlier.get(key)))
        earlier.setdefault(key, result.row)


def _similar_message(actor: Person, others: list[tuple[int, str, int]], row: int | None) -> str:
    shown = [name for _pk, name, unit_id in others if may_in_unit(actor, "customer.view", unit_id)]
    if shown:
        return _(
            "A customer unit with a similar name already exists: %(name)s. Fill in 相近名称理由 "
            "to create another."
        ) % {"name": "、".join(shown[:5])}
    if others:
        return _(
            "A customer unit with a similar name exists in another unit's archive. Fill in "
            "相近名称理由 to create another."
        )
    return _("Row %(n)s has a similar name. Fill in 相近名称理由 to create another.") % {"n": row}


def check_upload(*, actor: Person, data: bytes, filename: str) -> ImportReport:
    """Check a workbook without writing anything: file problems, or one result per row."""
    if not may(actor, "customer.create"):
        raise PermissionDenied(_("You may not import customer units."))
    sheet = read_sheet(data)
    if isinstance(sheet, list):
        return ImportReport(file_problems=sheet)
    lookups = _lookups(sheet.rows)
    results = [_parse_row(n, cells, sheet.layout, lookups) for n, cells in sheet.rows]
    _mark_duplicates_in_file(results, sheet.layout)
    by_code, by_name = _existing([r for r in results if r.action != "error"])
    for result in results:
        if result.action != "error":
            _match(actor, result, sheet.layout, by_code, by_name)
        if result.action != "error":
            _decide(actor, result, sheet.layout)
    _similar_names(actor, [r for r in results if r.action != "error"], sheet.layout)
    return ImportReport(rows=results)


# ---------------------------------------------------------------- upload and apply


def import_upload(
    *, actor: Person, data: bytes, filename: str
) -> tuple[ImportReport, CustomerImport | None]:
    """Check a workbook and keep it for the confirm step; a refused file is not kept."""
    report = check_upload(actor=actor, data=data, filename=filename)
    if report.file_problems:
        return report, None
    upload = CustomerImport.objects.create(
        uploader=actor,
        filename=filename[:255],
        content=data,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        report=report.as_json(),
    )
    return report, upload


def import_get(*, actor: Person, pk: int) -> CustomerImport:
    """An upload of the actor's own; anyone else's looks missing."""
    return CustomerImport.objects.get(pk=pk, uploader=actor)


def _write(actor: Person, result: RowResult) -> None:
    values = {k: v for k, v in result.values.items() if k in DATA_FIELDS}
    reason = result.values.get("duplicate_reason", "")
    if result.target is None:
        created = services.customer_create(actor=actor, duplicate_reason=reason, **values)
        result.customer_id = created.pk
        return
    changes = {name: values[name] for name in result.changes}
    services.customer_update(
        actor=actor,
        customer=result.target,
        version=result.target.version,
        duplicate_reason=reason,
        **changes,
    )


BULK = 500  # rows per INSERT / UPDATE statement and per savepoint of the apply step


def _keys(customer: Customer) -> None:
    """What `Customer.save` and the services' `_prepare` do, for rows written in bulk."""
    customer.name = customer.name.strip()
    customer.credit_code = normalise_credit_code(customer.credit_code)
    customer.name_pinyin, customer.name_initials = pinyin_keys(customer.name)
    customer.name_key = name_key(customer.name)


def _reason(result: RowResult) -> str:
    """Like the services: a reason is kept only where the name is in fact similar (CUS-9)."""
    return str(result.values.get("duplicate_reason", "")).strip() if result.similar else ""


def _new(actor: Person, result: RowResult) -> Customer:
    values = {k: v for k, v in result.values.items() if k in DATA_FIELDS}
    customer = Customer(created_by=actor, **values)
    _keys(customer)
    customer.duplicate_reason = _reason(result)
    return customer


def _copy_in(objects: list[Customer]) -> None:
    """PostgreSQL: store new units by COPY, their ids drawn from the table's sequence first.

    bulk_create's INSERT of sixty columns by 500 rows spends longer in Python building and
    binding the statement than PostgreSQL spends storing the rows. Row triggers (history)
    fire for COPY as for INSERT, inside the same transaction.
    """
    table = Customer._meta.db_table
    fields = Customer._meta.concrete_fields
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(objects)],
        )
        for customer, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            customer.pk = pk
        rows = [
            tuple(f.get_db_prep_save(f.pre_save(c, True), connection) for f in fields)
            for c in objects
        ]
        copy_sql = f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
        with connection.wrap_database_errors, cursor.copy(copy_sql) as copy:  # IntegrityError
            for row in rows:
                copy.write_row(row)
    for customer in objects:
        customer._state.adding = False
        customer._state.db = connection.alias


def _create_all(actor: Person, rows: list[RowResult]) -> list[RowResult]:
    """INSERT the new units a chunk at a time; a chunk that hits a unique credit code written
    meanwhile is handed back for the row-by-row path, which reports the row."""
    retry: list[RowResult] = []
    for start in range(0, len(rows), BULK):
        chunk = rows[start : start + BULK]
        objects = [_new(actor, result) for result in chunk]
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    _copy_in(objects)
                else:
                    Customer.objects.bulk_create(objects)
        except IntegrityError:
            retry += chunk
            continue
        for result, customer in zip(chunk, objects, strict=True):
            result.customer_id = customer.pk
    return retry


def _update_all(rows: list[RowResult]) -> None:
    """Lock the matched units, refuse those saved since the check (stale version), and write
    the rest with one UPDATE per chunk; only changed columns reach the history."""
    now = timezone.now()
    keys = {"name", "name_pinyin", "name_initials", "name_key", "credit_code"}
    for start in range(0, len(rows), BULK):
        chunk = rows[start : start + BULK]
        with transaction.atomic():
            ids = [r.target.pk for r in chunk if r.target is not None]
            locked = Customer.objects.select_for_update().in_bulk(ids)
            ready: list[Customer] = []
            fields = {"version", "updated_at", "duplicate_reason"} | keys
            for result in chunk:
                assert result.target is not None  # noqa: S101 - an update has its target
                current = locked.get(result.target.pk)
                actual = current.version if current is not None else 0
                if current is None or actual != result.target.version:
                    stale = StaleVersion(expected=result.target.version, actual=actual)
                    result.refuse("", str(stale))
                    continue
                for name in result.changes:
                    setattr(current, name, result.values[name])
                _keys(current)
                current.duplicate_reason = _reason(result) or current.duplicate_reason
                current.version += 1
                current.updated_at = now
                fields.update(result.changes)
                ready.append(current)
            Customer.objects.bulk_update(ready, sorted(fields))


def apply_import(*, actor: Person, upload: CustomerImport) -> ImportReport:
    """Check the kept bytes again, then write every good row in one transaction, set-based.

    Rows are written in bulk per information source (the history records each row's source,
    CUS-12) with the import as the path; a row changed by someone since the check is refused
    as stale and reported, the others are still written. Imports of 10,000 rows must take
    seconds, not the minutes that row-by-row service calls take (issue 5).
    """
    report = check_upload(actor=actor, data=bytes(upload.content), filename=upload.filename)
    writes = [r for r in report.rows if r.action in {"create", "update"}]
    sources = sorted({str(r.values.get("source") or "") for r in writes})
    with attributed(actor=actor, via=Via.IMPORT):
        for source in sources:
            group = [r for r in writes if str(r.values.get("source") or "") == source]
            with attributed(actor=actor, source=source, via=Via.IMPORT):
                retry = _create_all(actor, [r for r in group if r.action == "create"])
                _update_all([r for r in group if r.action == "update"])
            for result in retry:
                _write_one(actor, result)
        upload.status = ImportStatus.APPLIED
        upload.applied_at = timezone.now()
        upload.report = report.as_json()
        upload.save(update_fields=["status", "applied_at", "report"])
    return report


def _write_one(actor: Person, result: RowResult) -> None:
    """The row-by-row path through the services, for the rare chunk the bulk insert refused."""
    try:
        with transaction.atomic():  # a refused row rolls back to its own savepoint
            _write(actor, result)
    except (ValidationError, PermissionDenied, StaleVersion) as error:
        messages = getattr(error, "messages", None) or [str(error)]
        result.refuse("", " ".join(str(m) for m in messages))


# ---------------------------------------------------------------- export


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula becomes plain, visibly quoted text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _put(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=index)
        cell.value = neutralise(value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never "f": a cell of an export is never a formula


def watermark(actor: Person, at: datetime) -> str:
    units = Membership.objects.filter(person=actor).select_related("unit").order_by("unit__path")
    names = "、".join(dict.fromkeys(m.unit.name for m in units)) or "—"
    stamp = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    return f"{WATERMARK_PREFIX} · 导出人 {actor} · {names} · {stamp} · 禁止复制外传"


def _export_row(customer: Customer, language: str | None) -> list[Any]:
    policy = current_policy()
    row: list[Any] = []
    for column in COLUMNS:
        value: Any = getattr(customer, column.field, "")
        if column.field == "owning_unit":
            value = customer.owning_unit.code
        elif column.field == "manager":
            value = customer.manager.username if customer.manager else ""
        elif column.field == "tier" and value in policy.tiers:
            value = policy.tiers[value].name(language)
        elif column.field in policy.dimensions and value:
            option = policy.dimensions[column.field].option(value)
            value = option.name(language) if option else value
        elif column.field == "source" and value in policy.sources:
            value = policy.sources[value].name(language)
        row.append("" if value is None else value)
    return row


def _mark(book: Workbook, sheet: Worksheet, text: str, actor: Person) -> None:
    """The watermark of DOC-5: on every printed page, and in the file's properties."""
    for item in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter):
        if item is not None:
            item.center.text = text
    book.properties.creator = str(actor)
    book.properties.description = text
    book.properties.title = "客户单位导出 Customer units export"


def export_workbook(
    *, actor: Person, filters: CustomerFilters, language: str | None, address: str | None
) -> bytes:
    """The actor's current customer list as a watermarked workbook; every row's read is
    registered before the bytes are returned (fail-closed: ReadNotRegistered, no file)."""
    if not may(actor, "customer.export"):
        raise PermissionDenied(_("You may not export customer units."))
    rows = list(
        customer_list(actor=actor, filters=filters).select_related("manager")[: EXPORT_LIMIT + 1]
    )
    cut = len(rows) > EXPORT_LIMIT
    rows = rows[:EXPORT_LIMIT]
    text = watermark(actor, timezone.now())
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = "客户单位"
    _put(sheet, 1, [text])
    _put(sheet, 2, [column.header(language) for column in COLUMNS])
    for offset, customer in enumerate(rows):
        _put(sheet, 3 + offset, _export_row(customer, language))
    if cut:
        message = _("Only the first %(n)s rows were exported; narrow the filters.")
        _put(sheet, 3 + len(rows), [message % {"n": EXPORT_LIMIT}])
    _mark(book, sheet, text, actor)
    data = _bytes(book)
    register_reads(
        actor=actor, reads=[read_of(c) for c in rows], channel=Channel.EXPORT, address=address
    )
    return data
