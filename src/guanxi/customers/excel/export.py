"""Export: a permission of its own; every exported record's read is registered before any byte
leaves; a watermark; formulas neutralised."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from guanxi.access.exports import check_confirmed
from guanxi.access.lists import query_text, register_list_ids
from guanxi.access.models import Channel
from guanxi.access.scope import may
from guanxi.customers.excel.columns import COLUMNS, EXPORT_LIMIT, FORMULA_STARTS, WATERMARK_PREFIX
from guanxi.customers.excel.template import _bytes
from guanxi.customers.models import Customer
from guanxi.customers.selectors import CustomerFilters, customer_list
from guanxi.organisation.models import Membership, Person
from guanxi.policy.loader import current as current_policy


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


def export_count(*, actor: Person, filters: CustomerFilters) -> int:
    """How many customer units an export with `filters` would carry (the list's own rows)."""
    return customer_list(actor=actor, filters=filters)[:EXPORT_LIMIT].count()


def export_workbook(
    *,
    actor: Person,
    filters: CustomerFilters,
    language: str | None,
    address: str | None,
    confirmed: int | None = None,
    query: Mapping[str, Any] | str | None = None,
) -> bytes:
    """The actor's current customer list as a watermarked workbook; the rows it carries are
    registered as one list read per owning unit (in chunks of `CHUNK` ids) with the query that
    chose them (`query`, else the filters), before the bytes are returned (fail-closed:
    ReadNotRegistered, no file). More rows than the policy allows unconfirmed:
    ExportNotConfirmed, nothing read."""
    if not may(actor, "customer.export"):
        raise PermissionDenied(_("You may not export customer units."))
    check_confirmed(count=export_count(actor=actor, filters=filters), confirmed=confirmed)
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
    register_list_ids(
        actor=actor,
        record_type=Customer._meta.label_lower,
        pairs=((c.pk, c.owning_unit_id) for c in rows),
        channel=Channel.EXPORT,
        query=query_text(filters_query(filters) if query is None else query),
        address=address,
    )
    return data


def filters_query(filters: CustomerFilters) -> dict[str, Any]:
    """The list's filters under the names of its query string, for the read register."""
    return {
        "q": filters.query,
        "tier": filters.tier,
        "unit": filters.unit,
        "industry": filters.industry,
        "manager": filters.manager,
        "sort": "" if filters.sort == CustomerFilters.sort else filters.sort,
    }
