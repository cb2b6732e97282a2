"""Workbooks with the reader's watermark in a first row and in every printed page's header."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from guanxi.documents.watermark import watermark
from guanxi.organisation.models import Person


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
    for band in (ws.oddHeader, ws.oddFooter):
        if band is not None:
            band.center.text = mark
    ws.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula is written with a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
