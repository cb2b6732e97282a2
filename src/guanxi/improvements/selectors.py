"""Reads of improvement proposals, plan items and forwarded opinions; each starts from
`access.visible` (a proposal by its unit, an item or opinion by its department)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from guanxi.access.scope import User, visible
from guanxi.improvements.models import (
    ImprovementPlan,
    ImprovementProposal,
    OpinionForward,
    PlanItem,
)
from guanxi.organisation.models import Unit

PROPOSAL_UNIT = "unit"
ITEM_UNIT = "department"


@dataclass(frozen=True)
class ProposalFilters:
    status: str = ""
    unit: int | None = None
    customer: int | None = None


def _in_line_of(unit_id: int) -> QuerySet[Unit]:
    """The chosen unit and the units below it."""
    chosen = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()
    return Unit.objects.filter(path__startswith=chosen or "\0")


def proposal_list(
    *, actor: User, filters: ProposalFilters | None = None
) -> QuerySet[ImprovementProposal]:
    filters = filters or ProposalFilters()
    rows = visible(
        actor,
        ImprovementProposal.objects.select_related("unit", "customer", "created_by"),
        "improvement.view",
        PROPOSAL_UNIT,
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.unit is not None:
        rows = rows.filter(unit_id__in=_in_line_of(filters.unit).values("pk"))
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    return rows


@dataclass(frozen=True)
class ItemFilters:
    year: int | None = None
    status: str = ""
    department: int | None = None


def item_list(*, actor: User, filters: ItemFilters | None = None) -> QuerySet[PlanItem]:
    filters = filters or ItemFilters()
    rows = visible(
        actor,
        PlanItem.objects.select_related("plan", "department", "proposal", "proposal__unit"),
        "improvement.view",
        ITEM_UNIT,
    )
    if filters.year is not None:
        rows = rows.filter(plan__year=filters.year)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.department is not None:
        rows = rows.filter(department_id__in=_in_line_of(filters.department).values("pk"))
    return rows


def plan_years() -> list[int]:
    """The years that have a company plan, newest first (a plan holds no customer data)."""
    return list(ImprovementPlan.objects.order_by("-year").values_list("year", flat=True)[:20])


def opinion_list(*, actor: User, status: str = "") -> QuerySet[OpinionForward]:
    rows = visible(
        actor,
        OpinionForward.objects.select_related("department", "record", "forwarded_by"),
        "improvement.view",
        ITEM_UNIT,
    )
    return rows.filter(status=status) if status else rows
