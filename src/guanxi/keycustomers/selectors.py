"""Reads for key-customer work; each starts from `guanxi.access.visible` (scoped by unit line)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Sum

from guanxi.access.scope import User, may, visible
from guanxi.contactreports.selectors import contacts_made
from guanxi.keycustomers.models import (
    Campaign,
    CampaignScope,
    CampaignStatus,
    CampaignTarget,
    ContactPlanRow,
    CustomerPlan,
    FollowUp,
    FollowUpStatus,
    RevenuePlanRow,
    VisitPlan,
)

VISIT_UNIT = "customer__owning_unit"
FOLLOW_UP_UNIT = "visit__customer__owning_unit"
PLAN_UNIT = "customer__owning_unit"
TARGET_UNIT = "customer__owning_unit"


@dataclass(frozen=True)
class VisitFilters:
    direction: str = ""
    status: str = ""
    customer: int | None = None


def visit_list(*, actor: User, filters: VisitFilters | None = None) -> QuerySet[VisitPlan]:
    filters = filters or VisitFilters()
    visits = visible(actor, VisitPlan.objects.select_related("customer"), "visit.view", VISIT_UNIT)
    if filters.direction:
        visits = visits.filter(direction=filters.direction)
    if filters.status:
        visits = visits.filter(status=filters.status)
    if filters.customer is not None:
        visits = visits.filter(customer_id=filters.customer)
    return visits


def follow_ups_open_for(*, actor: User) -> QuerySet[FollowUp]:
    """The open follow-ups an owner must still do, soonest first."""
    items = visible(
        actor,
        FollowUp.objects.select_related("visit__customer"),
        "visit.view",
        FOLLOW_UP_UNIT,
    )
    return items.filter(owner_id=getattr(actor, "pk", None), status=FollowUpStatus.OPEN).order_by(
        "due_on", "id"
    )


def customer_plan_list(*, actor: User, year: int | None = None) -> QuerySet[CustomerPlan]:
    plans = visible(
        actor,
        CustomerPlan.objects.select_related("customer", "owner"),
        "customer_plan.view",
        PLAN_UNIT,
    )
    return plans.filter(year=year) if year else plans


def contact_rows(plan: CustomerPlan) -> QuerySet[ContactPlanRow]:
    """附表6 with the number of contacts made COUNTED from the contact reports of the plan's year
    that name both people (003 附表6 note: every contact gets a report) — one correlated
    subquery, whatever the number of rows."""
    made = contacts_made(
        customer=plan.customer_id,
        year=plan.year,
        our_person=OuterRef("our_person_id"),
        their_person=OuterRef("their_person_id"),
    )
    return (
        plan.contact_rows.select_related("our_person", "their_person")
        .annotate(contacts_made=made)
        .order_by("our_person_id", "id")
    )


@dataclass(frozen=True)
class RevenueTotals:
    contract_amount: Decimal
    expected_revenue: Decimal
    profit: Decimal


def revenue_totals(plan: CustomerPlan) -> RevenueTotals:
    """Totals of the stored, already-rounded rows: the sum of what each row shows."""
    zero = Decimal("0.00")
    sums: dict[str, Any] = RevenuePlanRow.objects.filter(plan=plan).aggregate(
        amount=Sum("contract_amount"), revenue=Sum("expected_revenue"), profit=Sum("profit")
    )
    return RevenueTotals(
        contract_amount=Decimal(sums["amount"] or zero).quantize(zero),
        expected_revenue=Decimal(sums["revenue"] or zero).quantize(zero),
        profit=Decimal(sums["profit"] or zero).quantize(zero),
    )


def campaign_list(*, actor: User) -> QuerySet[Campaign]:
    """Campaigns of the reader's line, plus every published company-wide one (002 §6.1)."""
    if not may(actor, "campaign.view"):
        return Campaign.objects.none()
    own_line = visible(actor, Campaign.objects.all(), "campaign.view", "unit")
    company = Campaign.objects.filter(scope=CampaignScope.COMPANY).exclude(
        status=CampaignStatus.DRAFT
    )
    return (own_line | company).select_related("unit")


def campaign_targets(*, actor: User, campaign: Campaign) -> QuerySet[CampaignTarget]:
    targets = visible(
        actor,
        CampaignTarget.objects.select_related("customer", "unit"),
        "campaign.view",
        TARGET_UNIT,
    )
    return targets.filter(campaign=campaign)


def campaign_rollup(*, actor: User, campaign: Campaign) -> list[dict[str, Any]]:
    """Targets per reporting unit and progress, counted in the database (002 §6.1 feedback)."""
    rows = (
        campaign_targets(actor=actor, campaign=campaign)
        .order_by()
        .values("unit_id", "unit__name", "status")
        .annotate(n=Count("id"), high=Count("id", filter=Q(intent="high")))
        .order_by("unit__name", "status")
    )
    return list(rows)
