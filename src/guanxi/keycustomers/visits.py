"""Writes for key-customer visits (002 §7): plans, incoming visits, summaries, follow-ups.

The units concerned are told by e-mail through the outbox in the same transaction (§7.2.2);
a summary updates the customer's archive through the archive's own services (§7.1.4, §7.2.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers import archive
from guanxi.customers.models import Contact, Customer
from guanxi.keycustomers.models import (
    BriefingMaterial,
    FollowUp,
    FollowUpStatus,
    ItineraryRow,
    VisitDirection,
    VisitPlan,
    VisitStatus,
)
from guanxi.keycustomers.uploads import sniff
from guanxi.organisation.models import Person, Unit
from guanxi.outbox.services import enqueue_email
from guanxi.versioning import apply, lock_current

VISIT_FIELDS = (
    "theme",
    "purpose",
    "starts_on",
    "ends_on",
    "visitors",
    "duties",
    "matters",
    "preparations",
)


@dataclass(frozen=True)
class Stop:
    """One itinerary line as entered."""

    day: date
    activity: str
    time: str = ""
    place: str = ""


@dataclass(frozen=True)
class NewFollowUp:
    title: str
    owner: Person
    due_on: date


def require_visit_change(actor: Person, customer: Customer) -> None:
    if not may_in_unit(actor, "visit.change", customer.owning_unit_id):
        raise PermissionDenied(_("You may not plan or record visits for this customer."))


def _check_dates(visit: VisitPlan, itinerary: Sequence[Stop]) -> None:
    """Start before end, the itinerary inside the visit, the summary after its end."""
    if visit.ends_on < visit.starts_on:
        raise ValidationError({"ends_on": _("The visit cannot end before it starts.")})
    if any(not visit.starts_on <= stop.day <= visit.ends_on for stop in itinerary):
        raise ValidationError(
            {"itinerary": _("Every day of the itinerary lies between the visit's start and end.")}
        )
    if visit.summarised_at is None:
        return
    summarised = timezone.localdate(visit.summarised_at)
    if visit.ends_on > summarised:
        raise ValidationError(
            {
                "ends_on": _("The visit was summarised on %(date)s; it cannot end after that.")
                % {"date": summarised.isoformat()}
            }
        )


def _check(visit: VisitPlan, contacts: Iterable[Contact], itinerary: Sequence[Stop] = ()) -> None:
    if visit.ends_on and visit.starts_on:
        _check_dates(visit, itinerary)
    if any(c.customer_id != visit.customer_id for c in contacts):
        raise ValidationError({"their_people": _("That belongs to another customer unit.")})
    visit.full_clean(exclude=["customer", "created_by"])


def _set_relations(
    visit: VisitPlan,
    *,
    their_people: Sequence[Contact] | None,
    our_people: Sequence[Person] | None,
    notified_units: Sequence[Unit] | None,
    itinerary: Sequence[Stop] | None,
) -> None:
    if their_people is not None:
        visit.their_people.set(their_people)
    if our_people is not None:
        visit.our_people.set(our_people)
    if notified_units is not None:
        visit.notified_units.set(notified_units)
    if itinerary is not None:
        visit.itinerary.all().delete()
        ItineraryRow.objects.bulk_create(
            ItineraryRow(visit=visit, day=s.day, time=s.time, place=s.place, activity=s.activity)
            for s in itinerary
        )


@transaction.atomic
def visit_create(
    *,
    actor: Person,
    direction: str,
    customer: Customer,
    their_people: Sequence[Contact] = (),
    our_people: Sequence[Person] = (),
    notified_units: Sequence[Unit] = (),
    itinerary: Sequence[Stop] = (),
    **data: Any,
) -> VisitPlan:
    """Record an outgoing visit plan or an incoming visit, and notify the units concerned."""
    require_visit_change(actor, customer)
    if direction not in VisitDirection.values:
        raise ValidationError({"direction": _("Unknown direction.")})
    visit = apply(
        VisitPlan(direction=direction, customer=customer, created_by=actor), data, VISIT_FIELDS
    )
    _check(visit, their_people, itinerary)
    visit.save()
    _set_relations(
        visit,
        their_people=their_people,
        our_people=our_people,
        notified_units=notified_units,
        itinerary=itinerary,
    )
    notify_units(visit)
    return visit


@transaction.atomic
def visit_update(
    *,
    actor: Person,
    visit: VisitPlan,
    version: int,
    their_people: Sequence[Contact] | None = None,
    our_people: Sequence[Person] | None = None,
    notified_units: Sequence[Unit] | None = None,
    itinerary: Sequence[Stop] | None = None,
    **changes: Any,
) -> VisitPlan:
    locked = lock_current(VisitPlan, visit.pk, version)
    require_visit_change(actor, locked.customer)
    apply(locked, changes, VISIT_FIELDS)
    _check(locked, their_people or (), _stops(locked) if itinerary is None else itinerary)
    locked.version += 1
    locked.save()
    _set_relations(
        locked,
        their_people=their_people,
        our_people=our_people,
        notified_units=notified_units,
        itinerary=itinerary,
    )
    return locked


def _stops(visit: VisitPlan) -> list[Stop]:
    return [Stop(day=day, activity="") for day in visit.itinerary.values_list("day", flat=True)]


def recipients(visit: VisitPlan) -> list[tuple[int, str]]:
    """Active people with an e-mail in the notified units, plus our people on the visit."""
    people = (
        Person.objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(memberships__unit__in=visit.notified_units.all()) | Q(visit_plans=visit))
    )
    return list(people.order_by("pk").values_list("pk", "email").distinct())


def _notice(visit: VisitPlan) -> tuple[str, str]:
    stops = "\n".join(
        f"  {row.day:%Y-%m-%d} {row.time} {row.place} {row.activity}"
        for row in visit.itinerary.all()
    )
    subject = _("Visit plan: %(theme)s (%(customer)s, %(start)s)") % {
        "theme": visit.theme,
        "customer": visit.customer.name,
        "start": f"{visit.starts_on:%Y-%m-%d}",
    }
    body = "\n".join(
        [
            subject,
            _("Dates: %(start)s – %(end)s") % {"start": visit.starts_on, "end": visit.ends_on},
            _("Itinerary:"),
            stops or "  —",
            _("Division of duties:"),
            visit.duties or "—",
            _("Please support this visit. Details: %(url)s")
            % {"url": reverse("keycustomers:visit-detail", args=[visit.pk])},
        ]
    )
    return subject, body


def notify_units(visit: VisitPlan) -> int:
    """Queue one e-mail per recipient, in the caller's transaction (002 §7.2.2)."""
    subject, body = _notice(visit)
    people = recipients(visit)
    for person_id, email in people:
        enqueue_email(
            to=email,
            subject=subject,
            body=body,
            dedupe_key=f"visit:{visit.pk}:v{visit.version}:person:{person_id}",
        )
    return len(people)


@transaction.atomic
def material_add(*, actor: Person, visit: VisitPlan, upload: UploadedFile) -> BriefingMaterial:
    """Attach a briefing document 会议备参; the type is judged by content."""
    require_visit_change(actor, visit.customer)
    content_type = sniff(upload)
    name = (upload.name or "file").rsplit("/", 1)[-1][:200]
    material = BriefingMaterial(
        visit=visit,
        name=name,
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    material.file.save(name, upload, save=False)
    material.save()
    return material


@transaction.atomic
def visit_summarise(
    *,
    actor: Person,
    visit: VisitPlan,
    version: int,
    summary: str,
    topic: str = "",
    information: str = "",
    meaning: str = "",
    follow_ups: Sequence[NewFollowUp] = (),
) -> VisitPlan:
    """Close the visit with its summary, update the archive, open follow-ups (§7.1.4, §7.2.3)."""
    locked = lock_current(VisitPlan, visit.pk, version)
    require_visit_change(actor, locked.customer)
    if locked.status == VisitStatus.CANCELLED:
        raise ValidationError(_("A cancelled visit cannot be summarised."))
    if not summary.strip():
        raise ValidationError({"summary": _("Write what came of the visit.")})
    if locked.ends_on > timezone.localdate():  # 来访/拜访结束后 整理总结 (002 §7.1.4, §7.2.3)
        raise ValidationError(
            {
                "summary": _("The visit ends on %(date)s; it can be summarised from that day on.")
                % {"date": locked.ends_on.isoformat()}
            }
        )
    locked.summary, locked.status = summary, VisitStatus.DONE
    locked.summarised_at = timezone.now()
    locked.version += 1
    locked.save()
    if topic and information.strip():
        archive.information_set(
            actor=actor,
            customer=locked.customer,
            topic=topic,
            information=information,
            meaning=meaning,
        )
    for item in follow_ups:
        follow_up_add(
            actor=actor, visit=locked, title=item.title, owner=item.owner, due_on=item.due_on
        )
    return locked


@transaction.atomic
def visit_cancel(*, actor: Person, visit: VisitPlan, version: int) -> VisitPlan:
    locked = lock_current(VisitPlan, visit.pk, version)
    require_visit_change(actor, locked.customer)
    if locked.status != VisitStatus.PLANNED:
        raise ValidationError(_("Only a planned visit can be cancelled."))
    locked.status, locked.version = VisitStatus.CANCELLED, locked.version + 1
    locked.save()
    return locked


@transaction.atomic
def follow_up_add(
    *, actor: Person, visit: VisitPlan, title: str, owner: Person, due_on: date
) -> FollowUp:
    require_visit_change(actor, visit.customer)
    item = FollowUp(visit=visit, title=title, owner=owner, due_on=due_on)
    item.full_clean()
    if item.due_on < visit.ends_on:  # follow-ups track what the talks agreed (§7.1.4, §7.2.3)
        raise ValidationError(
            {
                "follow_ups": _("A follow-up cannot fall due before the visit ends (%(date)s).")
                % {"date": visit.ends_on.isoformat()}
            }
        )
    item.save()
    return item


@transaction.atomic
def follow_up_update(
    *, actor: Person, follow_up: FollowUp, version: int, status: str, progress: str = ""
) -> FollowUp:
    """The owner, or anyone who may change the visit, records progress or marks it done."""
    locked = lock_current(FollowUp, follow_up.pk, version)
    customer = locked.visit.customer
    if locked.owner_id != actor.pk:
        require_visit_change(actor, customer)
    if status not in FollowUpStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    locked.status, locked.progress = status, progress
    locked.done_at = timezone.now() if status == FollowUpStatus.DONE else None
    locked.version += 1
    locked.save()
    return locked
