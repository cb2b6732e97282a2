"""Writes for the annual customer plan 客户计划 (003 §14–16) and its three tables (附表6–7).

The customer manager writes it with the department manager (003 §16.1); both hold
`customer_plan.change` in the policy. Money is Decimal, rounded to the fen half up.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import Contact, Customer
from guanxi.keycustomers.models import (
    ActionPlanRow,
    ActionStatus,
    ContactPlanRow,
    CustomerPlan,
    RevenuePlanRow,
)
from guanxi.organisation.models import Person
from guanxi.versioning import apply, lock_current

R = TypeVar("R", ContactPlanRow, ActionPlanRow, RevenuePlanRow)
PLAN_FIELDS = (
    "owner",
    "summary",
    "strengths",
    "weaknesses",
    "opportunities",
    "threats",
    "competition",
    "assessment",
    "objectives",
    "revenue_notes",
)
ROW_FIELDS: dict[type[Model], tuple[str, ...]] = {
    ContactPlanRow: ("our_person", "their_person", "position", "next_contact_on"),
    ActionPlanRow: ("action", "owner", "starts_on", "ends_on", "status"),
    RevenuePlanRow: ("project", "contract_amount", "win_rate", "margin", "note"),
}


def require_plan_change(actor: Person, customer: Customer) -> None:
    if not may_in_unit(actor, "customer_plan.change", customer.owning_unit_id):
        raise PermissionDenied(_("You may not write customer plans for this customer."))


@transaction.atomic
def customer_plan_create(
    *, actor: Person, customer: Customer, year: int, **data: Any
) -> CustomerPlan:
    require_plan_change(actor, customer)
    data.setdefault("owner", actor)
    plan = apply(CustomerPlan(customer=customer, year=year), data, PLAN_FIELDS)
    plan.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as error:
        raise ValidationError(
            {"year": _("This customer already has a plan for %(year)s.") % {"year": year}}
        ) from error
    return plan


@transaction.atomic
def customer_plan_update(
    *, actor: Person, plan: CustomerPlan, version: int, **changes: Any
) -> CustomerPlan:
    """Adjusting the plan in the year (003 §16.2) is a change like any other: versioned."""
    locked = lock_current(CustomerPlan, plan.pk, version)
    require_plan_change(actor, locked.customer)
    apply(locked, changes, PLAN_FIELDS)
    locked.full_clean(validate_constraints=False)
    locked.version += 1
    locked.save()
    return locked


def _check_action_dates(row: ActionPlanRow, plan: CustomerPlan) -> None:
    """An action of the year's plan runs within that year, and has begun before it is under way.

    The action plan sets out the actions of the plan's year (003 附表7: 在下一个年度里…采用的行动).
    """
    if row.ends_on < row.starts_on:
        raise ValidationError({"ends_on": _("The action cannot end before it starts.")})
    if row.starts_on.year != plan.year or row.ends_on.year != plan.year:
        raise ValidationError(
            {
                "starts_on": _("The action's dates lie outside the plan's year (%(year)s).")
                % {"year": plan.year}
            }
        )
    if row.status != ActionStatus.PLANNED and row.starts_on > timezone.localdate():
        raise ValidationError(
            {
                "status": _("The action starts on %(date)s; it cannot be under way or done before.")
                % {"date": row.starts_on.isoformat()}
            }
        )


def _validate(row: Model, plan: CustomerPlan) -> None:
    their: Contact | None = getattr(row, "their_person", None)
    if their is not None and their.customer_id != plan.customer_id:
        raise ValidationError({"their_person": _("That belongs to another customer unit.")})
    if isinstance(row, ActionPlanRow) and row.starts_on and row.ends_on:
        _check_action_dates(row, plan)
    if isinstance(row, ContactPlanRow) and not row.position and their is not None:
        row.position = their.position
    row.full_clean(exclude=["plan"], validate_constraints=False)
    if isinstance(row, RevenuePlanRow):
        row.compute()


def _save_row(row: R) -> R:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise ValidationError(_("This pair is already in the contact plan.")) from error
    return row


@transaction.atomic
def plan_row_add(*, actor: Person, plan: CustomerPlan, kind: type[R], **data: Any) -> R:
    """Add a row to the contact, action or revenue plan."""
    require_plan_change(actor, plan.customer)
    row = apply(kind(plan=plan), data, ROW_FIELDS[kind])
    _validate(row, plan)
    return _save_row(row)


@transaction.atomic
def plan_row_update(*, actor: Person, row: R, version: int, **changes: Any) -> R:
    locked = lock_current(type(row), row.pk, version)
    require_plan_change(actor, locked.plan.customer)
    apply(locked, changes, ROW_FIELDS[type(row)])
    _validate(locked, locked.plan)
    locked.version += 1
    return _save_row(locked)


@transaction.atomic
def plan_row_delete(*, actor: Person, row: R, version: int) -> None:
    locked = lock_current(type(row), row.pk, version)
    require_plan_change(actor, locked.plan.customer)
    locked.delete()
