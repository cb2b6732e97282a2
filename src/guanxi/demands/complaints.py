"""Complaints 投诉 and their first-answer clock (001 §14: 接到投诉后，应在24小时内给予回应).

The clock's length is policy (`[complaints] answer_hours`). A complaint past its due time
without an answer is marked breached and escalated to its unit's manager by a periodic sweep
that claims due rows with one conditional UPDATE, so two workers never escalate one twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import Customer
from guanxi.demands.models import Complaint, ComplaintStatus
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.outbox.services import enqueue_email
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import lock_current

SWEEP_BATCH = 500


def answer_window() -> timedelta:
    return timedelta(hours=current_policy().complaints.answer_hours)


def time_left(complaint: Complaint, now: datetime | None = None) -> timedelta | None:
    """Time until the first answer is due (negative when overdue); None once answered."""
    if complaint.status != ComplaintStatus.OPEN:
        return None
    return complaint.due_at - (now or timezone.now())


def _require_change(actor: Person, unit_id: int) -> None:
    if not may_in_unit(actor, "complaint.change", unit_id):
        raise PermissionDenied(_("You may not handle complaints of this customer."))


@transaction.atomic
def complaint_create(
    *, actor: Person, customer: Customer, received_at: datetime, channel: str, description: str
) -> Complaint:
    """Register a complaint as received; its answer falls due `answer_hours` later."""
    _require_change(actor, customer.owning_unit_id)
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("A complaint cannot be received in the future.")})
    complaint = Complaint(
        customer=customer,
        owning_unit_id=customer.owning_unit_id,
        received_at=received_at,
        due_at=received_at + answer_window(),
        channel=channel,
        description=description,
        created_by=actor,
    )
    complaint.full_clean(exclude=["customer"])
    complaint.save()
    return complaint


@transaction.atomic
def complaint_answer(
    *, actor: Person, complaint: Complaint, version: int, answer: str
) -> Complaint:
    """Record the first answer given to the customer; the clock stops."""
    locked = lock_current(Complaint, complaint.pk, version)
    _require_change(actor, locked.owning_unit_id)
    if locked.status != ComplaintStatus.OPEN:
        raise ValidationError(_("This complaint has already been answered."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer given to the customer.")})
    locked.answer, locked.answered_by = answer.strip(), actor
    locked.first_answer_at, locked.status = timezone.now(), ComplaintStatus.ANSWERED
    locked.version += 1
    locked.save()
    return locked


def _managers(unit_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """(person id, e-mail) of the active managers of each unit, in one query."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = Membership.objects.filter(
        unit_id__in=unit_ids, role="manager", person__is_active=True
    ).exclude(person__email="")
    for unit_id, person_id, email in rows.values_list("unit_id", "person_id", "person__email"):
        found.setdefault(unit_id, []).append((person_id, email))
    return found


def _nearest_managers(unit_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """A unit without a manager of its own is escalated to the nearest one above it."""
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    line = {int(part) for path in paths.values() for part in path.strip("/").split("/") if part}
    managers = _managers(line)
    nearest: dict[int, list[tuple[int, str]]] = {}
    for unit_id, path in paths.items():
        ancestors = [int(part) for part in path.strip("/").split("/") if part]
        for ancestor in reversed(ancestors):
            if managers.get(ancestor):
                nearest[unit_id] = managers[ancestor]
                break
    return nearest


@transaction.atomic
def escalate_breaches(*, now: datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Mark open complaints past their due time as breached and tell their unit's manager.

    The claim is one conditional UPDATE (`breached = false` in its WHERE): a second worker
    running at the same moment updates none of the rows the first one took, and only the rows
    carrying this run's claim token are escalated. Safe to run twice."""
    now = now or timezone.now()
    due = Complaint.objects.filter(
        status=ComplaintStatus.OPEN, breached=False, due_at__lte=now
    ).order_by("due_at")
    ids = list(due.values_list("pk", flat=True)[:limit])
    if not ids:
        return []
    token = uuid.uuid4()
    Complaint.objects.filter(pk__in=ids, status=ComplaintStatus.OPEN, breached=False).update(
        breached=True, escalated_at=now, breach_claim=token
    )
    claimed = list(
        Complaint.objects.filter(breach_claim=token).select_related("customer").order_by("pk")
    )
    managers = _nearest_managers({c.owning_unit_id for c in claimed})
    for complaint in claimed:
        _tell(complaint, managers.get(complaint.owning_unit_id, []))
    return [c.pk for c in claimed]


def _tell(complaint: Complaint, managers: list[tuple[int, str]]) -> None:
    subject = _("Complaint not answered in time: %(customer)s") % {
        "customer": complaint.customer.name
    }
    url = reverse("demands:complaint-detail", args=[complaint.pk])
    for person_id, email in managers:
        enqueue_email(
            to=email,
            subject=subject,
            body=f"{subject}\n{complaint.description[:500]}\n{url}",
            dedupe_key=f"complaint:{complaint.pk}:breach:person:{person_id}",
        )
