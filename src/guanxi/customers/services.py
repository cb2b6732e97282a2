"""Every write to customer units."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers.keys import pinyin_keys
from guanxi.customers.models import (
    BACKGROUND_FIELDS,
    BUSINESS_FIELDS,
    CLASSIFICATION_FIELDS,
    COMMS_FIELDS,
    Customer,
)
from guanxi.customers.validators import normalise_credit_code
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import StaleVersion

EDITABLE = (
    "name",
    "credit_code",
    "owning_unit",
    "tier",
    "manager",
    "cooperation_since",
    "source",
    *CLASSIFICATION_FIELDS,
    *BUSINESS_FIELDS,
    *COMMS_FIELDS,
    *BACKGROUND_FIELDS,
)


def _check_classification(customer: Customer) -> None:
    policy = current_policy()
    for key in CLASSIFICATION_FIELDS:
        value = getattr(customer, key)
        if value and policy.dimensions[key].option(value) is None:
            raise ValidationError(
                {
                    key: _("“%(value)s” is not a value of %(dimension)s.")
                    % {"value": value, "dimension": policy.dimensions[key].name_zh}
                }
            )
    if customer.source and customer.source not in policy.sources:
        raise ValidationError(
            {"source": _("Unknown information source “%(s)s”.") % {"s": customer.source}}
        )


def _check_tier(tier: str) -> None:
    if tier not in current_policy().tiers:
        raise ValidationError({"tier": _("Unknown customer tier “%(tier)s”.") % {"tier": tier}})


def _check_credit_code_free(code: str, exclude_pk: int | None) -> None:
    if not code:
        return
    same = Customer.objects.filter(credit_code=code)
    clash = (same.exclude(pk=exclude_pk) if exclude_pk else same).first()
    if clash is not None:
        raise ValidationError(
            {"credit_code": _("Another customer unit already has this unified social credit code.")}
        )


def _prepare(customer: Customer) -> None:
    customer.name = customer.name.strip()
    customer.credit_code = normalise_credit_code(customer.credit_code)
    customer.name_pinyin, customer.name_initials = pinyin_keys(customer.name)
    _check_tier(customer.tier)
    _check_classification(customer)
    customer.full_clean(exclude=["created_by", "version"], validate_constraints=False)
    _check_credit_code_free(customer.credit_code, customer.pk)


def _save(customer: Customer) -> None:
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as error:  # a concurrent insert won the unique credit code
        raise ValidationError(
            {"credit_code": _("Another customer unit already has this unified social credit code.")}
        ) from error


@transaction.atomic
def customer_create(
    *,
    actor: Person,
    name: str,
    owning_unit: Unit,
    tier: str,
    credit_code: str = "",
    **details: Any,
) -> Customer:
    if not may_in_unit(actor, "customer.create", owning_unit.pk):
        raise PermissionDenied(
            _("You may not create customer units for %(unit)s.") % {"unit": owning_unit.name}
        )
    customer = Customer(
        name=name, credit_code=credit_code, owning_unit=owning_unit, tier=tier, created_by=actor
    )
    for field in EDITABLE:
        if field in details:
            setattr(customer, field, details[field])
    _prepare(customer)
    _save(customer)
    return customer


@transaction.atomic
def customer_update(*, actor: Person, customer: Customer, version: int, **changes: Any) -> Customer:
    """Apply `changes` if nobody saved since `version`; refuse a stale save outright."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if not may_in_unit(actor, "customer.change", locked.owning_unit_id):
        raise PermissionDenied(_("You may not change this customer unit."))
    if locked.version != version:
        raise StaleVersion(expected=version, actual=locked.version)
    for field in EDITABLE:
        if field in changes:
            setattr(locked, field, changes[field])
    if not may_in_unit(actor, "customer.change", locked.owning_unit_id):
        raise PermissionDenied(_("You may not move a customer unit outside your own line."))
    _prepare(locked)
    locked.version += 1
    _save(locked)
    return locked
