"""The watermark line every printed or exported document carries: reader, unit, time."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import scope_of
from guanxi.organisation.models import Membership, Person


def reader_unit(person: Person) -> str:
    """The reader's first unit by path (the one they usually act for)."""
    scope_of(person)  # the person must be a signed-in account; anonymous readers print nothing
    membership = (
        Membership.objects.filter(person=person).select_related("unit").order_by("unit__path")
    ).first()
    return membership.unit.name if membership else ""


def watermark(person: Person, at: datetime.datetime | None = None) -> str:
    at = timezone.localtime(at or timezone.now())
    return _("Confidential · %(reader)s (%(username)s) · %(unit)s · %(time)s") % {
        "reader": person,
        "username": person.get_username(),
        "unit": reader_unit(person),
        "time": at.strftime("%Y-%m-%d %H:%M"),
    }
