"""Keyset pages of a unit-scoped list, merged from one index range per unit: the same rows in
the same order as the plain query, page after page, in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.access.scope import scope_of, visible
from guanxi.customers.models import Customer
from guanxi.paging import keyset_page, keyset_page_in_units

pytestmark = pytest.mark.django_db


def walk(page_of, size: int) -> list[list[int]]:  # type: ignore[no-untyped-def]
    pages, after = [], None
    while True:
        page = page_of(after, size)
        pages.append([row.pk for row in page.items])
        if page.next_after is None:
            return pages
        after = str(page.next_after)


def test_merged_pages_equal_the_plain_pages(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    for n in range(23):
        make_customer(("DIV1", "BASE11", "BASE12", "DIV2")[n % 4])
    manager = people["div1.manager"]
    rows = visible(manager, Customer.objects.all(), "customer.view")
    units = scope_of(manager).unit_ids("customer.view")
    assert units is not None
    assert len(units) > 1

    def plain(after, size):  # type: ignore[no-untyped-def]
        return keyset_page(rows, after=after, size=size)

    def merged(after, size):  # type: ignore[no-untyped-def]
        return keyset_page_in_units(
            rows, unit_field="owning_unit_id", unit_ids=units, after=after, size=size
        )

    for size in (1, 4, 7, 50):
        assert walk(merged, size) == walk(plain, size)
    everything = [pk for page in walk(merged, 4) for pk in page]
    assert len(everything) == rows.count() == 18  # DIV2's five are outside the line
    assert everything == sorted(everything, reverse=True)


def test_merged_page_costs_two_queries_whatever_the_rows(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    manager = people["div1.manager"]
    units = scope_of(manager).unit_ids("customer.view")
    counts = []
    for _ in range(2):
        for n in range(12):
            make_customer(("DIV1", "BASE11", "BASE12")[n % 3])
        rows = visible(manager, Customer.objects.all(), "customer.view")
        with CaptureQueriesContext(connection) as captured:
            page = keyset_page_in_units(
                rows, unit_field="owning_unit_id", unit_ids=units, after=None, size=5
            )
        assert len(page.items) == 5
        counts.append(len(captured.captured_queries))
    assert counts == [2, 2]


def test_all_units_take_the_plain_path(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    made = [make_customer("DIV2").pk for _ in range(3)]
    rows = visible(people["hq.manager"], Customer.objects.all(), "customer.view")
    page = keyset_page_in_units(
        rows, unit_field="owning_unit_id", unit_ids=None, after=None, size=2
    )
    assert [row.pk for row in page.items] == sorted(made, reverse=True)[:2]
    assert page.next_after == sorted(made, reverse=True)[1]
