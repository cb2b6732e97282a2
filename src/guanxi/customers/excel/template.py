"""The import template: headers, drop-downs and an explanation sheet."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from guanxi.customers.excel.columns import BY_FIELD, COLUMNS, MAX_ROWS
from guanxi.policy.loader import current as current_policy


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
