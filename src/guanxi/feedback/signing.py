"""Signing a form: an act by the signing account, over the form's content at that moment.

The chain follows the paper form: the visited person's confirmation (drawn on a tablet, or
recorded by the visitor as given on paper), the visitor, then the marketing manager. Refused
with a clear message, changing nothing: signing a place twice, for someone else, as a role one
does not hold, or as manager before the visitor has signed.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.feedback import policies
from guanxi.feedback.content import content_hash
from guanxi.feedback.layout import place
from guanxi.feedback.models import FormRecord, Signature, SignatureMethod, SignatureRole
from guanxi.feedback.services import TEXT_MAX
from guanxi.organisation.models import Person
from guanxi.uploads import check_upload
from guanxi.versioning import lock_current

DATA_URL_PREFIX = "data:image/png;base64,"


@dataclass
class SignData:
    role: str
    opinion: str = ""
    method: str = SignatureMethod.ACCOUNT
    drawing: str = ""  # a PNG as a data URL, from the signature pad
    signer_name: str = ""
    signer: Person | None = None  # who the request says signs; must be the actor


def max_bytes() -> int:
    return int(getattr(settings, "SIGNATURE_MAX_BYTES", 512 * 1024))


def drawing_bytes(drawing: str) -> bytes:
    """The PNG behind a data URL from the pad; anything else is refused."""
    if not drawing.startswith(DATA_URL_PREFIX):
        raise ValidationError({"drawing": _("Draw the signature on the pad first.")})
    try:
        data = base64.b64decode(drawing[len(DATA_URL_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError({"drawing": _("The drawn signature could not be read.")}) from error
    png, _kind = check_upload(io.BytesIO(data), {"png"}, max_bytes())
    return png


def live(record: FormRecord) -> dict[str, Signature]:
    return {s.role: s for s in record.signatures.filter(voided_at__isnull=True)}


def _may_sign(actor: Person, record: FormRecord, role: str, signed: dict[str, Signature]) -> None:
    if role == SignatureRole.MANAGER:
        if SignatureRole.VISITOR not in signed:
            raise ValidationError({"role": _("The visitor signs before the marketing manager.")})
        if not policies.may_sign_as_manager(actor, record):
            raise PermissionDenied(
                _("Only the marketing manager of the executing unit or the unit above signs here.")
            )
        return
    if not (policies.may_edit(actor, record) and policies.is_visitor(actor, record)):
        raise PermissionDenied(
            _("Only a visitor named on the form, of the executing unit, signs or records here.")
        )


def _check(actor: Person, record: FormRecord, data: SignData) -> Any:
    spot = place(record.kind, data.role)
    if spot is None:
        raise ValidationError({"role": _("This form has no place for that signature.")})
    if data.signer is not None and data.signer.pk != actor.pk:
        raise PermissionDenied(_("A signature is your own act; you cannot sign for someone else."))
    signed = live(record)
    if data.role in signed:
        raise ValidationError({"role": _("This place on the form is already signed.")})
    _may_sign(actor, record, data.role, signed)
    if len(data.opinion) > TEXT_MAX:
        raise ValidationError({"opinion": _("The opinion is too long.")})
    return spot


def _method(data: SignData) -> tuple[str, bytes | None]:
    """How the place is signed; the customer's confirmation is drawn or given on paper."""
    if data.role != SignatureRole.CUSTOMER:
        return SignatureMethod.ACCOUNT, None
    if data.method == SignatureMethod.DRAWN:
        return SignatureMethod.DRAWN, drawing_bytes(data.drawing)
    if data.method == SignatureMethod.PAPER:
        if not data.signer_name.strip():
            raise ValidationError({"signer_name": _("Name the person who signed on paper.")})
        return SignatureMethod.PAPER, None
    raise ValidationError(
        {"method": _("The customer's confirmation is drawn on the tablet or given on paper.")}
    )


@transaction.atomic
def record_sign(*, actor: Person, record: FormRecord, version: int, data: SignData) -> Signature:
    """Sign one place of the form; the opinion beside it is part of what is signed."""
    locked: Any = lock_current(type(record), record.pk, version)
    spot = _check(actor, locked, data)
    method, png = _method(data)
    if spot.opinion_field:
        setattr(locked, spot.opinion_field, data.opinion.strip())
    locked.version += 1
    locked.save()
    signature = Signature(
        record=locked,
        role=data.role,
        method=method,
        signer=actor,
        signer_name=(data.signer_name.strip() or locked.visited_name)[:100]
        if data.role == SignatureRole.CUSTOMER
        else "",
        signed_at=timezone.now(),
        content_hash=content_hash(locked),
    )
    if png is not None:
        signature.image.save(f"{uuid4().hex}.png", ContentFile(png), save=False)
    signature.full_clean(exclude=["record", "signer"])
    signature.save()
    return signature
