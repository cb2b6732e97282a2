"""Workbooks with the reader's watermark in a first row and in every printed page's header.

Amounts stay numbers: a Decimal is a money cell with the number format `#,##0.00`, so a
reader can sum the column; a rate is written as `Rate(value)` and shown as a percentage.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Font

from guanxi.documents.watermark import watermark
from guanxi.formats import EXCEL_MONEY
from guanxi.organisation.models import Person

PERCENT = "0.##%"


@dataclass(frozen=True)
class Rate:
    """A share such as a win rate (0.6), written as a number shown as 60%."""

    value: Decimal


def workbook(
    *,
    reader: Person,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    sheet: str = "Sheet1",
) -> bytes:
    """One sheet: watermark, title, header, rows. Values are written as data, never formulas."""
    book = Workbook()
    ws = book.active
    assert ws is not None  # noqa: S101 - a new workbook has a sheet
    ws.title = sheet[:31]
    mark = watermark(reader)
    ws.append([mark])
    ws["A1"].font = Font(color="C00000", italic=True)
    ws.append([title])
    ws["A2"].font = Font(bold=True, size=14)
    ws.append(list(header))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for row in rows:
        ws.append([_safe(value) for value in row])
        _number_formats(ws[ws.max_row], row)
    for band in (ws.oddHeader, ws.oddFooter):
        if band is not None:
            band.center.text = mark
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_formats(cells: Sequence[Cell | MergedCell], values: Sequence[object]) -> None:
    for cell, value in zip(cells, values, strict=False):
        if isinstance(cell, MergedCell):
            continue
        if isinstance(value, Decimal):
            cell.number_format = EXCEL_MONEY
        elif isinstance(value, Rate):
            cell.number_format = PERCENT


def _safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula is written with a leading quote."""
    if isinstance(value, Rate):
        return value.value
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
