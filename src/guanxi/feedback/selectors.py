"""Reads of the activity forms, always through the access module (000 §20.2, §22)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads
from guanxi.access.scope import User, acting_person, visible
from guanxi.feedback import policies
from guanxi.feedback.models import MODELS, FormRecord, Signature
from guanxi.organisation.models import Unit

UNIT_FIELD = "unit"


@dataclass(frozen=True)
class FormFilters:
    customer: int | None = None
    unit: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def record_list(*, actor: User, kind: str, filters: FormFilters) -> QuerySet[Any]:
    rows = visible(actor, MODELS[kind].objects.all(), "feedback.view", UNIT_FIELD)
    if filters.customer:
        rows = rows.filter(customer_id=filters.customer)
    if filters.unit:
        # the chosen unit and the units below it: a division sees its bases' forms too
        chosen = Unit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        below = Unit.objects.filter(path__startswith=chosen or "\0").values("pk")
        rows = rows.filter(unit_id__in=below)
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    return rows.select_related("unit", "customer").order_by("-id")


def _base(kind: str) -> QuerySet[Any]:
    return MODELS[kind].objects.select_related(
        "unit", "customer", "activity", "service_unit", "visited_person", "operation", "dealing"
    )


def record_find(*, actor: User, kind: str, pk: object, for_change: bool = False) -> FormRecord:
    """One form the reader may see, not yet registered (404 alike when missing or out of
    sight); `for_change` refuses a copy before anything is registered (403)."""
    person = acting_person(actor)
    try:
        record: FormRecord = visible(person, _base(kind), "feedback.view", UNIT_FIELD).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    if for_change and not policies.may_edit(person, record):
        raise PermissionDenied
    return record


def register(
    *, actor: User, record: FormRecord, channel: Channel, request: HttpRequest | None
) -> None:
    register_reads(
        actor=acting_person(actor),
        reads=[read_of(record, UNIT_FIELD)],
        channel=channel,
        address=client_address(request),
    )


def record_get(
    *,
    actor: User,
    kind: str,
    pk: object,
    channel: Channel,
    request: HttpRequest | None = None,
    for_change: bool = False,
) -> FormRecord:
    """One form, its read registered once nothing can refuse any more."""
    record = record_find(actor=actor, kind=kind, pk=pk, for_change=for_change)
    register(actor=actor, record=record, channel=channel, request=request)
    return record


def signatures_of(record: FormRecord) -> list[Signature]:
    """Every signature, voided ones too, in the order given."""
    return list(record.signatures.select_related("signer", "voided_by").order_by("signed_at", "id"))
