"""Every write to unit plans: drawing up items, submitting, returning and accepting (PLAN-1..4).

A submitted plan is frozen until HQ returns it; each submission keeps a snapshot (plan
versions). Transitions lock the plan row and check the editor's version, so two concurrent
submits or accepts produce exactly one transition and the other is told the plan changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit, visible
from guanxi.approvals.services import Refused
from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person, Unit
from guanxi.plans.models import (
    EDITABLE,
    Period,
    Plan,
    PlanItem,
    PlanStatus,
    Snapshot,
    period_start,
)
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import PLAN_ITEM_FIELDS, PlanKind
from guanxi.versioning import lock_current
from guanxi.workdays.calendar import add_working_days

TEXT_FIELDS = ("name", "place", "gifts", "content", "documents")
# The fields a plan kind may use or leave out (the date every item has)
ITEM_FIELDS = tuple(name for name in PLAN_ITEM_FIELDS if name != "when")


@dataclass
class ItemData:
    """What a person may set on a plan item; fields the plan kind does not use are dropped."""

    when: datetime.date
    name: str = ""
    place: str = ""
    customer: Customer | None = None
    customer_count: int = 0
    key_persons: list[Contact] = field(default_factory=list)
    gifts: str = ""
    our_people: list[Person] = field(default_factory=list)
    content: str = ""
    documents: str = ""
    cost: Decimal = Decimal("0")


def plan_kind(kind: str) -> PlanKind:
    found = current_policy().plans.get(kind)
    if found is None:
        raise ValidationError(
            {"kind": _("This policy has no plans of kind %(kind)s.") % {"kind": kind}}
        )
    return found


def period_end(period: str, starts: datetime.date) -> datetime.date:
    """The first day after the period."""
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = starts.month - 1 + months
    return starts.replace(year=starts.year + month // 12, month=month % 12 + 1, day=1)


def deadline(plan: Plan) -> datetime.date:
    """`submit_days_before` days before the period begins; working days when the policy says
    "日" means working day (000 §27, `[working_days] count_working_days`)."""
    days = plan_kind(plan.kind).submit_days_before
    if current_policy().working_days.count_working_days:
        return add_working_days(plan.starts, -days)
    return plan.starts - datetime.timedelta(days=days)


def _require(actor: Person, permission: str, unit_id: int | None) -> None:
    if unit_id is None or not may_in_unit(actor, permission, unit_id):
        raise PermissionDenied(_("Your role does not allow this for this unit."))


def _is_hq(unit: Unit) -> bool:
    return unit.kind == current_policy().root_kind().key


NOTE_LENGTH = 4000


def _note(note: str) -> str:
    """A note is kept as sent (trimmed) or refused; never cut short without saying so."""
    note = note.strip()
    if len(note) > NOTE_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note within %(count)s characters.") % {"count": NOTE_LENGTH}}
        )
    return note


def _period_name(period: str) -> str:
    return str(Period(period).label) if period in Period.values else period


@transaction.atomic
def plan_open(
    *, actor: Person, unit: Unit, kind: str, period: str, day: datetime.date, note: str = ""
) -> Plan:
    """The unit's plan of `kind` for the period holding `day`; a draft is made when none is.

    A note sent with the request is the new draft's note; an existing plan's note is changed
    through `plan_update_note` (with its version), so a different one here is refused."""
    note = _note(note)
    spec = plan_kind(kind)
    _require(actor, "plan.change", unit.pk)
    if period not in spec.periods:
        raise ValidationError(
            {
                "period": _("A %(kind)s has no %(period)s plan in this policy.")
                % {"kind": spec.name(get_language()), "period": _period_name(period)}
            }
        )
    if not (_is_hq(unit) or unit.kind in spec.submitted_by):
        raise ValidationError({"unit": _("Units of this kind draw up no plans of this kind.")})
    plan, _created = Plan.objects.get_or_create(
        unit=unit,
        kind=kind,
        period=period,
        starts=period_start(period, day),
        defaults={"created_by": actor, "note": note},
    )
    if not _created and note and note != plan.note:
        raise ValidationError(
            {
                "note": _(
                    "This plan already exists; change its note on the plan (version %(version)s)."
                )
                % {"version": plan.version}
            }
        )
    return plan


def not_editable(plan: Plan) -> str:
    """Why the plan's rows cannot be changed now, or "" when they can."""
    if plan.editable:
        return ""
    return _("The plan is %(status)s; it cannot be changed until HQ returns it.") % {
        "status": PlanStatus(plan.status).label
    }


def _locked_editable(actor: Person, plan: Plan) -> Plan:
    _require(actor, "plan.change", plan.unit_id)
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    if reason := not_editable(locked):
        raise Refused(reason)
    return locked


def _check_item(actor: Person, plan: Plan, data: ItemData) -> ItemData:
    spec = plan_kind(plan.kind)
    errors: dict[str, str] = {}
    if not plan.starts <= data.when < period_end(plan.period, plan.starts):
        errors["when"] = _("The date lies outside the plan's period (%(label)s).") % {
            "label": plan.label
        }
    if data.cost < 0 or data.customer_count < 0:
        errors["cost"] = _("Cost and numbers cannot be negative.")
    if "name" in spec.fields and not data.name.strip():
        errors["name"] = _("Give the activity a name.")
    if "customer" in spec.fields and "name" not in spec.fields and data.customer is None:
        errors["customer"] = _("Choose the customer to visit.")
    if data.customer is not None and not sees_customer(actor, data.customer.pk):
        errors["customer"] = _("Choose a customer from the archive.")
    if data.key_persons and not _sees_contacts(actor, data.key_persons, data.customer):
        errors["key_persons"] = _("Choose key persons of the chosen customer from the archive.")
    if any(not person.is_active for person in data.our_people):
        errors["our_people"] = _("Choose active people.")
    if errors:
        raise ValidationError(errors)
    return _drop_unused(spec, data)


def sees_customer(actor: Person, pk: int) -> bool:
    return visible(actor, Customer.objects.filter(pk=pk), "customer.view").exists()


def _sees_contacts(actor: Person, contacts: list[Contact], customer: Customer | None) -> bool:
    ids = {contact.pk for contact in contacts}
    rows = Contact.objects.filter(pk__in=ids, is_key=True)
    if customer is not None:
        rows = rows.filter(customer=customer)
    return visible(actor, rows, "customer.view", "customer__owning_unit").count() == len(ids)


def refuse_unused(plan: Plan, data: ItemData) -> None:
    """Refuse, by name, filled fields the plan's kind does not use.

    The API calls this before writing, so what a client sends is kept or refused, never
    dropped; internal callers (forms showing only the kind's fields, the demo) may rely on
    `_drop_unused` clearing them."""
    spec = plan_kind(plan.kind)
    filled = [
        name
        for name in ITEM_FIELDS
        if name not in spec.fields and getattr(data, name) not in ("", 0, [], None)
    ]
    if filled:
        kind = spec.name(get_language())
        message = _("A %(kind)s does not record this; leave it empty.") % {"kind": kind}
        raise ValidationError(dict.fromkeys(filled, message))


def _drop_unused(spec: PlanKind, data: ItemData) -> ItemData:
    blank = ItemData(when=data.when)
    for name in ITEM_FIELDS:
        if name not in spec.fields:
            setattr(data, name, getattr(blank, name))
    for name in TEXT_FIELDS:
        setattr(data, name, str(getattr(data, name)).strip())
    return data


def _write_item(item: PlanItem, data: ItemData) -> PlanItem:
    for name in (
        "when",
        "name",
        "place",
        "customer",
        "customer_count",
        "gifts",
        "content",
        "documents",
        "cost",
    ):
        setattr(item, name, getattr(data, name))
    item.full_clean(exclude=["plan"])
    item.save()
    item.key_persons.set(data.key_persons)
    item.our_people.set(data.our_people)
    return item


def _touch(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(version=plan.version + 1)
    plan.version += 1


@transaction.atomic
def item_add(*, actor: Person, plan: Plan, data: ItemData) -> PlanItem:
    locked = _locked_editable(actor, plan)
    item = _write_item(PlanItem(plan=locked), _check_item(actor, locked, data))
    _touch(locked)
    return item


@transaction.atomic
def item_update(*, actor: Person, item: PlanItem, version: int, data: ItemData) -> PlanItem:
    locked_plan = _locked_editable(actor, item.plan)
    locked = lock_current(PlanItem, item.pk, version)
    locked.version += 1
    item = _write_item(locked, _check_item(actor, locked_plan, data))
    _touch(locked_plan)
    return item


@transaction.atomic
def item_delete(*, actor: Person, item: PlanItem, version: int) -> None:
    locked_plan = _locked_editable(actor, item.plan)
    lock_current(PlanItem, item.pk, version).delete()
    _touch(locked_plan)


def _snapshot_items(plan: Plan) -> list[dict[str, Any]]:
    items = (
        PlanItem.objects.filter(plan=plan)
        .select_related("customer")
        .prefetch_related("key_persons", "our_people")
        .order_by("when", "id")
    )
    return [
        {
            "id": item.pk,
            "when": item.when.isoformat(),
            "name": item.name,
            "place": item.place,
            "customer": item.customer.name if item.customer else "",
            "customer_count": item.customer_count,
            "key_persons": [f"{c.name} {c.position}".strip() for c in item.key_persons.all()],
            "gifts": item.gifts,
            "our_people": [str(p) for p in item.our_people.all()],
            "content": item.content,
            "documents": item.documents,
            "cost": str(item.cost),
        }
        for item in items
    ]


@transaction.atomic
def plan_submit(*, actor: Person, plan: Plan, version: int) -> Plan:
    """A division or branch submits its plan to HQ (PLAN-4); it is frozen until returned."""
    _require(actor, "plan.change", plan.unit_id)
    locked = lock_current(Plan, plan.pk, version)
    if locked.status not in EDITABLE:
        raise Refused(_("The plan was already submitted."))
    if locked.unit.kind not in plan_kind(locked.kind).submitted_by:
        raise Refused(_("HQ's own plan is part of the company plan; it is not submitted."))
    if not PlanItem.objects.filter(plan=locked).exists():
        raise Refused(_("A plan with no items cannot be submitted."))
    now = timezone.now()
    locked.status, locked.submitted_at = PlanStatus.SUBMITTED, now
    locked.submitted_late = timezone.localdate() > deadline(locked)
    locked.revision += 1
    locked.version += 1
    locked.save()
    Snapshot.objects.create(
        plan=locked,
        revision=locked.revision,
        submitted_at=now,
        submitted_by=actor,
        items=_snapshot_items(locked),
    )
    return locked


def _locked_submitted(actor: Person, plan: Plan, version: int) -> Plan:
    _require(actor, "plan.consolidate", plan.unit.parent_id)
    locked = lock_current(Plan, plan.pk, version)
    if locked.status != PlanStatus.SUBMITTED:
        raise Refused(
            _("Only a submitted plan can be returned or accepted (this one is %(status)s).")
            % {"status": PlanStatus(locked.status).label}
        )
    return locked


def _decide(locked: Plan, actor: Person, status: str, comment: str) -> Plan:
    locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
    locked.return_comment = comment
    locked.version += 1
    locked.save()
    Snapshot.objects.filter(plan=locked, revision=locked.revision).update(
        outcome=status, comment=comment
    )
    return locked


@transaction.atomic
def plan_return(*, actor: Person, plan: Plan, version: int, comment: str) -> Plan:
    """HQ returns a unit's plan for revision, saying why."""
    comment = comment.strip()[:2000]
    if not comment:
        raise ValidationError({"comment": _("Say what should be revised.")})
    return _decide(_locked_submitted(actor, plan, version), actor, PlanStatus.RETURNED, comment)


@transaction.atomic
def plan_accept(*, actor: Person, plan: Plan, version: int) -> Plan:
    """HQ accepts a unit's plan into the company plan."""
    return _decide(_locked_submitted(actor, plan, version), actor, PlanStatus.ACCEPTED, "")


@transaction.atomic
def plan_update_note(*, actor: Person, plan: Plan, version: int, note: str) -> Plan:
    _require(actor, "plan.change", plan.unit_id)
    locked = lock_current(Plan, plan.pk, version)
    if locked.status not in EDITABLE:
        raise Refused(_("The plan was submitted; it cannot be changed until HQ returns it."))
    locked.note = _note(note)
    locked.version += 1
    locked.save(update_fields=["note", "version"])
    return locked
