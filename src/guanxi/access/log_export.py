"""The read register as a workbook (DOC-4, DOC-5): the filtered entries, one row each, with the
reader and the record named. The export is itself a read of those entries and is registered
(channel export, record type access.accesslogentry) before any byte leaves; above the policy's
number it needs the number confirmed, like every export."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guanxi.access.exports import check_confirmed
from guanxi.access.lists import query_text, register_list_ids
from guanxi.access.models import AccessLogEntry, Channel
from guanxi.access.scope import may
from guanxi.access.selectors import (
    EXPORT_LIMIT,
    PERMISSION,
    LogFilters,
    describe,
    export_count,
    export_entries,
    query_words,
)
from guanxi.customers.excel.export import _put, watermark
from guanxi.customers.excel.template import _bytes
from guanxi.organisation.models import Person

NAMED_IDS = 1000  # ids of one entry named in the workbook; the rest are listed by id


def headers() -> list[str]:
    return [
        _("Entry"),
        _("Time"),
        _("Reader"),
        _("Username"),
        _("Channel"),
        _("Record type"),
        _("Record"),
        _("Records returned"),
        _("Query"),
        _("Client address"),
    ]


def log_workbook(
    *,
    actor: Person,
    filters: LogFilters,
    confirmed: int | None = None,
    address: str | None = None,
) -> bytes:
    """The filtered register as a watermarked workbook; the entries' read is registered
    before the bytes are returned (fail-closed). More entries than the policy allows
    unconfirmed: `ExportNotConfirmed`, nothing read."""
    if not may(actor, PERMISSION):
        raise PermissionDenied(_("You may not see the read register."))
    check_confirmed(count=export_count(actor=actor, filters=filters), confirmed=confirmed)
    entries = export_entries(actor=actor, filters=filters)
    rows = describe(entries, actor=actor, per_group=None)
    text = watermark(actor, timezone.now())
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = "查阅登记"
    _put(sheet, 1, [text])
    _put(sheet, 2, headers())
    line = 3
    for row in rows:
        for entry in row.entries:
            if row.is_list:
                ids = entry.returned_ids
                named = {r.record_id: str(r) for r in row.records}
                record = ""
                returned = "、".join(named.get(i, i) for i in ids[:NAMED_IDS])
                if len(ids) > NAMED_IDS:
                    returned += "、" + "、".join(ids[NAMED_IDS:])
            else:
                record = str(row.records[0]) if row.records else entry.record_id
                returned = ""
            _put(
                sheet,
                line,
                [
                    entry.seq,
                    timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
                    row.reader_name,
                    entry.username,
                    row.channel_label,
                    row.type_label,
                    record,
                    returned,
                    query_words(entry.query or ""),
                    entry.address or "",
                ],
            )
            line += 1
    if len(entries) >= EXPORT_LIMIT:
        message = _("Only the first %(n)s rows were exported; narrow the filters.")
        _put(sheet, line, [message % {"n": EXPORT_LIMIT}])
    for item in (sheet.oddHeader, sheet.oddFooter):
        if item is not None:
            item.center.text = text
    book.properties.creator = str(actor)
    book.properties.description = text
    book.properties.title = "查阅登记导出 Read register export"
    data = _bytes(book)
    register_list_ids(
        actor=actor,
        record_type=AccessLogEntry._meta.label_lower,
        pairs=[(entry.seq, entry.record_unit_id) for entry in entries],
        channel=Channel.EXPORT,
        query=query_text(filters.params()),
        address=address,
    )
    return data


__all__ = ["headers", "log_workbook"]
