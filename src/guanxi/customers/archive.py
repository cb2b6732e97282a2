"""Writes to the rest of the archive: departments, contacts, relationships, dealings,
operations, market reports. Every write checks `customer.change` on the customer's unit,
runs in one transaction and refuses a stale version."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers.keys import pinyin_keys
from guanxi.customers.models import (
    BACKGROUND_FIELDS,
    BUSINESS_FIELDS,
    COMMS_FIELDS,
    PROFILE_FIELDS,
    Contact,
    ContractSummary,
    Customer,
    CustomerDepartment,
    Dealing,
    InformationMeaning,
    MarketReport,
    Operation,
    PersonalDataRequest,
    Relationship,
    RelationshipEvent,
    RequestKind,
)
from guanxi.history.context import attributed_write, record_source  # history (CUS-12)
from guanxi.history.services import erase_from_history  # history: erasure (PRV-1)
from guanxi.organisation.models import Person
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import StaleVersion, apply, lock_current

M = TypeVar("M", bound=Model)
THREE_PART = BUSINESS_FIELDS + COMMS_FIELDS + BACKGROUND_FIELDS
DEPARTMENT_FIELDS = ("parent", "kind", "name", "location", *THREE_PART)
CONTACT_FIELDS = (
    "department",
    "name",
    "position",
    "phone",
    "mobile",
    "home_phone",
    "email",
    "is_key",
    "purpose",
    "consent_at",
    "consent_note",
    "source",
    *PROFILE_FIELDS,
)
DEALING_FIELDS = (
    "department",
    "kind",
    "status",
    "title",
    "contract_number",
    "amount",
    "signed_on",
    "our_unit",
    "description",
)
OPERATION_FIELDS = ("dealing", "name", "location", "executing_unit", "started_on", "ended_on")
REPORT_FIELDS = ("month", "title", "body", "major")


def require_change(actor: Person, customer: Customer) -> None:
    if not may_in_unit(actor, "customer.change", customer.owning_unit_id):
        raise PermissionDenied(_("You may not change this customer's archive."))


def _same_customer(customer: Customer, *related: Any) -> None:
    for item in related:
        if item is not None and getattr(item, "customer_id", customer.pk) != customer.pk:
            raise ValidationError(_("That belongs to another customer unit."))


def _save(obj: M, *, bump: bool) -> M:
    if bump:
        obj.version += 1  # type: ignore[attr-defined]
    obj.full_clean()
    with record_source(obj):  # history: the record's own source channel (CUS-6)
        obj.save()
    return obj


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def department_create(*, actor: Person, customer: Customer, **data: Any) -> CustomerDepartment:
    require_change(actor, customer)
    _same_customer(customer, data.get("parent"))
    department = apply(CustomerDepartment(customer=customer), data, DEPARTMENT_FIELDS)
    return _save(department, bump=False)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def department_update(
    *, actor: Person, department: CustomerDepartment, version: int, **changes: Any
) -> CustomerDepartment:
    locked = lock_current(CustomerDepartment, department.pk, version)
    require_change(actor, locked.customer)
    _same_customer(locked.customer, changes.get("parent"))
    parent = changes.get("parent")
    while parent is not None:
        if parent.pk == locked.pk:
            raise ValidationError({"parent": _("A department cannot sit under itself.")})
        parent = parent.parent
    return _save(apply(locked, changes, DEPARTMENT_FIELDS), bump=True)


def _check_source(source: str) -> None:
    if source and source not in current_policy().sources:
        raise ValidationError({"source": _("Unknown information source “%(s)s”.") % {"s": source}})


def _prepare_contact(contact: Contact) -> Contact:
    contact.name = contact.name.strip()
    contact.name_initials = pinyin_keys(contact.name)[1]
    _check_source(contact.source)
    if not contact.is_key and any(getattr(contact, f) for f in PROFILE_FIELDS):
        raise ValidationError(_("Only key persons carry a background profile (PRV-1)."))
    return contact


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def contact_create(*, actor: Person, customer: Customer, **data: Any) -> Contact:
    require_change(actor, customer)
    _same_customer(customer, data.get("department"))
    contact = _prepare_contact(apply(Contact(customer=customer), data, CONTACT_FIELDS))
    return _save(contact, bump=False)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def contact_update(*, actor: Person, contact: Contact, version: int, **changes: Any) -> Contact:
    locked = lock_current(Contact, contact.pk, version)
    require_change(actor, locked.customer)
    if locked.erased_at is not None:
        raise ValidationError(_("This person's data was erased at their request."))
    _same_customer(locked.customer, changes.get("department"))
    contact = _prepare_contact(apply(locked, changes, CONTACT_FIELDS))
    return _save(contact, bump=True)


ERASED_NAME = "（已删除个人信息）"
# The personal fields a deletion request erases (PRV-1): the name, the means of reaching the
# person, the consent note and the key-person profile. Position, department and the business
# records stay, so dealings and relationships still make sense.
PERSONAL_FIELDS = (
    "name",
    "phone",
    "mobile",
    "home_phone",
    "email",
    "consent_note",
    *PROFILE_FIELDS,
)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def contact_erase(*, actor: Person, contact: Contact) -> Contact:
    """Erase the personal fields, keep the record so business history still points at it;
    the old values are erased from the change history too (history.services)."""
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    require_change(actor, locked.customer)
    if locked.photo:
        locked.photo.delete(save=False)
    for field in ("phone", "mobile", "home_phone", "email", "consent_note", *PROFILE_FIELDS):
        setattr(locked, field, "")
    locked.birth_date = None
    locked.name, locked.name_initials, locked.is_key = ERASED_NAME, "", False
    locked.erased_at = timezone.now()
    locked.version += 1
    locked.save()
    erase_from_history(model=Contact, record_id=locked.pk, fields=PERSONAL_FIELDS)
    return locked


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def personal_request_record(
    *,
    actor: Person,
    contact: Contact,
    kind: str,
    details: str = "",
    requested_by: str = "",
    verification: str = "",
    received_at: datetime | None = None,
) -> PersonalDataRequest:
    """Record who asked to see, correct or delete a person's data, when, and how they were
    verified (PRV-1); anyone who may change the archive records it."""
    require_change(actor, contact.customer)
    if contact.erased_at is not None:
        raise ValidationError(_("This person's data was erased at their request."))
    now = timezone.now()
    if received_at is not None and received_at > now:
        raise ValidationError({"received_at": _("A request cannot arrive in the future.")})
    request = PersonalDataRequest(
        contact=contact,
        kind=kind,
        details=details,
        requested_by=requested_by.strip(),
        verification=verification.strip(),
        received_at=received_at or now,
        recorded_by=actor,
    )
    request.full_clean()
    request.save()
    return request


def require_handle(actor: Person, contact: Contact) -> None:
    if not may_in_unit(actor, "personal_data.handle", contact.customer.owning_unit_id):
        raise PermissionDenied(_("You may not carry out personal data requests here."))


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def personal_request_complete(
    *, actor: Person, request: PersonalDataRequest, outcome: str
) -> PersonalDataRequest:
    """Carry a request out, once: the row lock makes two handlers produce one completion."""
    locked = (
        PersonalDataRequest.objects.select_for_update(of=("self",))
        .select_related("contact__customer")
        .get(pk=request.pk)
    )
    require_handle(actor, locked.contact)
    if locked.done_at is not None:
        raise ValidationError(_("This request has already been carried out."))
    if locked.kind == RequestKind.DELETE:
        contact_erase(actor=actor, contact=locked.contact)
    locked.done_at, locked.done_by, locked.outcome = timezone.now(), actor, outcome
    locked.save()
    return locked


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def relationship_set(
    *,
    actor: Person,
    contact: Contact,
    buying_role: str,
    state: str,
    holders: list[Person],
    concerns: str = "",
    note: str = "",
    version: int | None = None,
) -> Relationship:
    """Create or change a key person's relationship; every change is kept as an event."""
    require_change(actor, contact.customer)
    if not contact.is_key:
        raise ValidationError(_("Only key persons are placed on the relationship map."))
    existing = Relationship.objects.filter(contact=contact).first()
    if existing is None:
        relationship = Relationship(contact=contact)
    else:
        relationship = lock_current(Relationship, existing.pk, version or 0)
        relationship.version += 1
    relationship.buying_role, relationship.state = buying_role, state
    relationship.concerns = concerns
    relationship.full_clean(exclude=["contact"])
    relationship.save()
    relationship.holders.set(holders)
    RelationshipEvent.objects.create(
        relationship=relationship,
        by=actor,
        buying_role=buying_role,
        state=state,
        holders="、".join(str(person) for person in holders),
        note=note,
    )
    return relationship


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def dealing_create(*, actor: Person, customer: Customer, **data: Any) -> Dealing:
    require_change(actor, customer)
    _same_customer(customer, data.get("department"))
    return _save(apply(Dealing(customer=customer), data, DEALING_FIELDS), bump=False)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def dealing_update(*, actor: Person, dealing: Dealing, version: int, **changes: Any) -> Dealing:
    locked = lock_current(Dealing, dealing.pk, version)
    require_change(actor, locked.customer)
    _same_customer(locked.customer, changes.get("department"))
    return _save(apply(locked, changes, DEALING_FIELDS), bump=True)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def summary_create(
    *, actor: Person, dealing: Dealing, written_on: Any, summary: str, problems: str = ""
) -> ContractSummary:
    require_change(actor, dealing.customer)
    report = ContractSummary(
        dealing=dealing, written_on=written_on, author=actor, summary=summary, problems=problems
    )
    return _save(report, bump=False)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def operation_create(*, actor: Person, customer: Customer, **data: Any) -> Operation:
    require_change(actor, customer)
    _same_customer(customer, data.get("dealing"))
    return _save(apply(Operation(customer=customer), data, OPERATION_FIELDS), bump=False)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def operation_update(
    *, actor: Person, operation: Operation, version: int, **changes: Any
) -> Operation:
    locked = lock_current(Operation, operation.pk, version)
    require_change(actor, locked.customer)
    _same_customer(locked.customer, changes.get("dealing"))
    return _save(apply(locked, changes, OPERATION_FIELDS), bump=True)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def information_set(
    *,
    actor: Person,
    customer: Customer,
    topic: str,
    information: str,
    meaning: str = "",
    source: str = "",
    version: int | None = None,
) -> InformationMeaning:
    """Write one row of the information-meaning table (003 附表5). `version` 0 means "new":
    a row someone else created meanwhile is refused as stale, never overwritten."""
    require_change(actor, customer)
    _check_source(source)
    existing = InformationMeaning.objects.filter(customer=customer, topic=topic).first()
    if existing is None:
        if version:
            raise StaleVersion(expected=version, actual=0)
        row = InformationMeaning(customer=customer, topic=topic)
    elif version is None:
        row = InformationMeaning.objects.select_for_update().get(pk=existing.pk)
    else:
        row = lock_current(InformationMeaning, existing.pk, version)
    row.information, row.meaning, row.source = information, meaning, source
    try:
        with transaction.atomic():
            return _save(row, bump=existing is not None)
    except IntegrityError as error:  # created by someone else since we looked
        raise StaleVersion(expected=0, actual=1) from error


def _require_report_unit(actor: Person, unit_id: int) -> None:
    if not may_in_unit(actor, "customer.change", unit_id):
        raise PermissionDenied(_("You may not write market reports for this unit."))


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def market_report_create(*, actor: Person, unit: Any, **data: Any) -> MarketReport:
    _require_report_unit(actor, unit.pk)
    report = apply(MarketReport(unit=unit, author=actor), data, REPORT_FIELDS)
    report.month = report.month.replace(day=1) if report.month else report.month
    return _save(report, bump=False)


@attributed_write  # history: actor, source (CUS-12)
@transaction.atomic
def market_report_update(
    *, actor: Person, report: MarketReport, version: int, **changes: Any
) -> MarketReport:
    locked = lock_current(MarketReport, report.pk, version)
    _require_report_unit(actor, locked.unit_id)
    return _save(apply(locked, changes, REPORT_FIELDS), bump=True)
