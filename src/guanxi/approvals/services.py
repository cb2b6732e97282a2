"""The approval mechanism 审批: one generic service for every kind of request (APR-1..4).

How another app uses it (keycustomers, plans, activities all do):

    from guanxi.approvals import services as approvals

    approval = approvals.approval_request(
        actor=person,                 # who asks
        kind="activity_cost",         # a request kind named by [[approvals]] rules in the policy
        subject=activity,             # any model instance; kept as content type + id
        requesting_unit=activity.unit,
        title="…",                    # what approvers see in their inbox
        amount=Decimal("45000"),      # optional; rules may say `amount_above`
    )                                 # -> Approval, or None when no rule applies
    approvals.require_unblocked(subject=activity, action="write_off")  # raises Refused
    approvals.subject_status(subject=activity)  # -> latest Approval per kind, for display

The chain of steps comes from the policy: every rule the request meets adds its steps (unit
kind + role, e.g. HQ's manager, or senior management for HQ seminar proposals); each step is
decided by a person holding that role in the nearest unit of that kind above the requester, or
by their delegate for a period. `approval_decide` locks the request row, so approving twice or
concurrently decides once. A rule's `blocks` names the actions refused until approval.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.approvals.models import Approval, Decision, Delegation, Status, Step
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.labels import policy_label
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import APPROVAL_OWN_UNIT, ApprovalRule


class Refused(Exception):
    """A transition the current state does not allow; the API answers 409 with this reason."""


@dataclass(frozen=True)
class PlannedStep:
    rule: ApprovalRule
    unit: Unit
    role: str


def _approving_unit(requesting_unit: Unit, unit_kind: str) -> Unit:
    if unit_kind == APPROVAL_OWN_UNIT:
        return requesting_unit
    candidates = Unit.objects.filter(pk__in=requesting_unit.ancestor_ids(), kind=unit_kind)
    found = max(candidates, key=lambda unit: unit.depth, default=None)
    if found is None:
        raise ValidationError(
            _("No unit of kind %(kind)s stands above %(unit)s to approve this request.")
            % {"kind": policy_label("unit_kinds", unit_kind), "unit": requesting_unit}
        )
    return found


def chain_for(*, kind: str, amount: Decimal | None, requesting_unit: Unit) -> list[PlannedStep]:
    """The steps a request needs under the current policy; empty when it needs none."""
    rules = current_policy().approval_rules(
        kind=kind, amount=amount, requester_kind=requesting_unit.kind
    )
    chain: list[PlannedStep] = []
    seen: set[tuple[int, str]] = set()
    for rule in rules:
        for step in rule.steps:
            unit = _approving_unit(requesting_unit, step.unit_kind)
            if (unit.pk, step.role) not in seen:
                seen.add((unit.pk, step.role))
                chain.append(PlannedStep(rule=rule, unit=unit, role=step.role))
    return chain


def _subject_filter(subject: models.Model) -> Q:
    return Q(subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk)


@transaction.atomic
def approval_request(
    *,
    actor: Person,
    kind: str,
    subject: models.Model,
    requesting_unit: Unit,
    title: str,
    amount: Decimal | None = None,
) -> Approval | None:
    """Ask for approval; an earlier pending request of the same kind is withdrawn (superseded)."""
    chain = chain_for(kind=kind, amount=amount, requesting_unit=requesting_unit)
    if not chain:
        return None
    same = Approval.objects.select_for_update().filter(_subject_filter(subject), kind=kind)
    for earlier in same.exclude(status__in=[Status.WITHDRAWN, Status.REJECTED]):
        covered = earlier.amount is None or (amount is not None and amount <= earlier.amount)
        if earlier.status == Status.APPROVED and covered:
            return earlier
        if earlier.status == Status.PENDING:
            _withdraw(earlier)
    approval = Approval.objects.create(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        title=title[:300],
        requesting_unit=requesting_unit,
        requested_by=actor,
        amount=amount,
        rules=_rule_records(chain),
    )
    Step.objects.bulk_create(
        Step(
            approval=approval,
            position=position,
            unit=planned.unit,
            role=planned.role,
            clause=planned.rule.clause,
            decision=Decision.PENDING if position == 1 else Decision.WAITING,
        )
        for position, planned in enumerate(chain, start=1)
    )
    return approval


def _rule_records(chain: list[PlannedStep]) -> list[dict[str, object]]:
    rules = {planned.rule.key: planned.rule for planned in chain}
    return [
        {"key": r.key, "clause": r.clause, "text": r.text, "blocks": list(r.blocks)}
        for r in rules.values()
    ]


def _withdraw(approval: Approval) -> None:
    Approval.objects.filter(pk=approval.pk).update(
        status=Status.WITHDRAWN, decided_at=timezone.now(), version=models.F("version") + 1
    )
    Step.objects.filter(
        approval=approval, decision__in=[Decision.PENDING, Decision.WAITING]
    ).update(decision=Decision.SKIPPED)


@transaction.atomic
def approval_withdraw_for(*, subject: models.Model) -> int:
    """Withdraw every pending request about `subject` (it was deleted or changed shape)."""
    pending = list(
        Approval.objects.select_for_update().filter(_subject_filter(subject), status=Status.PENDING)
    )
    for approval in pending:
        _withdraw(approval)
    return len(pending)


def deciders(person: Person, on: datetime.date | None = None) -> dict[tuple[int, str], int | None]:
    """(unit id, role) pairs `person` may decide for, mapped to whom they act for (None: self)."""
    on = on or timezone.localdate()
    pairs: dict[tuple[int, str], int | None] = dict.fromkeys(
        Membership.objects.filter(person=person).values_list("unit_id", "role")
    )
    delegated = Membership.objects.filter(
        person__delegations_given__delegate=person,
        person__delegations_given__starts__lte=on,
        person__delegations_given__ends__gte=on,
        person__delegations_given__cancelled=False,
    ).values_list("unit_id", "role", "person_id")
    for unit_id, role, delegator_id in delegated:
        pairs.setdefault((unit_id, role), delegator_id)
    return pairs


@transaction.atomic
def approval_decide(
    *, actor: Person, approval: Approval, approve: bool, comment: str = ""
) -> Approval:
    """Decide the current step. The row lock makes a second, concurrent decision a refusal."""
    locked = Approval.objects.select_for_update().get(pk=approval.pk)
    if locked.status != Status.PENDING:
        raise Refused(
            _("This request was already decided (%(status)s).")
            % {"status": Status(locked.status).label}
        )
    step = Step.objects.select_for_update().get(approval=locked, position=locked.current_step)
    acting = deciders(actor).get((step.unit_id, step.role), -1)
    if acting == -1:
        raise PermissionDenied(_("This step waits on someone else."))
    if actor.pk == locked.requested_by_id:
        raise Refused(_("You cannot decide your own request; name a delegate instead."))
    comment = comment.strip()[:2000]
    if not approve and not comment:
        raise ValidationError({"comment": _("Say why the request is rejected.")})
    now = timezone.now()
    step.decision = Decision.APPROVED if approve else Decision.REJECTED
    step.decided_by, step.on_behalf_of_id, step.decided_at, step.comment = (
        actor,
        acting,
        now,
        comment,
    )
    step.save(update_fields=["decision", "decided_by", "on_behalf_of", "decided_at", "comment"])
    _advance(locked, approve=approve, now=now)
    return locked


def _advance(approval: Approval, *, approve: bool, now: datetime.datetime) -> None:
    following = Step.objects.filter(approval=approval, position=approval.current_step + 1)
    if approve and following.exists():
        following.update(decision=Decision.PENDING)
        approval.current_step += 1
    else:
        approval.status = Status.APPROVED if approve else Status.REJECTED
        approval.decided_at = now
    approval.version += 1
    approval.save(update_fields=["status", "current_step", "decided_at", "version"])


def subject_status(*, subject: models.Model) -> dict[str, Approval]:
    """The latest request of each kind about `subject` (withdrawn ones are history)."""
    latest: dict[str, Approval] = {}
    rows = Approval.objects.filter(_subject_filter(subject)).exclude(status=Status.WITHDRAWN)
    for approval in rows.order_by("id"):
        latest[approval.kind] = approval
    return latest


def blocking(*, subject: models.Model, action: str) -> list[Approval]:
    return [a for a in subject_status(subject=subject).values() if a.blocks(action)]


def _action_label(action: str) -> str:
    labels = {"write_off": _("write-off"), "carry_out": _("carrying out")}
    return str(labels.get(action, action.replace("_", "-")))


def require_unblocked(*, subject: models.Model, action: str) -> None:
    """Refuse `action` while a request that blocks it is pending or was rejected."""
    waiting = blocking(subject=subject, action=action)
    if waiting:
        names = ", ".join(f"{a.title} ({Status(a.status).label})" for a in waiting)
        raise Refused(
            _("%(action)s refused: approval pending or rejected — %(names)s")
            % {"action": _action_label(action), "names": names}
        )


@transaction.atomic
def delegation_create(
    *, actor: Person, delegate: Person, starts: datetime.date, ends: datetime.date, note: str = ""
) -> Delegation:
    """Name a delegate who decides in the actor's place from `starts` to `ends` inclusive."""
    if delegate.pk == actor.pk:
        raise ValidationError({"delegate": _("Name someone other than yourself.")})
    if ends < starts:
        raise ValidationError({"ends": _("The end date is before the start date.")})
    if not delegate.is_active:
        raise ValidationError({"delegate": _("This person's account is not active.")})
    delegation = Delegation(delegator=actor, delegate=delegate, starts=starts, ends=ends, note=note)
    delegation.full_clean()
    delegation.save()
    return delegation


@transaction.atomic
def delegation_cancel(*, actor: Person, delegation: Delegation, version: int) -> Delegation:
    from guanxi.versioning import lock_current

    locked = lock_current(Delegation, delegation.pk, version)
    if locked.delegator_id != actor.pk:
        raise PermissionDenied(_("Only the approver who named the delegate may cancel it."))
    locked.cancelled = True
    locked.version += 1
    locked.save(update_fields=["cancelled", "version"])
    return locked
