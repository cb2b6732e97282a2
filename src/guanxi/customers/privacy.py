"""Personal-data requests (PRV-1): reading the requests, and handing a person their own data.

A person asking to see their data gets every personal field we hold on them, as a watermarked
workbook or a printable page. Both are confidential reads of the contact: registered (channel
export or document) before anything leaves, fail-closed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads
from guanxi.access.scope import User, fetch, may, visible
from guanxi.customers.excel import neutralise, watermark
from guanxi.customers.models import PROFILE_FIELDS, Contact, PersonalDataRequest
from guanxi.organisation.models import Person
from guanxi.policy.loader import current as current_policy

PERMISSION = "customer.view"
HANDLE = "personal_data.handle"
UNIT_FIELD = "contact__customer__owning_unit"
OPEN, DONE = "open", "done"
CONTACT_FIELDS = (
    "name",
    "position",
    "department",
    "phone",
    "mobile",
    "home_phone",
    "email",
    "is_key",
    "purpose",
    "consent_at",
    "consent_note",
    "source",
    *PROFILE_FIELDS,
    "erased_at",
)


def request_list(*, actor: User, status: str = "") -> QuerySet[PersonalDataRequest]:
    """The requests about contacts of the actor's line, newest first; `open` or `done`."""
    requests = visible(
        actor,
        PersonalDataRequest.objects.select_related("contact__customer", "recorded_by", "done_by"),
        PERMISSION,
        unit_field=UNIT_FIELD,
    )
    if status == OPEN:
        requests = requests.filter(done_at__isnull=True)
    elif status == DONE:
        requests = requests.filter(done_at__isnull=False)
    return requests.order_by("-id")


def request_queryset() -> QuerySet[PersonalDataRequest]:
    """Requests with the contact and people their pages show, in one query."""
    return PersonalDataRequest.objects.select_related(
        "contact__customer", "contact__department", "recorded_by", "done_by"
    )


def request_get(
    *, actor: User, pk: object, channel: Channel, request: HttpRequest | None = None
) -> PersonalDataRequest:
    """One request, its read registered; 404 when missing or outside the reader's line."""
    return fetch(
        actor,
        request_queryset(),
        PERMISSION,
        channel=channel,
        request=request,
        unit_field=UNIT_FIELD,
        pk=pk,
    )


def may_handle(actor: User, data_request: PersonalDataRequest) -> bool:
    return may(actor, HANDLE, data_request, unit_field=UNIT_FIELD)


@dataclass(frozen=True)
class PersonalField:
    label: str
    value: str


def _text(contact: Contact, name: str, language: str | None) -> str:
    value: Any = getattr(contact, name)
    if name == "department":
        return value.name if value is not None else ""
    if name == "source":
        source = current_policy().sources.get(value)
        return source.name(language) if source else str(value or "")
    if name == "photo":
        return _("on file") if value else ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def personal_fields(contact: Contact, *, language: str | None) -> list[PersonalField]:
    """Every field we hold on the person, labelled, in the order of the contact form."""
    labels = {f.name: str(f.verbose_name) for f in Contact._meta.concrete_fields}
    return [
        PersonalField(label=labels[name], value=_text(contact, name, language))
        for name in CONTACT_FIELDS
    ]


def require_handle(actor: Person, data_request: PersonalDataRequest) -> None:
    if not may_handle(actor, data_request):
        raise PermissionDenied(_("You may not carry out personal data requests here."))


def personal_data_read(
    *, actor: Person, data_request: PersonalDataRequest, channel: Channel, request: HttpRequest
) -> Contact:
    """The contact of a request, for handing the person their data; the read is registered
    on the contact's own record before anything is shown (fail-closed)."""
    require_handle(actor, data_request)
    contact = data_request.contact
    register_reads(
        actor=actor,
        reads=[read_of(contact, UNIT_FIELD.removeprefix("contact__"))],
        channel=channel,
        address=client_address(request),
    )
    return contact


def personal_data_workbook(*, actor: Person, contact: Contact, language: str | None) -> bytes:
    """The person's data as a workbook, watermarked on the sheet and every printed page."""
    text = watermark(actor, timezone.now())
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook always has a sheet
    sheet.title = "个人信息"
    sheet.append([text])
    sheet.append([_("Field"), _("Value")])
    for field in personal_fields(contact, language=language):
        sheet.append([neutralise(field.label), neutralise(field.value)])
    for item in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter):
        if item is not None:
            item.center.text = text
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 60
    book.properties.creator = str(actor)
    book.properties.description = text
    book.properties.title = "个人信息查阅 Personal data"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
