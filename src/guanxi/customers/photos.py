"""Photos of customer units (background information, CUS-2) and key persons (CUS-3; 003 附表2).

An upload goes through `guanxi.uploads.check_upload`: the kind is judged by the bytes (PNG or
JPEG only), the size is capped, and the stored name is ours, never the uploader's. A photo is
read only through `photo_get`, which scopes through `guanxi.access` and registers the read
(000 §20.2); nothing is served from a public media URL. A key person's photo is part of the
background profile, so reading or changing it also needs `contact.view_profile` (PRV-1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import IO, Any, cast
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads
from guanxi.access.scope import User, may_in_unit, visible
from guanxi.customers.archive import require_change
from guanxi.customers.models import Contact, Customer
from guanxi.history.context import attributed_write, record_source
from guanxi.organisation.models import Person
from guanxi.uploads import check_upload, sniff

Record = Customer | Contact
PHOTO_KINDS = frozenset({"png", "jpeg"})
EXTENSIONS = {"png": "png", "jpeg": "jpg"}
# model -> (the permission that reads its photo, the path to the owning unit)
READ_RULES: dict[type[Record], tuple[str, str]] = {
    Customer: ("customer.view", "owning_unit"),
    Contact: ("contact.view_profile", "customer__owning_unit"),
}


@dataclass(frozen=True)
class Photo:
    data: bytes
    kind: str


def max_bytes() -> int:
    return int(getattr(settings, "PHOTO_MAX_BYTES", 5 * 1024 * 1024))


def _customer_of(record: Customer | Contact) -> Customer:
    return record if isinstance(record, Customer) else record.customer


def require_photo_change(actor: Person, record: Customer | Contact) -> None:
    """Who may change a photo: the archive's writers; for a key person, only one who may
    also see the profile the photo belongs to, and only while the person has a profile."""
    customer = _customer_of(record)
    require_change(actor, customer)
    if not isinstance(record, Contact):
        return
    if not may_in_unit(actor, "contact.view_profile", customer.owning_unit_id):
        raise PermissionDenied(_("You may not change key-person profiles."))
    if record.erased_at is not None:
        raise ValidationError(_("This person's data was erased at their request."))
    if not record.is_key:
        raise ValidationError(_("Only key persons carry a background profile (PRV-1)."))


def _locked(record: Record) -> Record:
    if isinstance(record, Customer):
        return Customer.objects.select_for_update(of=("self",)).get(pk=record.pk)
    query = Contact.objects.select_for_update(of=("self",)).select_related("customer")
    return query.get(pk=record.pk)


def _store(record: Record, old_name: str) -> Record:
    """Save the new state; the old file goes only once the change is committed."""
    record.version += 1
    record.full_clean()
    with record_source(record):  # history: the record's own source channel (CUS-6)
        record.save()
    if old_name:
        transaction.on_commit(partial(record.photo.storage.delete, old_name))
    return record


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def photo_set(*, actor: Person, record: Record, upload: IO[bytes]) -> Record:
    """Upload or replace the photo of a customer unit or key person."""
    locked = _locked(record)
    require_photo_change(actor, locked)
    data, kind = check_upload(upload, set(PHOTO_KINDS), max_bytes())
    old_name = locked.photo.name or ""
    locked.photo.save(f"{uuid4().hex}.{EXTENSIONS[kind]}", ContentFile(data), save=False)
    return _store(locked, old_name)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def photo_remove(*, actor: Person, record: Record) -> Record:
    """Remove the photo; removing none is refused, so a double click says so."""
    locked = _locked(record)
    require_photo_change(actor, locked)
    old_name = locked.photo.name or ""
    if not old_name:
        raise ValidationError(_("There is no photo to remove."))
    locked.photo = ""  # a FileField is cleared with ""
    return _store(locked, old_name)


def _scoped(actor: User, model: type[Record], permission: str) -> QuerySet[Any]:
    unit_field = READ_RULES[model][1]
    return visible(actor, model._default_manager.all(), permission, unit_field)


def record_for_change(*, actor: Person, model: type[Record], pk: int) -> Record:
    """The record whose photo is to change, if the actor may see it (404 alike otherwise).
    Nothing of it is shown, so no read is registered; the service decides the change."""
    record = _scoped(actor, model, "customer.view").filter(pk=pk).first()
    if record is None:
        raise Http404
    return cast(Record, record)


def photo_get(
    *,
    actor: User,
    model: type[Record],
    pk: object,
    channel: Channel,
    request: HttpRequest | None = None,
) -> Photo:
    """The photo of a record the reader may see (404 when missing, forbidden or without a
    photo, alike), its read registered as a read of the record itself — only once the photo
    is certain to be served: a 404 leaves no entry in the read register."""
    permission, unit_field = READ_RULES[model]
    if not isinstance(actor, Person):
        raise Http404
    try:
        record = visible(
            actor, model._default_manager.exclude(photo=""), permission, unit_field
        ).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error
    photo = cast(Record, record).photo
    try:
        with photo.open("rb") as file:
            data = file.read()
    except OSError as error:
        raise Http404 from error
    kind = sniff(data)
    if kind not in PHOTO_KINDS:  # stored by another path: never served as anything but an image
        raise Http404
    register_reads(
        actor=actor,
        reads=[read_of(record, unit_field)],
        channel=channel,
        address=client_address(request),
    )
    return Photo(data=data, kind=kind)
