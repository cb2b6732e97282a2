"""Every write to customer units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from guanxi.access.scope import may, may_in_unit
from guanxi.customers.keys import name_key, pinyin_keys
from guanxi.customers.models import (
    BACKGROUND_FIELDS,
    BUSINESS_FIELDS,
    CLASSIFICATION_FIELDS,
    COMMS_FIELDS,
    Customer,
)
from guanxi.customers.validators import normalise_credit_code
from guanxi.history.context import attributed_write, record_source  # history (CUS-12)
from guanxi.organisation.models import Person, Unit
from guanxi.policy.labels import policy_label
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
                    % {"value": value, "dimension": policy_label("dimensions", key)}
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


@dataclass(frozen=True)
class SimilarCustomer:
    """An existing customer unit with a similar name that the actor may see."""

    id: int
    name: str


class SimilarName(ValidationError):
    """Refusal of a name similar to an existing customer unit's without a reason (CUS-9).

    Duplicates are looked for across the whole company, but `similar` (and the message) carry
    only the customers the actor may see; `hidden` counts the others, never naming them.
    """

    def __init__(self, similar: list[SimilarCustomer], hidden: int) -> None:
        self.similar = similar
        self.hidden = hidden
        if similar:
            message = _(
                "A customer unit with a similar name already exists: %(name)s. "
                "Give a reason to create another."
            )
        else:
            message = _(
                "A customer unit with a similar name exists in another unit's archive. "
                "Give a reason to create another."
            )
        super().__init__(
            {
                "name": ValidationError(
                    message,
                    code="similar_name",
                    params={
                        "name": "、".join(c.name for c in similar),
                        "similar_ids": [c.id for c in similar],
                        "hidden": hidden,
                    },
                )
            }
        )

    @property
    def similar_ids(self) -> list[int]:
        return [c.id for c in self.similar]


SIMILAR_SHOWN = 20


def _check_similar_name(actor: Person, customer: Customer, reason: str) -> None:
    """Refuse a name whose key another customer unit has, unless a reason is given."""
    if not customer.name_key:
        return
    others = Customer.objects.filter(name_key=customer.name_key).only("id", "name", "owning_unit")
    if customer.pk is not None:
        others = others.exclude(pk=customer.pk)
    found = list(others.order_by("id")[:SIMILAR_SHOWN])
    if not found:
        return
    if reason.strip():
        customer.duplicate_reason = reason.strip()
        return
    visible = [
        SimilarCustomer(other.pk, other.name)
        for other in found
        if may(actor, "customer.view", other)
    ]
    raise SimilarName(visible, hidden=len(found) - len(visible))


def _prepare(customer: Customer) -> None:
    customer.name = customer.name.strip()
    customer.credit_code = normalise_credit_code(customer.credit_code)
    customer.name_pinyin, customer.name_initials = pinyin_keys(customer.name)
    customer.name_key = name_key(customer.name)
    _check_tier(customer.tier)
    _check_classification(customer)
    customer.full_clean(exclude=["created_by", "version"], validate_constraints=False)
    _check_credit_code_free(customer.credit_code, customer.pk)


def _save(customer: Customer) -> None:
    try:
        with transaction.atomic(), record_source(customer):  # history: the record's source
            customer.save()
    except IntegrityError as error:  # a concurrent insert won the unique credit code
        raise ValidationError(
            {"credit_code": _("Another customer unit already has this unified social credit code.")}
        ) from error


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def customer_create(
    *,
    actor: Person,
    name: str,
    owning_unit: Unit,
    tier: str,
    credit_code: str = "",
    duplicate_reason: str = "",
    **details: Any,
) -> Customer:
    """Create a customer unit; a name similar to an existing one needs `duplicate_reason`."""
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
    _check_similar_name(actor, customer, duplicate_reason)
    _save(customer)
    return customer


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def customer_update(
    *,
    actor: Person,
    customer: Customer,
    version: int,
    duplicate_reason: str = "",
    **changes: Any,
) -> Customer:
    """Apply `changes` if nobody saved since `version`; refuse a stale save outright.

    A new name similar to another customer unit's needs `duplicate_reason`, as on creation.
    """
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
    key_before = locked.name_key
    _prepare(locked)
    if locked.name_key != key_before:
        _check_similar_name(actor, locked, duplicate_reason)
    locked.version += 1
    _save(locked)
    return locked
