"""Writes to the activity forms: fill in from a carried-out activity, correct.

A form is the record of an existing activity of its kind (000 §17, §19.3.3): one per activity,
filled in by the executing unit, which keeps the original (000 §22). A correction that changes
what the form says voids every signature given over the old content; the voided signatures
stay, marked, so the history of the sign-off is never lost.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.activities.models import Activity, ActivityStatus
from guanxi.customers.models import Contact, Customer, Dealing, Operation
from guanxi.feedback import policies
from guanxi.feedback.content import content_hash
from guanxi.feedback.layout import OPINIONS_MAX
from guanxi.feedback.models import MODELS, FormKind, FormRecord, Signature
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.satisfaction.services import ratings_refresh
from guanxi.versioning import lock_current

TEXT_MAX = 4000
DONE = (ActivityStatus.CARRIED_OUT, ActivityStatus.WRITTEN_OFF)


@dataclass
class FormData:
    """What a person writes on the paper form (the fields its kind lacks stay empty)."""

    date: datetime.date
    place: str = ""
    customer: Customer | None = None
    visited_person: Contact | None = None
    visited_name: str = ""
    visited_position: str = ""
    phone: str = ""
    mobile: str = ""
    summary: str = ""
    purpose: str = ""
    service_unit: Unit | None = None
    organiser: str = ""
    customer_count: int = 0
    customer_list: str = ""
    satisfaction: str = ""
    ratings: dict[str, str] = field(default_factory=dict)
    remarks: dict[str, str] = field(default_factory=dict)
    requests: str = ""
    opinions: list[dict[str, str]] = field(default_factory=list)
    key_persons: list[Contact] = field(default_factory=list)
    our_people: list[Person] = field(default_factory=list)
    operation: Operation | None = None
    dealing: Dealing | None = None


SCALARS = (
    "date",
    "place",
    "customer",
    "visited_person",
    "visited_name",
    "visited_position",
    "phone",
    "mobile",
    "summary",
    "purpose",
    "service_unit",
    "organiser",
    "customer_count",
    "customer_list",
    "satisfaction",
    "ratings",
    "remarks",
    "requests",
    "opinions",
    "operation",
    "dealing",
)


def prefill(activity: Activity) -> FormData:
    """A new form starts from its activity and the plan item it carries out."""
    item = activity.plan_item
    key_persons = list(item.key_persons.all()) if item is not None else []
    first = key_persons[0] if key_persons else None
    return FormData(
        date=activity.date,
        place=activity.place,
        customer=activity.customer,
        visited_person=first,
        visited_name=first.name if first else "",
        visited_position=first.position if first else "",
        phone=first.phone if first else "",
        mobile=first.mobile if first else "",
        summary=(item.content if item is not None and item.content else activity.result),
        organiser=activity.unit.name if activity.kind == FormKind.SEMINAR else "",
        customer_count=item.customer_count if item is not None else 0,
        customer_list="、".join(p.name for p in key_persons),
        service_unit=activity.unit if activity.kind == FormKind.VISIT else None,
        key_persons=key_persons,
        our_people=list(activity.our_people.all()),
    )


# --------------------------------------------------------------------------- checks


def _not_in_future(day: datetime.date, errors: dict[str, str]) -> None:
    if day > timezone.localdate():
        errors["date"] = _(
            "The form records what took place: %(date)s is after today and cannot be recorded."
        ) % {"date": day.isoformat()}


def _rating_names() -> str:
    return " / ".join(option.name_zh for option in current_policy().feedback.ratings)


def _check_ratings(kind: str, data: FormData, errors: dict[str, str]) -> None:
    scale = current_policy().feedback
    if kind == FormKind.SEMINAR and (data.satisfaction or data.ratings):
        errors["ratings"] = _("The seminar feedback form has no satisfaction ratings.")
        return
    if data.satisfaction and scale.rating(data.satisfaction) is None:
        errors["satisfaction"] = _("Rate the satisfaction as one of %(names)s.") % {
            "names": _rating_names()
        }
    if not isinstance(data.ratings, dict) or any(
        not isinstance(value, str)
        or scale.dimension(str(key)) is None
        or scale.rating(value) is None
        for key, value in data.ratings.items()
    ):
        errors["ratings"] = _(
            "Rate each dimension of the form as one of %(names)s; other values are not allowed."
        ) % {"names": _rating_names()}
    if not isinstance(data.remarks, dict) or any(
        scale.dimension(str(key)) is None or not isinstance(value, str) or len(value) > TEXT_MAX
        for key, value in data.remarks.items()
    ):
        errors["remarks"] = _("Write the remarks against the dimensions of the form.")


def _check_opinions(kind: str, data: FormData, errors: dict[str, str]) -> None:
    opinions = data.opinions
    if kind != FormKind.SEMINAR and opinions:
        errors["opinions"] = _("Only the seminar feedback form lists opinions.")
        return
    well_formed = isinstance(opinions, list) and all(
        isinstance(o, dict)
        and set(o) <= {"text", "unit"}
        and all(isinstance(v, str) and len(v) <= TEXT_MAX for v in o.values())
        and str(o.get("text", "")).strip()
        for o in opinions
    )
    if not well_formed or len(opinions) > OPINIONS_MAX:
        errors["opinions"] = _(
            "The form holds up to five opinions, each with its text and proposing unit."
        )


def _in_line(actor: Person, customer: Customer | None) -> bool:
    return customer is None or may_in_unit(actor, "feedback.change", customer.owning_unit_id)


def _check_links(actor: Person, data: FormData, errors: dict[str, str]) -> None:
    customer = data.customer
    if not _in_line(actor, customer):
        errors["customer"] = _("This customer is outside your organisation line.")
        return
    cid = customer.pk if customer is not None else None
    if data.visited_person is not None and data.visited_person.customer_id != cid:
        errors["visited_person"] = _("Choose a person of the customer on the form.")
    if any(person.customer_id != cid for person in data.key_persons):
        errors["key_persons"] = _("Choose key persons of the customer on the form.")
    for name in ("operation", "dealing"):
        linked = getattr(data, name)
        if linked is not None and linked.customer_id != cid:
            errors[name] = _("Choose an operation or contract of the customer on the form.")
    if any(not person.is_active for person in data.our_people):
        errors["our_people"] = _("Choose active people.")


def _check(actor: Person, kind: str, data: FormData) -> None:
    errors: dict[str, str] = {}
    _not_in_future(data.date, errors)
    _check_ratings(kind, data, errors)
    _check_opinions(kind, data, errors)
    _check_links(actor, data, errors)
    if isinstance(data.customer_count, bool) or not 0 <= data.customer_count <= 100000:
        errors["customer_count"] = _("The number of customers is a count up to 100000.")
    if errors:
        raise ValidationError(errors)


def _check_activity(actor: Person, kind: str, activity: Activity) -> None:
    if not policies.owns_unit(actor, activity.unit_id):
        raise PermissionDenied(_("Only the executing unit fills in the form of its activity."))
    if activity.kind != kind:
        raise ValidationError(
            {
                "activity": _("This is a %(kind)s activity; fill in its own form.")
                % {"kind": activity.get_kind_display()}
            }
        )
    if activity.status not in DONE:
        raise ValidationError(
            {"activity": _("Record that the activity took place before filling in its form.")}
        )
    if FormRecord.objects.filter(activity=activity).exists():
        raise ValidationError({"activity": _("This activity already has its form.")})


# --------------------------------------------------------------------------- writes


def _clean_text(data: FormData) -> None:
    for name in ("place", "visited_name", "visited_position", "phone", "mobile", "organiser"):
        setattr(data, name, str(getattr(data, name) or "").strip())


def _write(record: FormRecord, data: FormData) -> FormRecord:
    _clean_text(data)
    for name in SCALARS:
        setattr(record, name, getattr(data, name))
    if record.visited_person is not None and not record.visited_name:
        record.visited_name = record.visited_person.name
    record.full_clean(exclude=["activity", "created_by", "unit"])
    record.save()
    record.key_persons.set(data.key_persons)
    record.our_people.set(data.our_people)
    ratings_refresh(record=record)  # the analytics' rows (ACT-6) follow the form
    return record


@transaction.atomic
def record_create(*, actor: Person, kind: str, activity: Activity, data: FormData) -> FormRecord:
    """Fill in the form of a carried-out activity; the executing unit keeps the original."""
    activity = Activity.objects.select_for_update().select_related("unit").get(pk=activity.pk)
    _check_activity(actor, kind, activity)
    _check(actor, kind, data)
    model = MODELS[kind]
    record = model(kind=kind, activity=activity, unit=activity.unit, created_by=actor)
    return _write(record, data)


def void_signatures(*, actor: Person, record: FormRecord) -> int:
    """Void every live signature: they vouch for content the form no longer says."""
    return Signature.objects.filter(record=record, voided_at__isnull=True).update(
        voided_at=timezone.now(), voided_by=actor
    )


@transaction.atomic
def record_update(*, actor: Person, record: FormRecord, version: int, data: FormData) -> FormRecord:
    """Correct the form; a change of content voids the signatures given over the old one."""
    locked: FormRecord = lock_current(type(record), record.pk, version)
    if not policies.may_edit(actor, locked):
        raise PermissionDenied(_("This is a copy; only the executing unit changes the original."))
    _check(actor, locked.kind, data)
    before = content_hash(locked)
    locked.version += 1
    _write(locked, data)
    if content_hash(locked) != before:
        void_signatures(actor=actor, record=locked)
    return locked
