"""Reads for demands, complaints and the monthly report; each starts from `access.visible`."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from guanxi.access.scope import User, may, may_in_unit, visible
from guanxi.demands.models import (
    OPEN_STATUSES,
    Complaint,
    Demand,
    MonthlyReport,
    MonthlySubmission,
    ReportRow,
    ReportStatus,
)
from guanxi.organisation.models import Unit


@dataclass(frozen=True)
class DemandFilters:
    status: str = ""
    category: str = ""
    customer: int | None = None
    overdue: bool = False


def demand_list(*, actor: User, filters: DemandFilters | None = None) -> QuerySet[Demand]:
    filters = filters or DemandFilters()
    demands = visible(
        actor, Demand.objects.select_related("customer", "owner", "owning_unit"), "demand.view"
    )
    if filters.status:
        demands = demands.filter(status=filters.status)
    if filters.category:
        demands = demands.filter(category=filters.category)
    if filters.customer is not None:
        demands = demands.filter(customer_id=filters.customer)
    if filters.overdue:
        demands = demands.filter(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
    return demands


@dataclass(frozen=True)
class ComplaintFilters:
    status: str = ""
    breached: bool = False
    customer: int | None = None


def complaint_list(*, actor: User, filters: ComplaintFilters | None = None) -> QuerySet[Complaint]:
    filters = filters or ComplaintFilters()
    complaints = visible(
        actor, Complaint.objects.select_related("customer", "owning_unit"), "complaint.view"
    )
    if filters.status:
        complaints = complaints.filter(status=filters.status)
    if filters.breached:
        complaints = complaints.filter(breached=True)
    if filters.customer is not None:
        complaints = complaints.filter(customer_id=filters.customer)
    return complaints


def submission_list(*, actor: User) -> QuerySet[MonthlySubmission]:
    return visible(
        actor,
        MonthlySubmission.objects.select_related("unit", "submitted_by"),
        "demand.view",
        "unit",
    )


def may_publish(actor: User) -> bool:
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    return root is not None and may_in_unit(actor, "monthly_report.publish", root.pk)


def report_list(*, actor: User) -> QuerySet[MonthlyReport]:
    """Published reports for whoever sees demands; generated drafts for HQ, who publishes."""
    if not may(actor, "demand.view"):
        return MonthlyReport.objects.none()
    reports = MonthlyReport.objects.select_related("unit")
    return reports if may_publish(actor) else reports.filter(status=ReportStatus.PUBLISHED)


def report_rows(*, actor: User, report: MonthlyReport) -> QuerySet[ReportRow]:
    """The rows of the reader's line: a unit sees its part, HQ all of it."""
    rows = visible(actor, report.rows.select_related("customer", "unit"), "demand.view", "unit")
    return rows.order_by("unit__path", "customer__name", "pk")


def report_demands(*, actor: User, report: MonthlyReport) -> QuerySet[Demand]:
    return visible(
        actor, report.demands.select_related("customer", "owner"), "demand.view"
    ).order_by("customer_id", "raised_on", "pk")
