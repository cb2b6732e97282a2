"""Every read of customer units, always starting from the access module."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from guanxi.access.models import Channel
from guanxi.access.scope import User, fetch, may, visible
from guanxi.customers.models import (
    Contact,
    Customer,
    CustomerDepartment,
    Dealing,
    InformationMeaning,
    Operation,
    Relationship,
)
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


def contact_get(
    *, actor: User, pk: object, channel: Channel, request: HttpRequest | None = None
) -> Contact:
    """One contact, its read registered; 404 when missing or outside the reader's line."""
    return fetch(
        actor,
        Contact.objects.select_related("customer", "department"),
        "customer.view",
        channel=channel,
        request=request,
        unit_field="customer__owning_unit",
        pk=pk,
    )


@dataclass(frozen=True)
class Archive:
    """What the customer page shows beside the unit itself, in a fixed number of queries."""

    departments: list[CustomerDepartment]
    contacts: list[Contact]
    relationships: list[Relationship]
    dealings: list[Dealing]
    operations: list[Operation]
    information: list[InformationMeaning]
    profile_visible: bool


def customer_archive(*, actor: User, customer: Customer, recent: int = 20) -> Archive:
    """The archive of a customer the actor has already been allowed to read (customer_get)."""
    return Archive(
        departments=list(customer.departments.order_by("parent_id", "id")),
        contacts=list(customer.contacts.select_related("department").order_by("-is_key", "id")),
        relationships=list(
            Relationship.objects.filter(contact__customer=customer)
            .select_related("contact__department")
            .prefetch_related("holders")
        ),
        dealings=list(customer.dealings.order_by("-id")[:recent]),
        operations=list(
            customer.operations.select_related("executing_unit").order_by("-started_on")[:recent]
        ),
        information=list(customer.information.order_by("topic")),
        profile_visible=may(actor, "contact.view_profile", customer),
    )


def relationship_graph(archive: Archive, *, language: str | None) -> dict[str, object]:
    """Nodes and links for the relationship map: key persons grouped by department,
    coloured by state, linked to the people of ours who hold the relationship."""
    no_department = "未分部门" if not language or language.startswith("zh") else "No department"
    ours = "我方人员" if not language or language.startswith("zh") else "Our people"
    categories = [
        no_department,
        ours,
        *{c.department.name for c in archive.contacts if c.department is not None},
    ]
    nodes: list[dict[str, object]] = []
    links: list[dict[str, str]] = []
    holders: dict[int, str] = {}
    for rel in archive.relationships:
        contact = rel.contact
        department = contact.department.name if contact.department else no_department
        nodes.append(
            {
                "id": f"c{contact.pk}",
                "name": contact.name,
                "state": rel.state,
                "role": rel.get_buying_role_display(),
                "position": contact.position,
                "stateLabel": rel.get_state_display(),
                "category": categories.index(department),
            }
        )
        for person in rel.holders.all():
            holders[person.pk] = str(person)
            links.append({"source": f"p{person.pk}", "target": f"c{contact.pk}"})
    nodes.extend(
        {
            "id": f"p{pk}",
            "name": name,
            "state": "ours",
            "role": "",
            "position": "",
            "stateLabel": ours,
            "category": 1,
        }
        for pk, name in holders.items()
    )
    return {"nodes": nodes, "links": links, "categories": [{"name": c} for c in categories]}
