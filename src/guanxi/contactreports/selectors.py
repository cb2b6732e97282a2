"""Reads of contact reports and next contact dates, each starting from `guanxi.access.visible`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce

from guanxi.access.scope import User, visible
from guanxi.contactreports.models import ContactReport, NextContact
from guanxi.customers.models import Customer

REPORT_PERMISSION = "contact_report.view"
REPORT_UNIT = "unit"
NEXT_CONTACT_UNIT = "customer__owning_unit"


@dataclass(frozen=True)
class ReportFilters:
    customer: int | None = None
    kind: str = ""
    new_for_me: bool = False


def contact_report_list(
    *, actor: User, filters: ReportFilters | None = None
) -> QuerySet[ContactReport]:
    filters = filters or ReportFilters()
    reports = visible(
        actor,
        ContactReport.objects.select_related("customer", "created_by", "manager"),
        REPORT_PERMISSION,
        REPORT_UNIT,
    )
    if filters.customer is not None:
        reports = reports.filter(customer_id=filters.customer)
    if filters.kind:
        reports = reports.filter(kind=filters.kind)
    if filters.new_for_me:
        reports = reports.filter(manager_id=getattr(actor, "pk", None), manager_seen_at=None)
    return reports


def new_report_count(*, actor: User) -> int:
    """How many reports sent to `actor` they have not opened yet (their unread index)."""
    return contact_report_list(actor=actor, filters=ReportFilters(new_for_me=True)).count()


def next_contact_of(customer: Customer) -> NextContact | None:
    """The customer's next contact date; the caller has already read the customer through the
    access module, and the date is part of that customer's record."""
    return NextContact.objects.filter(customer=customer).select_related("set_by").first()


def contacts_made(*, customer: Any, year: Any, our_person: Any, their_person: Any) -> Coalesce:
    """The number of contact reports of `customer` in `year` naming both `our_person` and
    `their_person` (each a value or an OuterRef), as a correlated subquery: the customer plan's
    contact counts (003 附表6 联系次数) come from the reports, one query for all its rows."""
    made = (
        ContactReport.objects.filter(
            customer_id=customer,
            contacted_on__year=year,
            our_people=our_person,
            key_persons=their_person,
        )
        .order_by()
        .values("customer_id")
        .annotate(n=Count("id", distinct=True))
        .values("n")[:1]
    )
    return Coalesce(Subquery(made, output_field=IntegerField()), 0)
