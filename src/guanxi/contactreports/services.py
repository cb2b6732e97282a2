"""Writes for contact reports and the next contact date.

A report is written by someone who may write reports in the customer's unit line, about a
contact that has happened, with people of that customer only; it is mailed to the customer's
manager through the outbox in the same transaction (003 附表6: 请将这些报告呈交负责客户单位业务的
客户经理), who also sees it as new on the reports list until they open it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.contactreports.models import ContactReport, NextContact
from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person
from guanxi.outbox.services import enqueue_email
from guanxi.policy.labels import policy_label
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import StaleVersion, apply, lock_current

REPORT_FIELDS = ("kind", "contacted_on", "summary", "follow_up")


def require_report_change(actor: Person, customer: Customer) -> None:
    if not may_in_unit(actor, "contact_report.change", customer.owning_unit_id):
        raise PermissionDenied(_("You may not write contact reports for this customer."))


def _check(report: ContactReport, key_persons: Sequence[Contact]) -> None:
    """The kind is one of the policy's, the contact has happened, the people are the customer's."""
    if report.kind not in current_policy().contact_kinds:
        raise ValidationError({"kind": _("Choose one of the kinds of contact listed.")})
    if report.contacted_on and report.contacted_on > timezone.localdate():
        raise ValidationError(
            {
                "contacted_on": _(
                    "A contact report records a contact that has happened; "
                    "%(date)s is still to come."
                )
                % {"date": report.contacted_on.isoformat()}
            }
        )
    if not key_persons:
        raise ValidationError({"key_persons": _("Name at least one of the customer's people.")})
    if any(person.customer_id != report.customer_id for person in key_persons):
        raise ValidationError({"key_persons": _("That belongs to another customer unit.")})
    report.full_clean(exclude=["customer", "unit", "created_by", "manager"])


def _notice(report: ContactReport) -> tuple[str, str]:
    kind = policy_label("contact_kinds", report.kind)
    subject = _("Contact report: %(customer)s, %(kind)s on %(date)s") % {
        "customer": report.customer.name,
        "kind": kind,
        "date": report.contacted_on.isoformat(),
    }
    body = "\n".join(
        [
            subject,
            _("Reported by: %(name)s") % {"name": report.created_by},
            report.summary,
            _("Follow-up: %(text)s") % {"text": report.follow_up or "—"},
            _("Details: %(url)s")
            % {"url": reverse("contactreports:report-detail", args=[report.pk])},
        ]
    )
    return subject, body


def notify_manager(report: ContactReport) -> bool:
    """Mail the report to the customer's manager in the caller's transaction; a manager who
    wrote it themselves, or has no address, is not mailed (they still see it on the list)."""
    manager = report.manager
    if manager is None or manager.pk == report.created_by_id or not manager.email:
        return False
    subject, body = _notice(report)
    enqueue_email(
        to=manager.email,
        subject=subject,
        body=body,
        dedupe_key=f"contact-report:{report.pk}:manager:{manager.pk}",
    )
    return True


@transaction.atomic
def contact_report_create(
    *,
    actor: Person,
    customer: Customer,
    key_persons: Sequence[Contact],
    our_people: Sequence[Person] = (),
    **data: Any,
) -> ContactReport:
    """Record one contact and send the report to the customer's manager."""
    require_report_change(actor, customer)
    report = apply(
        ContactReport(
            customer=customer,
            unit_id=customer.owning_unit_id,
            created_by=actor,
            manager_id=customer.manager_id,
        ),
        data,
        REPORT_FIELDS,
    )
    _check(report, key_persons)
    if report.manager_id == actor.pk:
        report.manager_seen_at = timezone.now()  # the manager's own report is not news to them
    report.save()
    report.key_persons.set(key_persons)
    report.our_people.set(our_people or [actor])
    notify_manager(report)
    return report


@transaction.atomic
def contact_report_update(
    *,
    actor: Person,
    report: ContactReport,
    version: int,
    key_persons: Sequence[Contact] | None = None,
    our_people: Sequence[Person] | None = None,
    **changes: Any,
) -> ContactReport:
    """Correct a report; the people lists are replaced when given."""
    locked = lock_current(ContactReport, report.pk, version)
    require_report_change(actor, locked.customer)
    apply(locked, changes, REPORT_FIELDS)
    _check(locked, list(locked.key_persons.all()) if key_persons is None else key_persons)
    locked.version += 1
    locked.save()
    if key_persons is not None:
        locked.key_persons.set(key_persons)
    if our_people is not None:
        locked.our_people.set(our_people or [actor])
    return locked


def contact_report_seen(*, actor: Person, report: ContactReport) -> bool:
    """The customer manager opened the report: it is no longer new to them. One conditional
    update, so two tabs opening it at once mark it once; not an edit (the version stays)."""
    if report.manager_id != actor.pk or report.manager_seen_at is not None:
        return False
    now = timezone.now()
    marked = ContactReport.objects.filter(pk=report.pk, manager_seen_at__isnull=True).update(
        manager_seen_at=now
    )
    report.manager_seen_at = now
    return marked == 1


def require_next_contact_set(actor: Person, customer: Customer) -> None:
    if not may_in_unit(actor, "next_contact.set", customer.owning_unit_id):
        raise PermissionDenied(_("Only the customer's manager may set the next contact date."))


@transaction.atomic
def next_contact_set(
    *,
    actor: Person,
    customer: Customer,
    version: int,
    next_contact_on: date | None,
    note: str = "",
) -> NextContact:
    """Set (or clear) when the customer is next to be contacted. `version` is the one the
    editor loaded, 0 while none was set; a stale one is refused."""
    require_next_contact_set(actor, customer)
    if next_contact_on is not None and next_contact_on < timezone.localdate():
        raise ValidationError(
            {"next_contact_on": _("The next contact date cannot lie in the past.")}
        )
    current = NextContact.objects.select_for_update().filter(customer=customer).first()
    found = current.version if current is not None else 0
    if found != version:
        raise StaleVersion(expected=version, actual=found)
    if current is None:
        current = NextContact(customer=customer, set_by=actor, version=0)
    current.next_contact_on, current.note, current.set_by = next_contact_on, note, actor
    current.full_clean(exclude=["customer"])
    current.version += 1
    try:
        with transaction.atomic():
            current.save(force_insert=current.version == 1)
    except IntegrityError as error:  # another editor set the first date meanwhile
        raise StaleVersion(expected=version, actual=version + 1) from error
    return current
