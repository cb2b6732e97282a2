"""Reads of unit plans, always through the access module; totals are SQL aggregates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, Count, DecimalField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round
from django.http import HttpRequest

from guanxi.access.models import Channel
from guanxi.access.scope import User, fetch, visible
from guanxi.formats import MoneyUnit, table_unit
from guanxi.organisation.models import Unit
from guanxi.plans.models import Plan, PlanItem, PlanStatus
from guanxi.policy.loader import current as current_policy

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))


@dataclass(frozen=True)
class PlanFilters:
    kind: str = ""
    period: str = ""
    starts: datetime.date | None = None
    status: str = ""
    unit: int | None = None


def plan_list(*, actor: User, filters: PlanFilters) -> QuerySet[Plan]:
    """Plans of the actor's unit line, newest first."""
    rows = visible(actor, Plan.objects.all(), "plan.view", "unit")
    for name in ("kind", "period", "starts", "status"):
        if value := getattr(filters, name):
            rows = rows.filter(**{name: value})
    if filters.unit:
        rows = rows.filter(unit_id=filters.unit)
    return rows.select_related("unit").order_by("-id")


def with_totals(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """One grouped query: item count, distinct customers and cost per plan."""
    return plans.annotate(
        item_count=Count("items"),
        customer_count=Count("items__customer", distinct=True),
        cost_total=Coalesce(Sum("items__cost"), ZERO),
    )


def plan_totals(plan: Plan) -> dict[str, Any]:
    return PlanItem.objects.filter(plan=plan).aggregate(
        item_count=Count("id"),
        customer_count=Count("customer", distinct=True),
        cost_total=Coalesce(Sum("cost"), ZERO),
    )


def plan_queryset() -> QuerySet[Plan]:
    """Plans with what their pages and documents show of them, in one query."""
    return Plan.objects.select_related("unit", "decided_by", "created_by")


def plan_get(
    *,
    actor: User,
    pk: int,
    channel: Channel,
    request: HttpRequest | None = None,
    require: str | None = None,
) -> Plan:
    return fetch(
        actor,
        plan_queryset(),
        "plan.view",
        channel=channel,
        request=request,
        require=require,
        unit_field="unit",
        pk=pk,
    )


def plan_items(plan: Plan) -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.filter(plan=plan)
        .select_related("customer")
        .prefetch_related("key_persons", "our_people")
        .order_by("when", "id")
    )


def item_get(
    *, actor: User, pk: int, channel: Channel, request: HttpRequest | None = None
) -> PlanItem:
    return fetch(
        actor,
        PlanItem.objects.select_related("plan", "plan__unit", "customer"),
        "plan.view",
        channel=channel,
        request=request,
        unit_field="plan__unit",
        pk=pk,
    )


def consolidation(*, actor: User, kind: str, period: str, starts: datetime.date) -> QuerySet[Plan]:
    """Every unit's plan for the period, side by side, with totals (PLAN-4)."""
    rows = visible(actor, Plan.objects.all(), "plan.consolidate", "unit")
    rows = rows.filter(kind=kind, period=period, starts=starts)
    return with_totals(rows.select_related("unit", "decided_by")).order_by("unit__path")


def company_items(*, actor: User, period: str, starts: datetime.date) -> QuerySet[PlanItem]:
    """The company plan: HQ's own items plus the accepted unit plans for the period."""
    hq = current_policy().root_kind().key
    rows = visible(actor, PlanItem.objects.all(), "plan.consolidate", "plan__unit")
    return rows.filter(
        Q(plan__unit__kind=hq) | Q(plan__status=PlanStatus.ACCEPTED),
        plan__period=period,
        plan__starts=starts,
    )


@dataclass(frozen=True)
class CompanyTotals:
    by_unit: list[dict[str, Any]]
    by_kind: list[dict[str, Any]]
    total: dict[str, Any]

    @property
    def cost_unit(self) -> MoneyUnit:
        """元 or 万元 for the totals tables, by the rule of guanxi.formats.table_unit."""
        rows = [*self.by_unit, *self.by_kind, self.total]
        return table_unit(row.get("cost_total") for row in rows)


def company_totals(items: QuerySet[PlanItem]) -> CompanyTotals:
    """Per unit and kind, per kind, and overall, from one pass over the period's items.

    One query of four narrow columns: three GROUP BY queries with COUNT(DISTINCT customer)
    took a second for a month of 48,000 items; counting in Python takes a tenth of that, and
    the distinct customers of a kind or of the whole plan are counted exactly (a customer in
    two units' plans is one customer of the company plan). Costs come as whole fen (the
    column has two decimal places), summed as integers: making a Decimal of each row's cost
    took longer than the rest of the pass on SQLite."""
    fen = Cast(Round(F("cost") * 100), BigIntegerField())
    rows = items.annotate(fen=fen).values_list("plan__unit_id", "plan__kind", "customer_id", "fen")
    grouped: dict[tuple[int, str], tuple[list[int | None], list[int]]] = {}
    for unit_id, kind, customer_id, cost in rows.iterator(chunk_size=5000):
        group = grouped.get((unit_id, kind))
        if group is None:
            group = grouped[(unit_id, kind)] = ([], [])
        group[0].append(customer_id)
        group[1].append(cost)
    groups = {key: _Sums.of(customers, costs) for key, (customers, costs) in grouped.items()}
    by_kind_parts: dict[str, list[_Sums]] = {}
    for (_unit_id, kind), sums in groups.items():
        by_kind_parts.setdefault(kind, []).append(sums)
    kinds = {kind: _Sums.merged(parts) for kind, parts in by_kind_parts.items()}
    overall = _Sums.merged(list(kinds.values()))
    units = {
        pk: (name, path)
        for pk, name, path in Unit.objects.filter(
            pk__in={unit_id for unit_id, _kind in groups}
        ).values_list("pk", "name", "path")
    }
    by_unit = [
        {
            "plan__unit_id": unit_id,
            "plan__unit__name": units[unit_id][0],
            "plan__unit__path": units[unit_id][1],
            "plan__kind": kind,
            **sums.as_dict(),
        }
        for (unit_id, kind), sums in sorted(
            groups.items(), key=lambda pair: (units[pair[0][0]][1], pair[0][1])
        )
    ]
    by_kind = [{"plan__kind": kind, **sums.as_dict()} for kind, sums in sorted(kinds.items())]
    return CompanyTotals(by_unit=by_unit, by_kind=by_kind, total=overall.as_dict())


@dataclass(frozen=True)
class _Sums:
    items: int = 0
    fen: int = 0
    customers: frozenset[int] = frozenset()

    @classmethod
    def of(cls, customers: list[int | None], costs: list[int]) -> _Sums:
        return cls(
            items=len(costs),
            fen=sum(costs),
            customers=frozenset(c for c in customers if c is not None),
        )

    @classmethod
    def merged(cls, parts: list[_Sums]) -> _Sums:
        customers: set[int] = set()
        for part in parts:
            customers.update(part.customers)
        return cls(
            items=sum(part.items for part in parts),
            fen=sum(part.fen for part in parts),
            customers=frozenset(customers),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "item_count": self.items,
            "customer_count": len(self.customers),
            "cost_total": Decimal(self.fen).scaleb(-2),
        }
