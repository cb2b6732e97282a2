"""Writes for improvement proposals 改进方案 and the company improvement plan (000 §17.3–17.4).

A unit draws a proposal up from its feedback (a low rating, the customer's requests, a seminar
opinion) and submits it to HQ; HQ accepts it into the year's company plan, naming the department
responsible and a deadline, or returns it with the reason; the department reports progress to
done. The owner of a seminar forwards its opinions to the departments concerned (§19.3.3).
Every transition is one function, called by the pages, the API and the demo alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import Customer
from guanxi.feedback.models import FormKind, FormRecord
from guanxi.improvements.models import (
    EDITABLE_STATUSES,
    ImprovementPlan,
    ImprovementProposal,
    ItemStatus,
    OpinionForward,
    OpinionStatus,
    PlanItem,
    ProposalEvent,
    ProposalSource,
    ProposalStatus,
    SourceKind,
)
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import ImprovementRules
from guanxi.versioning import apply, lock_current

PROPOSAL_FIELDS = ("title", "problem", "measures")
ITEM_MOVES: dict[str, tuple[str, ...]] = {
    ItemStatus.OPEN: (ItemStatus.IN_PROGRESS, ItemStatus.DONE),
    ItemStatus.IN_PROGRESS: (ItemStatus.DONE,),
    ItemStatus.DONE: (ItemStatus.IN_PROGRESS,),
}


def rules() -> ImprovementRules:
    return current_policy().improvements


def top_unit() -> Unit:
    """HQ: the root of the organisation tree, which keeps the company plan."""
    return Unit.objects.filter(parent__isnull=True).order_by("pk")[0]


def may_consolidate(actor: Person) -> bool:
    return may_in_unit(actor, "improvement.consolidate", top_unit().pk)


def may_draw_up(actor: Person, unit_id: int) -> bool:
    return may_in_unit(actor, "improvement.change", unit_id)


@dataclass(frozen=True)
class SourceRef:
    """A piece of feedback to answer: `kind` on `record`; `dimension` for a rating ("" for the
    overall satisfaction), `opinion` the 0-based number of a seminar opinion."""

    record: FormRecord
    kind: str
    dimension: str = ""
    opinion: int | None = None


# ------------------------------------------------------------------------- sources


def _rating_name(key: str) -> str:
    option = current_policy().feedback.rating(key)
    return option.name_zh if option else key


def quote_of(ref: SourceRef) -> str:
    """What the form says at the source, in the regulated form's own words; "" when it is not
    there (a rating that is not low, an opinion that does not exist)."""
    record, scale = ref.record, current_policy().feedback
    if ref.kind == SourceKind.RATING:
        if not ref.dimension:
            value = record.satisfaction
            label = "客户满意程度"
        else:
            dimension = scale.dimension(ref.dimension)
            value = str(record.ratings.get(ref.dimension, ""))
            label = dimension.name_zh if dimension else ""
        if not label or value not in rules().low_ratings:
            return ""
        remark = str(record.remarks.get(ref.dimension, "")) if ref.dimension else ""
        return f"{label}：{_rating_name(value)}" + (f"（{remark}）" if remark else "")
    if ref.kind == SourceKind.REQUEST:
        return record.requests.strip()
    if ref.kind == SourceKind.OPINION and ref.opinion is not None:
        opinions = record.opinions if isinstance(record.opinions, list) else []
        if 0 <= ref.opinion < len(opinions) and record.kind == FormKind.SEMINAR:
            entry = opinions[ref.opinion]
            text, unit = str(entry.get("text", "")), str(entry.get("unit", ""))
            return f"{text}（{unit}）" if unit and text else text
    return ""


def suggested_sources(record: FormRecord) -> list[SourceRef]:
    """Everything on a form a proposal could answer: its low ratings, its requests, its
    seminar opinions (the "turn into a proposal" button pre-fills from these)."""
    refs = [SourceRef(record, SourceKind.RATING)]
    refs += [
        SourceRef(record, SourceKind.RATING, dimension=d.key)
        for d in current_policy().feedback.dimensions
    ]
    refs.append(SourceRef(record, SourceKind.REQUEST))
    opinions = record.opinions if isinstance(record.opinions, list) else []
    refs += [SourceRef(record, SourceKind.OPINION, opinion=n) for n in range(len(opinions))]
    return [ref for ref in refs if quote_of(ref)]


def _within(record: FormRecord, unit: Unit) -> bool:
    """A unit answers feedback of its own line: forms of its unit or the units below it."""
    return str(record.unit.path).startswith(str(unit.path))


def _check_sources(
    actor: Person, unit: Unit, sources: list[SourceRef]
) -> list[tuple[SourceRef, str]]:
    if not sources:
        raise ValidationError({"sources": _("Name at least one piece of feedback to answer.")})
    checked = []
    for ref in sources:
        if not may_in_unit(actor, "feedback.view", ref.record.unit_id):
            raise PermissionDenied(_("You may not see this form."))
        if not _within(ref.record, unit):
            raise ValidationError(
                {"sources": _("A unit answers only the feedback of its own line.")}
            )
        quote = quote_of(ref)
        if not quote:
            raise ValidationError(
                {"sources": _("The form has no such low rating, request or opinion.")}
            )
        checked.append((ref, quote))
    return checked


# ---------------------------------------------------------------------------- proposals


def _check(proposal: ImprovementProposal) -> None:
    errors = {
        name: _("This field is required.")
        for name in PROPOSAL_FIELDS
        if not str(getattr(proposal, name) or "").strip()
    }
    if errors:
        raise ValidationError(errors)
    proposal.full_clean(exclude=["customer"])


def _event(proposal: ImprovementProposal, actor: Person, before: str, comment: str = "") -> None:
    ProposalEvent.objects.create(
        proposal=proposal,
        actor=actor,
        from_status=before,
        to_status=proposal.status,
        comment=comment,
    )


def _require_draw_up(actor: Person, unit_id: int) -> None:
    if not may_draw_up(actor, unit_id):
        raise PermissionDenied(_("You may not draw up improvement proposals for this unit."))


@transaction.atomic
def proposal_create(
    *,
    actor: Person,
    unit: Unit,
    sources: list[SourceRef],
    customer: Customer | None = None,
    **data: Any,
) -> ImprovementProposal:
    """A draft proposal of `unit`, linked to the feedback it answers."""
    _require_draw_up(actor, unit.pk)
    checked = _check_sources(actor, unit, sources)
    if customer is None:
        customer = next((ref.record.customer for ref in sources if ref.record.customer), None)
    proposal = apply(
        ImprovementProposal(unit=unit, customer=customer, created_by=actor), data, PROPOSAL_FIELDS
    )
    _check(proposal)
    proposal.save()
    ProposalSource.objects.bulk_create(
        ProposalSource(
            proposal=proposal,
            record=ref.record,
            kind=ref.kind,
            dimension=ref.dimension,
            opinion=ref.opinion,
            quote=quote,
        )
        for ref, quote in checked
    )
    _event(proposal, actor, "", _("Drawn up"))
    return proposal


def _editable(actor: Person, proposal: ImprovementProposal, version: int) -> ImprovementProposal:
    locked = lock_current(ImprovementProposal, proposal.pk, version)
    _require_draw_up(actor, locked.unit_id)
    if locked.status not in EDITABLE_STATUSES:
        raise ValidationError(_("Only a draft or a returned proposal can be changed."))
    return locked


@transaction.atomic
def proposal_update(
    *, actor: Person, proposal: ImprovementProposal, version: int, **changes: Any
) -> ImprovementProposal:
    locked = _editable(actor, proposal, version)
    apply(locked, changes, PROPOSAL_FIELDS)
    _check(locked)
    locked.version += 1
    locked.save()
    return locked


@transaction.atomic
def proposal_submit(
    *, actor: Person, proposal: ImprovementProposal, version: int
) -> ImprovementProposal:
    """Submit to HQ marketing (000 §17.3); a returned proposal is submitted again this way."""
    locked = _editable(actor, proposal, version)
    _check(locked)
    before = locked.status
    locked.status, locked.submitted_at = ProposalStatus.SUBMITTED, timezone.now()
    locked.version += 1
    locked.save()
    _event(locked, actor, before, _("Submitted to HQ"))
    return locked


def submit_refusal(actor: Person, proposal: ImprovementProposal) -> str:
    """Why `actor` cannot submit the proposal now (empty when they can): for disabled buttons."""
    if not may_draw_up(actor, proposal.unit_id):
        return _("Only the proposing unit submits its proposal.")
    if not proposal.is_editable:
        return _("The proposal is already with HQ.")
    return ""


def decision_refusal(actor: Person, proposal: ImprovementProposal) -> str:
    if not may_consolidate(actor):
        return _("Only HQ marketing accepts or returns proposals.")
    if proposal.status != ProposalStatus.SUBMITTED:
        return _("Only a submitted proposal can be accepted or returned.")
    return ""


def _decidable(actor: Person, proposal: ImprovementProposal, version: int) -> ImprovementProposal:
    if not may_consolidate(actor):
        raise PermissionDenied(_("Only HQ marketing accepts or returns proposals."))
    locked = lock_current(ImprovementProposal, proposal.pk, version)
    if locked.status != ProposalStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted proposal can be accepted or returned."))
    return locked


def plan_of_year(*, actor: Person, year: int) -> ImprovementPlan:
    """The company plan of `year`, begun by HQ when its first item comes."""
    plan, _created = ImprovementPlan.objects.get_or_create(
        year=year, defaults={"unit": top_unit(), "created_by": actor}
    )
    return plan


def default_deadline(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=rules().deadline_days)


def _check_item(item: PlanItem) -> None:
    errors: dict[str, str] = {}
    if not item.title.strip():
        errors["title"] = _("This field is required.")
    if not item.measures.strip():
        errors["measures"] = _("This field is required.")
    if item.department_id is not None and not item.department.is_active:
        errors["department"] = _("Choose a department that is still active.")
    if item.deadline and item.deadline < timezone.localdate() and item.status != ItemStatus.DONE:
        errors["deadline"] = _("The deadline cannot be in the past.")
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["plan", "department", "created_by"])


@transaction.atomic
def proposal_accept(
    *,
    actor: Person,
    proposal: ImprovementProposal,
    version: int,
    department: Unit,
    deadline: date | None = None,
    comment: str = "",
) -> PlanItem:
    """Take the proposal into this year's company plan with the department responsible."""
    locked = _decidable(actor, proposal, version)
    plan = plan_of_year(actor=actor, year=timezone.localdate().year)
    item = PlanItem(
        plan=plan,
        proposal=locked,
        title=locked.title,
        measures=locked.measures,
        department=department,
        deadline=deadline or default_deadline(),
        created_by=actor,
    )
    _check_item(item)
    item.save()
    before = locked.status
    locked.status, locked.decided_at, locked.decided_by = (
        ProposalStatus.ACCEPTED,
        timezone.now(),
        actor,
    )
    locked.version += 1
    locked.save()
    note = _("Accepted into the %(year)s plan; %(unit)s by %(deadline)s") % {
        "year": plan.year,
        "unit": department.name,
        "deadline": item.deadline.isoformat(),
    }
    _event(locked, actor, before, f"{note}. {comment.strip()}".strip(". ") if comment else note)
    return item


@transaction.atomic
def proposal_return(
    *, actor: Person, proposal: ImprovementProposal, version: int, reason: str
) -> ImprovementProposal:
    """Send the proposal back to its unit with the reason; the unit may change and resubmit."""
    locked = _decidable(actor, proposal, version)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal goes back.")})
    before = locked.status
    locked.status, locked.decided_at, locked.decided_by = (
        ProposalStatus.RETURNED,
        timezone.now(),
        actor,
    )
    locked.version += 1
    locked.save()
    _event(locked, actor, before, reason.strip())
    return locked


# ------------------------------------------------------------------------- plan items


@transaction.atomic
def item_create(
    *,
    actor: Person,
    year: int,
    title: str,
    measures: str,
    department: Unit,
    deadline: date | None = None,
) -> PlanItem:
    """An item HQ writes itself, from its own feedback (000 §17.4: 结合…自身得到的反馈)."""
    if not may_consolidate(actor):
        raise PermissionDenied(_("Only HQ marketing keeps the company improvement plan."))
    plan = plan_of_year(actor=actor, year=year)
    item = PlanItem(
        plan=plan,
        title=title,
        measures=measures,
        department=department,
        deadline=deadline or default_deadline(),
        created_by=actor,
    )
    _check_item(item)
    item.save()
    return item


@transaction.atomic
def item_assign(
    *, actor: Person, item: PlanItem, version: int, department: Unit, deadline: date
) -> PlanItem:
    """HQ names another department or deadline for an item not yet done."""
    if not may_consolidate(actor):
        raise PermissionDenied(_("Only HQ marketing assigns plan items."))
    locked = lock_current(PlanItem, item.pk, version)
    if locked.status == ItemStatus.DONE:
        raise ValidationError(_("A done item is not assigned again; reopen it first."))
    locked.department, locked.deadline = department, deadline
    _check_item(locked)
    locked.version += 1
    locked.save()
    return locked


def may_report(actor: Person, item: PlanItem) -> bool:
    """The department responsible (or a unit above it) reports progress; HQ may too."""
    return may_in_unit(actor, "improvement.change", item.department_id) or may_consolidate(actor)


@transaction.atomic
def item_progress(
    *, actor: Person, item: PlanItem, version: int, status: str, note: str = ""
) -> PlanItem:
    """Start, finish (saying what was done) or reopen an item."""
    locked = lock_current(PlanItem, item.pk, version)
    if not may_report(actor, locked):
        raise PermissionDenied(_("Only the responsible department reports on this item."))
    if status not in ITEM_MOVES.get(locked.status, ()):
        message = _("An item cannot go from “%(from)s” to this status.")
        raise ValidationError({"status": message % {"from": locked.get_status_display()}})
    if status == ItemStatus.DONE and not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    locked.status = status
    if status == ItemStatus.DONE:
        locked.completion_note, locked.completed_at = note.strip(), timezone.now()
    else:
        locked.completed_at = None
    locked.version += 1
    locked.save()
    return locked


# ---------------------------------------------------------------------- seminar opinions


def may_forward(actor: Person, record: FormRecord) -> bool:
    """The seminar's owner, its executing unit's managers, forwards its opinions (§19.3.3,
    §19.4: divisions and branches as HQ does)."""
    return record.kind == FormKind.SEMINAR and may_in_unit(
        actor, "improvement.consolidate", record.unit_id
    )


@transaction.atomic
def opinion_forward(
    *, actor: Person, record: FormRecord, opinion: int, department: Unit, note: str = ""
) -> OpinionForward:
    if not may_forward(actor, record):
        raise PermissionDenied(_("Only the seminar's owner forwards its opinions."))
    quote = quote_of(SourceRef(record, SourceKind.OPINION, opinion=opinion))
    if not quote:
        raise ValidationError({"opinion": _("The form has no such opinion.")})
    if not department.is_active:
        raise ValidationError({"department": _("Choose a department that is still active.")})
    entry = record.opinions[opinion]
    forward = OpinionForward(
        record=record,
        opinion=opinion,
        text=str(entry.get("text", "")),
        proposer=str(entry.get("unit", ""))[:200],
        department=department,
        note=note.strip(),
        due_on=timezone.localdate() + timedelta(days=rules().answer_days),
        forwarded_by=actor,
    )
    forward.full_clean(exclude=["record", "department", "forwarded_by"])
    forward.save()
    return forward


def may_answer(actor: Person, forward: OpinionForward) -> bool:
    return may_in_unit(actor, "improvement.change", forward.department_id)


@transaction.atomic
def opinion_answer(
    *, actor: Person, forward: OpinionForward, version: int, answer: str = ""
) -> OpinionForward:
    """The department acknowledges the opinion (no answer yet) or answers it."""
    locked = lock_current(OpinionForward, forward.pk, version)
    if not may_answer(actor, locked):
        raise PermissionDenied(_("Only the department concerned answers this opinion."))
    if locked.status == OpinionStatus.ANSWERED:
        raise ValidationError(_("The opinion has already been answered."))
    if answer.strip():
        locked.status, locked.answer = OpinionStatus.ANSWERED, answer.strip()
        locked.answered_by, locked.answered_at = actor, timezone.now()
    else:
        locked.status = OpinionStatus.ACKNOWLEDGED
    locked.version += 1
    locked.save()
    return locked


# ----------------------------------------------------------------- from a form's page


def drawing_unit(actor: Person, record: FormRecord) -> Unit | None:
    """The unit a proposal from `record` belongs to: the form's executing unit, or the nearest
    unit above it where `actor` may draw proposals up (a division answering its base's form)."""
    ids = record.unit.ancestor_ids() or [record.unit_id]
    for unit_id in reversed(ids):
        if may_draw_up(actor, unit_id):
            return Unit.objects.get(pk=unit_id)
    return None


def offer_refusal(actor: Person, record: FormRecord) -> str | None:
    """For the form's page: None hides the "turn into a proposal" button (the reader draws up
    no proposals), "" shows it, a sentence disables it and says why."""
    if drawing_unit(actor, record) is None:
        return None
    if not suggested_sources(record):
        return _("The form has no low rating, request or opinion to answer.")
    return ""
