"""Reads of activities, always through the access module."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import HttpRequest

from guanxi.access.models import Channel
from guanxi.access.scope import User, fetch, visible
from guanxi.activities.models import Activity


@dataclass(frozen=True)
class ActivityFilters:
    status: str = ""
    kind: str = ""
    unit: int | None = None
    unplanned: bool | None = None


def activity_list(*, actor: User, filters: ActivityFilters) -> QuerySet[Activity]:
    rows = visible(actor, Activity.objects.all(), "activity.view", "unit")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.unit:
        rows = rows.filter(unit_id=filters.unit)
    if filters.unplanned is not None:
        rows = rows.filter(plan_item__isnull=filters.unplanned)
    return rows.select_related("unit", "customer").order_by("-id")


def activity_get(
    *, actor: User, pk: int, channel: Channel, request: HttpRequest | None = None
) -> Activity:
    return fetch(
        actor,
        Activity.objects.select_related("unit", "customer", "plan_item", "written_off_by"),
        "activity.view",
        channel=channel,
        request=request,
        unit_field="unit",
        pk=pk,
    )
