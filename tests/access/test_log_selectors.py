"""The read register as the auditor reads it: records named, filters, list reads grouped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from guanxi.access.lists import register_list
from guanxi.access.models import AccessLogEntry, Channel
from guanxi.access.register import Read, register_read, register_reads
from guanxi.access.selectors import (
    LogFilters,
    describe,
    log_entries,
    log_page,
    query_words,
    type_label,
)
from guanxi.customers.models import Customer

pytestmark = pytest.mark.django_db


def _rows(actor, **filters):  # type: ignore[no-untyped-def]
    entries = list(log_entries(actor=actor, filters=LogFilters(**filters)).order_by("-seq"))
    return describe(entries, actor=actor)


def test_a_single_read_names_the_record_and_links_it_for_one_who_may_open_it(
    people, make_customer
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="渤海钻探有限公司")
    register_read(actor=people["div1.staff"], obj=customer, channel=Channel.PAGE)
    (row,) = _rows(people["div1.manager"])
    assert row.record is not None
    assert row.record.name == "渤海钻探有限公司"
    assert row.record.url == f"/customers/{customer.pk}/"
    assert row.reader_name == "刘洋"
    assert row.username == "div1.staff"
    assert row.type_label == type_label("customers.customer")
    # the auditor sees the name (the record is in the register's scope) but may not open it
    (seen,) = _rows(people["auditor"])
    assert seen.record is not None
    assert (seen.record.name, seen.record.url) == ("渤海钻探有限公司", None)


def test_a_deleted_or_moved_record_shows_the_entries_own_details(
    people, units, make_customer
) -> None:  # type: ignore[no-untyped-def]
    gone = Read(
        record_type="customers.customer", record_id="987654", record_unit_id=units["DIV1"].pk
    )
    register_reads(actor=people["div1.staff"], reads=[gone], channel=Channel.API, address=None)
    moved = make_customer("DIV1", name="已划走的客户")
    register_read(actor=people["div1.staff"], obj=moved, channel=Channel.PAGE)
    Customer.objects.filter(pk=moved.pk).update(owning_unit=units["DIV2"])
    rows = _rows(people["div1.manager"])
    refs = {row.record.record_id: row.record for row in rows if row.record}
    assert refs["987654"].name is None
    assert refs["987654"].url is None
    assert str(refs["987654"]) == f"{type_label('customers.customer')} #987654"
    assert refs[str(moved.pk)].name is None  # it has left div1's line
    assert str(refs[str(moved.pk)]) == f"{type_label('customers.customer')} #{moved.pk}"


def test_a_list_read_over_several_units_is_one_row(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customers = [make_customer(code) for code in ("DIV1", "BASE11", "DIV2", "DIV1")]
    register_list(
        actor=people["hq.manager"],
        objects=customers,
        channel=Channel.API,
        query={"q": "钻探"},
    )
    assert AccessLogEntry.objects.count() == 3  # one per owning unit
    (row,) = _rows(people["auditor"])
    assert row.is_list
    assert (row.record_count, len(row.entries)) == (4, 3)
    assert {r.name for r in row.records} == {c.name for c in customers}
    assert query_words(row.query) == "q: 钻探"
    # div1's manager sees only the entries of its line: DIV1 and BASE11
    (mine,) = _rows(people["div1.manager"])
    assert (mine.record_count, len(mine.entries)) == (3, 2)


def test_reads_of_another_response_are_another_row(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    for query in ({"q": "一"}, {"q": "二"}):
        register_list(
            actor=people["hq.manager"], objects=[customer], channel=Channel.API, query=query
        )
    register_read(actor=people["hq.manager"], obj=customer, channel=Channel.PAGE)
    register_read(actor=people["hq.manager"], obj=customer, channel=Channel.PAGE)
    assert len(_rows(people["auditor"])) == 4


def test_filter_by_record_matches_single_reads_and_lists_that_returned_it(
    people, make_customer
) -> None:  # type: ignore[no-untyped-def]
    a, b, c = (make_customer("DIV1") for _ in range(3))
    register_read(actor=people["div1.staff"], obj=a, channel=Channel.PAGE)
    register_list(actor=people["div1.staff"], objects=[b, a, c], channel=Channel.PAGE, query="x")
    register_list(actor=people["div1.staff"], objects=[b, c], channel=Channel.PAGE, query="y")
    register_read(actor=people["div1.staff"], obj=b, channel=Channel.PAGE)
    found = log_entries(
        actor=people["auditor"],
        filters=LogFilters(record_type="customers.customer", record_id=a.pk),
    )
    assert sorted((e.record_id, e.query or "") for e in found) == [("", "x"), (str(a.pk), "")]
    # an id that is only a prefix or suffix of a listed id does not match
    prefix = int(str(b.pk)[:-1] or 0) or None
    if prefix and prefix not in {a.pk, b.pk, c.pk}:
        near = log_entries(actor=people["auditor"], filters=LogFilters(record_id=prefix))
        assert not near.exists()
    other_type = log_entries(
        actor=people["auditor"], filters=LogFilters(record_type="plans.plan", record_id=a.pk)
    )
    assert not other_type.exists()


def test_filter_by_reader_name_or_username_channel_and_dates(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    register_read(actor=people["div1.staff"], obj=customer, channel=Channel.PAGE)  # 刘洋
    register_read(actor=people["div1.cm"], obj=customer, channel=Channel.API)  # 陈静
    auditor = people["auditor"]

    def usernames(**filters):  # type: ignore[no-untyped-def]
        return sorted(e.username for e in log_entries(actor=auditor, filters=LogFilters(**filters)))

    assert usernames(reader="刘") == ["div1.staff"]
    assert usernames(reader="DIV1.C") == ["div1.cm"]
    assert usernames(channel="api") == ["div1.cm"]
    today = timezone.localdate()
    assert len(usernames(date_from=today, date_to=today)) == 2
    assert usernames(date_from=today + timedelta(days=1)) == []
    assert usernames(date_to=today - timedelta(days=1)) == []


def test_a_page_completes_a_list_read_cut_by_its_end(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customers = [make_customer(code) for code in ("DIV1", "DIV2", "BR1")]
    register_list(actor=people["hq.manager"], objects=customers, channel=Channel.API, query="q")
    single = make_customer("DIV1")
    register_read(actor=people["hq.manager"], obj=single, channel=Channel.PAGE)
    page = log_page(actor=people["auditor"], filters=LogFilters(), after=None, size=2)
    assert len(page.items) == 4  # the single read, then all three entries of the list read
    assert page.next_after is None or page.next_after == page.items[-1].seq
    rows = describe(page.items, actor=people["auditor"])
    assert [row.is_list for row in rows] == [False, True]
    assert rows[1].record_count == 3
