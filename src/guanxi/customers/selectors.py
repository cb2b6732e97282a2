"""Every read of customer units, always starting from the access module."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.http import HttpRequest

from guanxi.access.models import Channel
from guanxi.access.scope import User, fetch, may, visible
from guanxi.customers.keys import phone_digits, tripled
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
from guanxi.organisation.models import Unit
from guanxi.paging import (
    KeysetPage,
    decode_cursor,
    encode_cursor,
    keyset_page_by,
    keyset_page_in_units,
)
from guanxi.params import int_param
from guanxi.policy.loader import current as current_policy

ASCII_QUERY = re.compile(r"^[A-Za-z0-9]+$")
PHONE_QUERY = re.compile(r"^[0-9 ()+\-./（）－—　]+$")
# Fewer digits than this find half the archive, not a telephone number.
PHONE_MIN_DIGITS = 4

SORTS = ("newest", "name", "tier")


@dataclass(frozen=True)
class CustomerFilters:
    """What the customer list is narrowed and sorted by (CUS-10); every field optional."""

    query: str = ""
    tier: str = ""
    unit: int | None = None
    industry: str = ""
    manager: int | None = None
    sort: str = "newest"


def customer_filters_from(params: Mapping[str, str], *, strict: bool = False) -> CustomerFilters:
    """The list's filters from a query string. On a page nonsense is dropped, never an error, so
    the list, its pages and its export always agree on what they show; `strict` (the API)
    refuses an id that is not one (`BadNumber`)."""
    sort = params.get("sort", "") or ""
    return CustomerFilters(
        query=(params.get("q", "") or "")[:100],
        tier=(params.get("tier", "") or "")[:32],
        unit=int_param(params, "unit", strict=strict),
        industry=(params.get("industry", "") or "")[:32],
        manager=int_param(params, "manager", strict=strict),
        sort=sort if sort in SORTS else "newest",
    )


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


@dataclass
class _Union:
    """SELECTs of customer ids, each answered from one index, joined by UNION."""

    parts: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    def add(self, sql: str, *params: object) -> None:
        self.parts.append(sql)
        self.params.extend(params)

    def sql(self) -> RawSQL:
        # Fixed SQL fragments from this module; every value the reader typed is a parameter.
        return RawSQL(" UNION ".join(self.parts), self.params)  # noqa: S611


def _like_contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(column: str, text: str) -> str:
    quoted = text.replace('"', '""')
    return f'{column} : "{quoted}"'


def _pinyin_parts(found: _Union, key: str) -> None:
    """Customer units whose name, or a contact's name, starts with these pinyin letters."""
    for table, pk, extra in (
        ("customers_customer", "id", ""),
        ("customers_contact", "customer_id", " AND erased_at IS NULL"),
    ):
        for column in ("name_initials", "name_pinyin"):
            upper = _successor(key)
            if upper is None:
                found.add(f"SELECT {pk} FROM {table} WHERE {column} >= %s{extra}", key)  # noqa: S608
            else:
                found.add(
                    f"SELECT {pk} FROM {table} WHERE {column} >= %s AND {column} < %s{extra}",  # noqa: S608
                    key,
                    upper,
                )


PLAIN_TRIGRAM_MIN = 3  # a trigram needs three characters


def _substring_parts(found: _Union, text: str, vendor: str) -> None:
    """Customer units whose name, or a contact's name, contains `text` (trigram indexes)."""
    key = tripled(text.lower())
    if vendor == "postgresql":
        # Three characters or more have trigrams of their own: the plain-name indexes answer
        # them and recheck cheaply (migration 0007); shorter ones need the tripled names.
        column = "lower(name)" if len(text) >= PLAIN_TRIGRAM_MIN else "guanxi_tripled(name)"
        pattern = _like_contains(text.lower() if len(text) >= PLAIN_TRIGRAM_MIN else key)
        found.add(f"SELECT id FROM customers_customer WHERE {column} LIKE %s", pattern)  # noqa: S608
        found.add(
            f"SELECT customer_id FROM customers_contact WHERE {column} LIKE %s "  # noqa: S608
            "AND erased_at IS NULL",
            pattern,
        )
        return
    found.add(
        "SELECT rowid FROM customers_customer_search WHERE customers_customer_search MATCH %s",
        _fts_phrase("name", key),
    )
    found.add(
        "SELECT customer_id FROM customers_contact WHERE erased_at IS NULL AND id IN "
        "(SELECT rowid FROM customers_contact_search WHERE customers_contact_search MATCH %s)",
        _fts_phrase("name", key),
    )


def _phone_parts(found: _Union, digits: str, vendor: str) -> None:
    """Customer units with a contact whose office phone or mobile contains these digits."""
    if vendor == "postgresql":
        found.add(
            "SELECT customer_id FROM customers_contact "
            "WHERE guanxi_phones(phone, mobile) LIKE %s AND erased_at IS NULL",
            _like_contains(digits),
        )
        return
    found.add(
        "SELECT customer_id FROM customers_contact WHERE erased_at IS NULL AND id IN "
        "(SELECT rowid FROM customers_contact_search WHERE customers_contact_search MATCH %s)",
        _fts_phrase("phones", digits),
    )


def _matching_ids(query: str, vendor: str) -> _Union:
    """Which search paths a query takes: letters search pinyin, digits search phones
    (and an 18-character query a credit code), anything else searches Chinese names."""
    found = _Union()
    digits = phone_digits(query)
    if PHONE_QUERY.match(query) and len(digits) >= PHONE_MIN_DIGITS:
        _phone_parts(found, digits, vendor)
    if ASCII_QUERY.match(query):
        if not query.isdigit():
            _pinyin_parts(found, query.lower())
        if len(query) == 18:
            code = normalise_credit_code(query)
            found.add(  # the unique index is partial (credit_code is not ''): say so to use it
                "SELECT id FROM customers_customer "
                "WHERE credit_code = %s AND NOT (credit_code = '')",
                code,
            )
    elif not PHONE_QUERY.match(query):
        _substring_parts(found, query, vendor)
    return found


# Two ways to find a page of customers whose names contain a Chinese word. Looking the matches
# up in the trigram indexes costs a random page read per match anywhere in the table (24,000
# matches: 19,000 reads, 200 ms at a million customers). Walking the list's own order and
# filtering costs a cheap row per row walked, but never ends early when the list holds fewer
# matches than a page. The planner's trigram estimates are off by ten either way, so the choice
# is made on the real count: up to PROBE_IDS matches are fetched (the index scan stops there) and
# become the filter; more than that means a common word, and the list is walked.
PROBE_IDS = 2000


def _chinese_word(queryset: QuerySet[Customer], text: str) -> QuerySet[Customer] | None:
    """PostgreSQL, a Chinese query of three characters or more: the matching ids when there
    are few, or the filter as a plain condition when there are many, so the list's
    ORDER BY … LIMIT walks its index and stops at the page's end."""
    if connections[queryset.db].vendor != "postgresql" or len(text) < PLAIN_TRIGRAM_MIN:
        return None
    if ASCII_QUERY.match(text) or PHONE_QUERY.match(text):
        return None
    found = _Union()
    _substring_parts(found, text, "postgresql")
    probe = " UNION ALL ".join(found.parts)
    with connections[queryset.db].cursor() as cursor:
        # fixed SQL of this module; the reader's text is a parameter
        params: list[Any] = [*found.params, PROBE_IDS + 1]
        cursor.execute(f"{probe} LIMIT %s", params)
        ids = {row[0] for row in cursor.fetchall()}
    if len(ids) <= PROBE_IDS:
        return queryset.filter(pk__in=sorted(ids))
    contacts = (
        Contact.objects.alias(lowered=Lower("name"))
        .filter(lowered__contains=text.lower(), erased_at__isnull=True)
        .values("customer_id")
    )
    return queryset.alias(lowered=Lower("name")).filter(
        Q(lowered__contains=text.lower()) | Q(pk__in=contacts)
    )


def _search(queryset: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    query = query.strip()
    if not query:
        return queryset
    common = _chinese_word(queryset, query)
    if common is not None:
        return common
    found = _matching_ids(query, connections[queryset.db].vendor)
    if not found.parts:
        return queryset.none()
    return queryset.filter(pk__in=found.sql())


def _in_subtree(queryset: QuerySet[Customer], unit: int) -> QuerySet[Customer]:
    """Customer units owned by `unit` or any unit below it (ORG-3)."""
    path = Unit.objects.filter(pk=unit).values_list("path", flat=True).first()
    if path is None:
        return queryset.none()
    subtree = Unit.objects.filter(path__startswith=path).values("pk")
    return queryset.filter(owning_unit_id__in=subtree)


def _order(queryset: QuerySet[Customer], sort: str) -> QuerySet[Customer]:
    if sort == "name":
        return queryset.order_by("name_pinyin", "id")
    if sort == "tier":
        tiers = [tier.key for tier in current_policy().tiers_by_rank()]
        rank = Case(
            *(When(tier=key, then=Value(i)) for i, key in enumerate(tiers)),
            default=Value(len(tiers)),
        )
        return queryset.order_by(rank, "-id")
    return queryset.order_by("-id")


def customer_list(*, actor: User, filters: CustomerFilters) -> QuerySet[Customer]:
    """The customer units `actor` may see that match `filters`, in the filters' order."""
    queryset = visible(
        actor, Customer.objects.select_related("owning_unit", "manager"), "customer.view"
    )
    if filters.tier:
        queryset = queryset.filter(tier=filters.tier)
    if filters.industry:
        queryset = queryset.filter(industry=filters.industry)
    if filters.manager:
        queryset = queryset.filter(manager_id=filters.manager)
    if filters.unit:
        queryset = _in_subtree(queryset, filters.unit)
    return _order(_search(queryset, filters.query), filters.sort)


def _tier_page(
    queryset: QuerySet[Customer], *, after: str | None, size: int
) -> KeysetPage[Customer]:
    """Tier by tier in the policy's rank, newest first within a tier: one indexed query per
    tier the page reaches, never more than the policy has tiers."""
    tiers = [tier.key for tier in current_policy().tiers_by_rank()]
    cursor = decode_cursor(after)
    start, below = cursor if cursor and cursor[0] in tiers else (tiers[0] if tiers else "", None)
    rows: list[Customer] = []
    for key in tiers[tiers.index(start) :] if start in tiers else []:
        part = queryset.filter(tier=key)
        if key == start and below is not None:
            part = part.filter(pk__lt=below)
        rows.extend(part.order_by("-id")[: size + 1 - len(rows)])
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if more and rows else None
    next_after = encode_cursor(last.tier, last.pk) if last is not None else None
    return KeysetPage(items=rows, next_after=next_after, is_first=cursor is None)


def customer_page(
    queryset: QuerySet[Customer],
    *,
    sort: str,
    after: str | None,
    size: int,
    unit_ids: set[int] | None = None,
) -> KeysetPage[Customer]:
    """One page of a customer_list() result: keyset on the sort key and id, so page 1,000
    costs what page 1 costs and rows sharing a key are neither skipped nor repeated.

    `unit_ids`, the units the reader's scope covers (None: all), lets the newest-first page
    be merged from one (unit, id) index range per unit: SQLite otherwise sorts every customer
    of a division's units to show the first 25."""
    if sort == "name":
        return keyset_page_by(queryset, key="name_pinyin", after=after, size=size)
    if sort == "tier":
        return _tier_page(queryset, after=after, size=size)
    return keyset_page_in_units(
        queryset, unit_field="owning_unit_id", unit_ids=unit_ids, after=after, size=size
    )


def customer_get(
    *,
    actor: User,
    pk: object,
    channel: Channel,
    request: HttpRequest | None = None,
    require: str | None = None,
) -> Customer:
    """One customer unit, its read registered; 404 when missing or outside the reader's line."""
    return fetch(
        actor,
        Customer.objects.select_related("owning_unit", "created_by"),
        "customer.view",
        channel=channel,
        request=request,
        require=require,
        pk=pk,
    )


def contact_get(
    *,
    actor: User,
    pk: object,
    channel: Channel,
    request: HttpRequest | None = None,
    require: str | None = None,
) -> Contact:
    """One contact, its read registered; 404 when missing or outside the reader's line."""
    return fetch(
        actor,
        Contact.objects.select_related("customer", "department"),
        "customer.view",
        channel=channel,
        request=request,
        require=require,
        unit_field="customer__owning_unit",
        pk=pk,
    )


def department_get(
    *, actor: User, pk: object, channel: Channel, request: HttpRequest | None = None
) -> CustomerDepartment:
    """One customer department, its read registered; 404 when missing or outside the line."""
    return fetch(
        actor,
        CustomerDepartment.objects.select_related("customer", "parent"),
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
