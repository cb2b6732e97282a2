"""Registering reads: fail-closed, hash-chained, one short transaction per batch."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.access.chain import entry_hash
from guanxi.access.models import AccessLogEntry, ChainHead, Channel
from guanxi.organisation.models import Person

logger = logging.getLogger(__name__)


class ReadNotRegistered(Exception):
    """The read could not be registered, so the data must not be shown (DOC-4, fail-closed)."""

    message = _(
        "This record cannot be shown right now because the read could not be "
        "registered. Please try again in a moment; if it persists, tell the administrator."
    )


@dataclass(frozen=True)
class Read:
    record_type: str
    record_id: str
    record_unit_id: int | None


def unit_id_of(obj: Model, unit_field: str = "owning_unit") -> int | None:
    """The id of the unit owning `obj`, following a path such as "customer__owning_unit"."""
    *hops, last = unit_field.split("__")
    target: object = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    value = getattr(target, f"{last}_id", None)
    return int(value) if value is not None else None


def read_of(obj: Model, unit_field: str = "owning_unit") -> Read:
    return Read(
        record_type=obj._meta.label_lower,
        record_id=str(obj.pk),
        record_unit_id=unit_id_of(obj, unit_field),
    )


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _locked_head() -> ChainHead:
    """Lock the chain head. An empty log may start a chain; a log without a head may not."""
    try:
        return ChainHead.objects.select_for_update().get(pk=1)
    except ChainHead.DoesNotExist:
        if AccessLogEntry.objects.exists():
            raise
        ChainHead.objects.get_or_create(pk=1)
        return ChainHead.objects.select_for_update().get(pk=1)


def register_reads(
    *, actor: Person, reads: Iterable[Read], channel: Channel, address: str | None
) -> list[AccessLogEntry]:
    """Append one entry per read to the chain, in one transaction, or raise ReadNotRegistered."""
    reads = list(reads)
    if not reads:
        return []
    try:
        with transaction.atomic():
            head = _locked_head()
            entries = []
            now = timezone.now()
            for read in reads:
                entry = AccessLogEntry(
                    seq=head.seq + 1,
                    at=now,
                    reader_id=actor.pk,
                    username=actor.get_username(),
                    record_type=read.record_type,
                    record_id=read.record_id,
                    record_unit_id=read.record_unit_id,
                    channel=str(channel),
                    address=address,
                    prev_hash=head.hash,
                )
                entry.hash = entry_hash(
                    seq=entry.seq,
                    at=now,
                    reader_id=entry.reader_id,
                    username=entry.username,
                    record_type=entry.record_type,
                    record_id=entry.record_id,
                    record_unit_id=entry.record_unit_id,
                    channel=entry.channel,
                    address=address,
                    prev_hash=entry.prev_hash,
                )
                head.seq, head.hash = entry.seq, entry.hash
                entries.append(entry)
            AccessLogEntry.objects.bulk_create(entries)
            ChainHead.objects.filter(pk=1).update(seq=head.seq, hash=head.hash)
    except (DatabaseError, ChainHead.DoesNotExist) as error:
        logger.exception("read register unavailable")
        raise ReadNotRegistered(str(error)) from error
    return entries


def register_read(
    *,
    actor: Person,
    obj: Model,
    channel: Channel,
    request: HttpRequest | None = None,
    unit_field: str = "owning_unit",
) -> AccessLogEntry:
    return register_reads(
        actor=actor,
        reads=[read_of(obj, unit_field)],
        channel=channel,
        address=client_address(request),
    )[0]
