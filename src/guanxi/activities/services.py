"""Every write to activities: recording, carrying out an approved request, write-off 核销.

An activity from a plan item is carried out directly. An unplanned one (`plan_item is None`)
and an HQ seminar proposal are first requested for approval (000 §14.6, §19.3.1); an activity
costing more than the policy threshold needs HQ marketing's approval before finance may write
it off (000 §14.4, §19.2). Which of these apply is the policy's [[approvals]]; this module
only names the request kinds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit, visible
from guanxi.activities.models import Activity, ActivityStatus
from guanxi.approvals import services as approvals
from guanxi.approvals.models import Status
from guanxi.approvals.services import Refused
from guanxi.customers.models import Customer
from guanxi.formats import money
from guanxi.organisation.models import Person, Unit
from guanxi.plans.models import Plan, PlanItem, PlanStatus
from guanxi.plans.services import period_end, plan_kind, sees_customer
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import lock_current

COST_KIND = "activity_cost"
SEMINAR_PROPOSAL_KIND = "seminar_proposal"


def unplanned_kind(activity_kind: str) -> str:
    return f"unplanned_{activity_kind}"


@dataclass
class ActivityData:
    name: str
    date: datetime.date
    place: str = ""
    customer: Customer | None = None
    our_people: list[Person] = field(default_factory=list)
    cost: Decimal = Decimal("0")
    result: str = ""


def _check(actor: Person, data: ActivityData) -> ActivityData:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Give the activity a name.")
    if data.cost < 0:
        errors["cost"] = _("The cost cannot be negative.")
    if data.customer is not None and not sees_customer(actor, data.customer.pk):
        errors["customer"] = _("Choose a customer from the archive.")
    if any(not person.is_active for person in data.our_people):
        errors["our_people"] = _("Choose active people.")
    if errors:
        raise ValidationError(errors)
    data.name, data.place, data.result = data.name.strip(), data.place.strip(), data.result.strip()
    return data


def _not_before_its_day(day: datetime.date) -> None:
    """Only what took place is recorded as carried out (000 §14.5, §16.4)."""
    if day > timezone.localdate():
        raise ValidationError(
            {
                "date": _(
                    "The activity takes place on %(date)s; it cannot be recorded as carried out "
                    "before that day."
                )
                % {"date": day.isoformat()}
            }
        )


def _within_plan(item: PlanItem | None, day: datetime.date) -> None:
    """An activity of a plan item falls in that plan's period, as the item itself does."""
    if item is None:
        return
    plan: Plan = item.plan
    if not plan.starts <= day < period_end(plan.period, plan.starts):
        raise ValidationError(
            {
                "date": _("The date lies outside the plan's period (%(label)s).")
                % {"label": plan.label}
            }
        )


def _write(activity: Activity, data: ActivityData) -> Activity:
    for name in ("name", "date", "place", "customer", "cost", "result"):
        setattr(activity, name, getattr(data, name))
    activity.full_clean(exclude=["plan_item", "created_by", "unit"])
    activity.save()
    activity.our_people.set(data.our_people)
    return activity


def _planned_item(actor: Person, item: PlanItem) -> PlanItem:
    plan: Plan = item.plan
    if not visible(actor, Plan.objects.filter(pk=plan.pk), "plan.view", "unit").exists():
        raise ValidationError({"plan_item": _("Choose an item of a plan you can see.")})
    hq = current_policy().root_kind().key
    if plan.status != PlanStatus.ACCEPTED and plan.unit.kind != hq:
        raise Refused(_("The item's plan has not been accepted by HQ yet."))
    return item


def _request_cost(actor: Person, activity: Activity) -> None:
    approvals.approval_request(
        actor=actor,
        kind=COST_KIND,
        subject=activity,
        requesting_unit=activity.unit,
        title=_("Activity cost: %(name)s, %(cost)s")
        % {"name": activity.name, "cost": money(activity.cost)},
        amount=activity.cost,
    )


def _request_first(actor: Person, activity: Activity) -> bool:
    """Ask for the approvals needed before carrying out; True when one blocks carrying out."""
    kinds = [SEMINAR_PROPOSAL_KIND] if activity.kind == "seminar" else []
    if activity.plan_item_id is None:
        kinds.append(unplanned_kind(activity.kind))
    blocked = False
    for kind in kinds:
        approval = approvals.approval_request(
            actor=actor,
            kind=kind,
            subject=activity,
            requesting_unit=activity.unit,
            title=f"{activity.name} ({activity.date}, {money(activity.cost)})",
            amount=activity.cost,
        )
        blocked = blocked or (approval is not None and approval.blocks("carry_out"))
    return blocked


@transaction.atomic
def activity_record(
    *,
    actor: Person,
    data: ActivityData,
    plan_item: PlanItem | None = None,
    unit: Unit | None = None,
    kind: str = "",
) -> Activity:
    """Record an activity: from a plan item, or unplanned for `unit` and `kind`."""
    if plan_item is not None:
        plan_item = _planned_item(actor, plan_item)
        unit, kind = plan_item.plan.unit, plan_item.plan.kind
    if unit is None:
        raise ValidationError({"unit": _("Choose the unit carrying out the activity.")})
    plan_kind(kind)
    if not may_in_unit(actor, "activity.change", unit.pk):
        raise PermissionDenied(_("Your role does not allow this for this unit."))
    _within_plan(plan_item, data.date)
    activity = _write(
        Activity(unit=unit, kind=kind, plan_item=plan_item, created_by=actor), _check(actor, data)
    )
    if _request_first(actor, activity):
        activity.status = ActivityStatus.REQUESTED
        activity.save(update_fields=["status"])
    else:
        _not_before_its_day(activity.date)  # raising here undoes the whole record
        _request_cost(actor, activity)
    return activity


def _locked(actor: Person, activity: Activity, version: int, permission: str) -> Activity:
    if not may_in_unit(actor, permission, activity.unit_id):
        raise PermissionDenied(_("Your role does not allow this for this unit."))
    return lock_current(Activity, activity.pk, version)


@transaction.atomic
def activity_carry_out(
    *, actor: Person, activity: Activity, version: int, data: ActivityData
) -> Activity:
    """Record that a requested activity took place, once its approvals are given."""
    locked = _locked(actor, activity, version, "activity.change")
    if locked.status != ActivityStatus.REQUESTED:
        raise Refused(_("This activity is already recorded as carried out."))
    approvals.require_unblocked(subject=locked, action="carry_out")
    _not_before_its_day(data.date)
    _within_plan(locked.plan_item, data.date)
    locked.status = ActivityStatus.CARRIED_OUT
    locked.version += 1
    _write(locked, _check(actor, data))
    _request_cost(actor, locked)
    return locked


@transaction.atomic
def activity_update(
    *, actor: Person, activity: Activity, version: int, data: ActivityData
) -> Activity:
    """Correct an activity not yet written off; a higher cost asks for approval again."""
    locked = _locked(actor, activity, version, "activity.change")
    if locked.status == ActivityStatus.WRITTEN_OFF:
        raise Refused(_("A written-off activity cannot be changed."))
    if locked.status == ActivityStatus.CARRIED_OUT:
        _not_before_its_day(data.date)
    _within_plan(locked.plan_item, data.date)
    locked.version += 1
    _write(locked, _check(actor, data))
    if locked.status == ActivityStatus.CARRIED_OUT:
        _request_cost(actor, locked)
    return locked


def _cost_covered(activity: Activity) -> bool:
    needed = approvals.chain_for(
        kind=COST_KIND, amount=activity.cost, requesting_unit=activity.unit
    )
    if not needed:
        return True
    approval = approvals.subject_status(subject=activity).get(COST_KIND)
    return (
        approval is not None
        and approval.status == Status.APPROVED
        and (approval.amount is None or approval.amount >= activity.cost)
    )


@transaction.atomic
def activity_write_off(*, actor: Person, activity: Activity, version: int) -> Activity:
    """Finance writes the cost off 核销; refused while a blocking approval is not given (APR-1)."""
    locked = _locked(actor, activity, version, "activity.write_off")
    if locked.status == ActivityStatus.WRITTEN_OFF:
        raise Refused(_("write-off refused: already written off."))
    if locked.status != ActivityStatus.CARRIED_OUT:
        raise Refused(_("write-off refused: the activity has not been carried out."))
    if locked.date > timezone.localdate():
        raise ValidationError(
            _("write-off refused: the activity takes place on %(date)s, after today.")
            % {"date": locked.date.isoformat()}
        )
    approvals.require_unblocked(subject=locked, action="write_off")
    if not _cost_covered(locked):
        raise Refused(_("write-off refused: approval pending."))
    locked.status, locked.written_off_at, locked.written_off_by = (
        ActivityStatus.WRITTEN_OFF,
        timezone.now(),
        actor,
    )
    locked.version += 1
    locked.save(update_fields=["status", "written_off_at", "written_off_by", "version"])
    return locked
