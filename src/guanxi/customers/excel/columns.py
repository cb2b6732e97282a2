"""The workbook's columns: headers in both languages, how each cell is parsed and checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.customers.validators import normalise_credit_code, validate_credit_code
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy

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
