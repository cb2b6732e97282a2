"""Writes for demands 诉求 (002 §8): register, edit, move through handling, escalate.

A demand belongs to its customer's unit. VIP demands are solved by the unit and escalated one
level up when beyond its authority or a major risk (§8.1.2); strategic customers' demands go to
HQ in the monthly submission, urgent ones at once (§8.1.4). Tiers, categories, severities and
the due day are policy. Every change appends a history entry; notifications go through the
outbox in the change's transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import Customer
from guanxi.demands.models import (
    Demand,
    DemandEvent,
    DemandStatus,
    StrategicFollower,
    UnitContact,
)
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.outbox.services import enqueue_email
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import DemandRules
from guanxi.versioning import apply, lock_current

DEMAND_FIELDS = ("category", "severity", "title", "description", "owner", "due_on")
# status -> the statuses a person may move a demand to by hand (escalation is its own act)
MOVES: dict[str, tuple[str, ...]] = {
    DemandStatus.OPEN: (DemandStatus.IN_PROGRESS, DemandStatus.RESOLVED),
    DemandStatus.IN_PROGRESS: (DemandStatus.RESOLVED,),
    DemandStatus.ESCALATED: (DemandStatus.IN_PROGRESS, DemandStatus.RESOLVED),
    DemandStatus.RESOLVED: (DemandStatus.IN_PROGRESS,),
}


def rules() -> DemandRules:
    return current_policy().demands


def is_reported_tier(customer: Customer) -> bool:
    """Strategic customers (policy `report_tiers`) go to HQ in the monthly submission."""
    return customer.tier in rules().report_tiers


def may_escalate(actor: Person, demand: Demand) -> bool:
    """The owner who may handle the demand, or whoever holds `demand.escalate` over its unit."""
    unit_id = demand.owning_unit_id
    if demand.owner_id == actor.pk and may_in_unit(actor, "demand.change", unit_id):
        return True
    return may_in_unit(actor, "demand.escalate", unit_id)


def escalation_refusal(demand: Demand) -> str:
    """Why the demand cannot be escalated now (empty when it can): for disabled buttons."""
    demand_rules = rules()
    tiers = (*demand_rules.escalate_tiers, *demand_rules.report_tiers)
    if demand.customer.tier not in tiers:
        return _("Demands of this customer's tier are solved by the unit itself.")
    if not demand.is_open:
        return _("A resolved demand cannot be escalated.")
    if _next_level(demand) is None:
        return _("The demand is already with the top level.")
    return ""


def top_unit() -> Unit:
    """HQ: the root of the organisation tree."""
    return Unit.objects.filter(parent__isnull=True).order_by("pk")[0]


def _require_change(actor: Person, unit_id: int) -> None:
    if not may_in_unit(actor, "demand.change", unit_id):
        raise PermissionDenied(_("You may not handle demands of this customer."))


def _check(demand: Demand) -> None:
    demand_rules = rules()
    errors: dict[str, str] = {}
    if demand.category not in demand_rules.categories:
        errors["category"] = _("Choose one of the categories of the regulation.")
    if demand.severity not in demand_rules.severities:
        errors["severity"] = _("Choose one of the severities of the policy.")
    if demand.raised_on and demand.raised_on > timezone.localdate():
        errors["raised_on"] = _("A demand cannot be raised in the future.")
    if demand.due_on and demand.raised_on and demand.due_on < demand.raised_on:
        errors["due_on"] = _("The due date cannot be before the day the demand was raised.")
    if demand.owner_id and not may_in_unit(demand.owner, "demand.change", demand.owning_unit_id):
        errors["owner"] = _("The owner must be a person of the unit who may handle demands.")
    if errors:
        raise ValidationError(errors)
    demand.full_clean(exclude=["customer", "owner"])


def _event(demand: Demand, actor: Person, before: str, comment: str = "") -> None:
    DemandEvent.objects.create(
        demand=demand, actor=actor, from_status=before, to_status=demand.status, comment=comment
    )


@transaction.atomic
def demand_create(
    *, actor: Person, customer: Customer, raised_on: date | None = None, **data: Any
) -> Demand:
    """Register a demand for the customer's unit; an urgent one of a strategic customer is
    reported to HQ at once (002 §8.1.4)."""
    _require_change(actor, customer.owning_unit_id)
    demand = apply(
        Demand(
            customer=customer,
            owning_unit_id=customer.owning_unit_id,
            created_by=actor,
            raised_on=raised_on or timezone.localdate(),
        ),
        data,
        DEMAND_FIELDS,
    )
    if demand.owner_id is None:
        raise ValidationError({"owner": _("Name the person who handles the demand.")})
    _check(demand)
    demand.save()
    _event(demand, actor, "", _("Registered"))
    if is_reported_tier(customer) and demand.severity in rules().urgent_severities:
        _report_at_once(demand)
    return demand


@transaction.atomic
def demand_update(*, actor: Person, demand: Demand, version: int, **changes: Any) -> Demand:
    locked = lock_current(Demand, demand.pk, version)
    _require_change(actor, locked.owning_unit_id)
    if not locked.is_open:
        raise ValidationError(_("A resolved demand cannot be edited; reopen it first."))
    apply(locked, changes, DEMAND_FIELDS)
    _check(locked)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def demand_move(
    *, actor: Person, demand: Demand, version: int, status: str, comment: str = ""
) -> Demand:
    """Take a demand in hand, resolve it (with what was done) or reopen it."""
    locked = lock_current(Demand, demand.pk, version)
    _require_change(actor, locked.owning_unit_id)
    if status not in MOVES.get(locked.status, ()):
        message = _("A demand cannot go from “%(from)s” to this status.")
        raise ValidationError({"status": message % {"from": locked.get_status_display()}})
    if status == DemandStatus.RESOLVED and not comment.strip():
        raise ValidationError({"comment": _("Say how the demand was resolved.")})
    before = locked.status
    locked.status, locked.version = status, locked.version + 1
    locked.save()
    _event(locked, actor, before, comment.strip())
    return locked


def _next_level(demand: Demand) -> Unit | None:
    current = demand.escalated_to or demand.owning_unit
    return current.parent


@transaction.atomic
def demand_escalate(*, actor: Person, demand: Demand, version: int, reason: str) -> Demand:
    """Escalate to the next level up, with the reason (beyond authority or a major risk)."""
    locked = lock_current(Demand, demand.pk, version)
    if not may_escalate(actor, locked):
        raise PermissionDenied(
            _("Only the demand's owner or the unit's managers may escalate this demand.")
        )
    if refusal := escalation_refusal(locked):
        raise ValidationError(refusal)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the demand goes up a level.")})
    target = _next_level(locked)
    assert target is not None  # noqa: S101 - escalation_refusal checked it
    before = locked.status
    locked.status, locked.escalated_to = DemandStatus.ESCALATED, target
    locked.escalated_at = timezone.now()
    locked.version += 1
    locked.save()
    _event(locked, actor, before, reason.strip())
    _notify(locked, _unit_people(target), _("Demand escalated to %(unit)s") % {"unit": target})
    return locked


def _report_at_once(demand: Demand) -> None:
    demand.reported_at = timezone.now()
    demand.save(update_fields=["reported_at"])
    people = _unit_people(top_unit())
    follower = StrategicFollower.objects.filter(customer_id=demand.customer_id).first()
    if follower is not None:
        people.append(follower.person)
    _notify(demand, people, _("Urgent demand of a strategic customer"))


def _unit_people(unit: Unit) -> list[Person]:
    """Whom a unit is told through: its contact person and its managers."""
    people = list(
        Person.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(unit=unit, role="manager").values("person_id"),
        )
    )
    contact = UnitContact.objects.filter(unit=unit).select_related("person").first()
    if contact is not None:
        people.append(contact.person)
    return people


def _notify(demand: Demand, people: list[Person], subject: str) -> None:
    url = reverse("demands:demand-detail", args=[demand.pk])
    body = f"{subject}\n{demand.customer.name}: {demand.title}\n{url}"
    for person in {p.pk: p for p in people if p.email}.values():
        enqueue_email(
            to=person.email,
            subject=f"{subject}: {demand.title}"[:300],
            body=body,
            dedupe_key=f"demand:{demand.pk}:v{demand.version}:person:{person.pk}",
        )


# ------------------------------------------------------------ follow-up and contact people


@transaction.atomic
def follower_set(*, actor: Person, customer: Customer, person: Person) -> StrategicFollower:
    """HQ names its follow-up person for a strategic customer (002 §8.1.3)."""
    root = top_unit()
    if not may_in_unit(actor, "demand.assign", root.pk):
        raise PermissionDenied(_("Only HQ names the follow-up person of a strategic customer."))
    if not is_reported_tier(customer):
        raise ValidationError({"customer": _("Only strategic customers get an HQ follow-up.")})
    if not may_in_unit(person, "demand.view", root.pk):
        raise ValidationError({"person": _("The follow-up person must be one of HQ's people.")})
    follower, _created = StrategicFollower.objects.update_or_create(
        customer=customer, defaults={"person": person}
    )
    return follower


@transaction.atomic
def unit_contact_set(*, actor: Person, unit: Unit, person: Person) -> UnitContact:
    """A unit names its key-customer contact person (002 §8.1.3)."""
    if not may_in_unit(actor, "demand.assign", unit.pk):
        raise PermissionDenied(_("You may not name this unit's contact person."))
    if not Membership.objects.filter(unit=unit, person=person, person__is_active=True).exists():
        raise ValidationError({"person": _("The contact person must be a member of the unit.")})
    contact, _created = UnitContact.objects.update_or_create(unit=unit, defaults={"person": person})
    return contact
