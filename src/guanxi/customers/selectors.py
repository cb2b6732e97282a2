"""Every read of customer units, always starting from the access module."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from guanxi.access.models import Channel
from guanxi.access.scope import User, fetch, visible
from guanxi.customers.models import Customer
from guanxi.customers.validators import normalise_credit_code

ASCII_QUERY = re.compile(r"^[A-Za-z0-9]+$")


@dataclass(frozen=True)
class CustomerFilters:
    query: str = ""
    tier: str = ""
    unit: int | None = None


def _successor(key: str) -> str | None:
    """The least [a-z0-9] string above every string that starts with `key` (None: no bound)."""
    stripped = key.rstrip("z")
    if not stripped:
        return None
    last = stripped[-1]
    return stripped[:-1] + ("a" if last == "9" else chr(ord(last) + 1))


def _prefix(field: str, value: str) -> Q:
    # A range, not LIKE 'x%', so SQLite and PostgreSQL (in any collation: keys are [a-z0-9])
    # both answer from the plain b-tree index.
    upper = _successor(value)
    if upper is None:
        return Q(**{f"{field}__startswith": value})
    return Q(**{f"{field}__gte": value, f"{field}__lt": upper})


def _search(queryset: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    query = query.strip()
    if not query:
        return queryset
    if ASCII_QUERY.match(query):
        lowered = query.lower()
        condition = _prefix("name_initials", lowered) | _prefix("name_pinyin", lowered)
        if len(query) == 18:
            condition |= Q(credit_code=normalise_credit_code(query))
        return queryset.filter(condition)
    return queryset.filter(Q(name__contains=query))


def customer_list(*, actor: User, filters: CustomerFilters) -> QuerySet[Customer]:
    queryset = visible(actor, Customer.objects.select_related("owning_unit"), "customer.view")
    if filters.tier:
        queryset = queryset.filter(tier=filters.tier)
    if filters.unit:
        queryset = queryset.filter(owning_unit_id=filters.unit)
    return _search(queryset, filters.query).order_by("-id")


def customer_get(
    *, actor: User, pk: object, channel: Channel, request: HttpRequest | None = None
) -> Customer:
    """One customer unit, its read registered; 404 when missing or outside the reader's line."""
    return fetch(
        actor,
        Customer.objects.select_related("owning_unit", "created_by"),
        "customer.view",
        channel=channel,
        request=request,
        pk=pk,
    )
