"""Reads of market reports (003 §12.1) and of the information-meaning table (003 附表5),
always through the access module: reports are scoped by their unit, the table by its
customer's owning unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import HttpRequest

from guanxi.access.models import Channel
from guanxi.access.scope import User, fetch, visible
from guanxi.customers.models import Customer, InformationMeaning, InformationTopic, MarketReport
from guanxi.policy.loader import current as current_policy

PERMISSION = "customer.view"


def market_report_list(
    *, actor: User, month: date | None = None, unit_id: int | None = None
) -> QuerySet[MarketReport]:
    """The reports of the actor's line, newest first; filtered by month and unit."""
    reports = visible(
        actor, MarketReport.objects.select_related("unit", "author"), PERMISSION, unit_field="unit"
    )
    if month is not None:
        reports = reports.filter(month=month.replace(day=1))
    if unit_id is not None:
        reports = reports.filter(unit_id=unit_id)
    return reports.defer("body").order_by("-id")


def market_report_get(
    *,
    actor: User,
    pk: object,
    channel: Channel,
    request: HttpRequest | None = None,
    require: str | None = None,
) -> MarketReport:
    """One report, its read registered; 404 when missing or outside the reader's line."""
    return fetch(
        actor,
        MarketReport.objects.select_related("unit", "author"),
        PERMISSION,
        channel=channel,
        request=request,
        require=require,
        unit_field="unit",
        pk=pk,
    )


@dataclass(frozen=True)
class InformationRow:
    """One line of 附表5: the topic, what we learned, what it means, where it came from."""

    topic: str
    label: str
    row: InformationMeaning | None
    source_name: str
    source_level: int | None


def information_table(*, customer: Customer, language: str | None) -> list[InformationRow]:
    """The four topics of 附表5 for a customer the caller was allowed to read (customer_get),
    in one query; topics not yet filled in come back empty."""
    rows = {row.topic: row for row in customer.information.all()}
    sources = current_policy().sources
    table = []
    for topic, label in InformationTopic.choices:
        row = rows.get(topic)
        source = sources.get(row.source) if row and row.source else None
        table.append(
            InformationRow(
                topic=topic,
                label=str(label),
                row=row,
                source_name=source.name(language) if source else (row.source if row else ""),
                source_level=source.level if source else None,
            )
        )
    return table
