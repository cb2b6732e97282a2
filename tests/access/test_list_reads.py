"""List reads (form 3): one entry per response naming the records returned and the query, split
by owning unit and in chunks, chained and verified like every other entry; and a verifier that
names an unreadable entry instead of failing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from guanxi.access import lists
from guanxi.access.audit import verify
from guanxi.access.chain import FORM_LIST, LIST_HASH_SQL, entry_hash
from guanxi.access.lists import query_text, register_list
from guanxi.access.models import AccessLogEntry, Channel
from guanxi.access.register import register_read
from guanxi.customers.models import Contact
from tests.access.tampering import raw


@pytest.fixture
def two_units(people, make_customer):  # type: ignore[no-untyped-def]
    first = [make_customer("BASE11") for _ in range(3)]
    second = [make_customer("BASE12") for _ in range(2)]
    return first + second


def test_a_list_response_registers_its_records_per_unit_with_the_query(two_units, people) -> None:  # type: ignore[no-untyped-def]
    written = register_list(
        actor=people["div1.staff"],
        objects=two_units,
        channel=Channel.PAGE,
        query={"q": "石油", "unit": ["3", "4"], "empty": ""},
    )
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert written == len(entries) == 2
    by_unit = {e.record_unit_id: e for e in entries}
    for customer in two_units:
        assert str(customer.pk) in by_unit[customer.owning_unit_id].returned_ids
    returned = [record_id for e in entries for record_id in e.returned_ids]
    assert sorted(returned) == sorted(str(c.pk) for c in two_units)
    assert {e.record_id for e in entries} == {""}
    assert {e.at for e in entries} == {entries[0].at}  # one response, one time
    assert json.loads(entries[0].query) == {"q": "石油", "unit": ["3", "4"]}
    assert entries[0].form == FORM_LIST
    assert verify().ok


def test_a_long_export_registers_in_chunks(two_units, people, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(lists, "CHUNK", 2)
    register_list(actor=people["hq.staff"], objects=two_units, channel=Channel.EXPORT, query="")
    sizes = sorted(len(e.returned_ids) for e in AccessLogEntry.objects.all())
    assert sizes == [1, 2, 2]  # three customers of one unit in chunks of two, two of the other


def test_an_empty_response_registers_nothing(people) -> None:  # type: ignore[no-untyped-def]
    assert register_list(actor=people["hq.staff"], objects=[], channel=Channel.API) == 0
    assert not AccessLogEntry.objects.exists()


def test_records_owned_through_a_relation_cost_one_query(two_units, people) -> None:  # type: ignore[no-untyped-def]
    from django.test.utils import CaptureQueriesContext

    from guanxi.customers.archive import contact_create

    for customer in two_units * 2:
        contact_create(actor=people["hq.manager"], customer=customer, name="王芳", title="处长")

    def queries(contacts: list[Contact]) -> int:
        with CaptureQueriesContext(connection) as captured:
            register_list(
                actor=people["hq.staff"],
                objects=contacts,
                channel=Channel.API,
                query="",
                unit_field="customer__owning_unit",
            )
        return len(captured)

    contacts = list(Contact.objects.order_by("pk"))  # their customers not loaded
    assert queries(contacts[:2]) == queries(contacts)  # one query for the units, whatever the size
    units = {e.record_unit_id for e in AccessLogEntry.objects.all()}
    assert units == {c.owning_unit_id for c in two_units}


def test_the_query_is_readable_bounded_and_ignores_form_parameters() -> None:
    from django.http import QueryDict

    assert query_text(QueryDict("q=%E9%BB%84%E7%9F%B3&page=2&lang=en&csrfmiddlewaretoken=x")) == (
        '{"page":"2","q":"黄石"}'
    )
    assert len(query_text({"q": "石" * 5000, **{f"k{i}": "v" * 199 for i in range(30)}})) <= (
        lists.QUERY_LIMIT
    )
    assert query_text(None) == query_text({}) == ""


def test_altering_the_ids_of_a_list_read_is_caught(two_units, people) -> None:  # type: ignore[no-untyped-def]
    register_read(actor=people["hq.staff"], obj=two_units[0], channel=Channel.PAGE)
    register_list(actor=people["hq.staff"], objects=two_units, channel=Channel.PAGE, query="")
    register_read(actor=people["hq.staff"], obj=two_units[1], channel=Channel.PAGE)
    assert verify().ok
    raw("UPDATE access_accesslogentry SET record_ids = '1' WHERE seq = 2")
    verdict = verify()
    assert verdict.bad_seq == 2
    assert "altered" in verdict.reason


def test_altering_the_query_of_a_list_read_is_caught(two_units, people) -> None:  # type: ignore[no-untyped-def]
    register_list(actor=people["hq.staff"], objects=two_units, channel=Channel.PAGE, query="q=1")
    raw("UPDATE access_accesslogentry SET query = NULL WHERE seq = 1")
    assert verify().bad_seq == 1


@pytest.mark.parametrize(
    ("sql", "vendors"),
    [
        ("UPDATE access_accesslogentry SET form = 99 WHERE seq = 2", ("sqlite", "postgresql")),
        ("UPDATE access_accesslogentry SET at = 'not a time' WHERE seq = 2", ("sqlite",)),
        ("UPDATE access_accesslogentry SET at = '2026-13-45 99:00:00' WHERE seq = 2", ("sqlite",)),
        ("UPDATE access_accesslogentry SET record_unit_id = 'x' WHERE seq = 2", ("sqlite",)),
    ],
)
def test_an_unreadable_entry_is_named_altered_not_a_traceback(
    two_units, people, capsys, sql: str, vendors: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor not in vendors:
        pytest.skip(f"{connection.vendor} stores this column typed: it cannot hold the value")
    for customer in two_units[:3]:
        register_read(actor=people["hq.staff"], obj=customer, channel=Channel.PAGE)
    raw(sql)
    verdict = verify()
    assert (verdict.bad_seq, verdict.checked) == (2, 1), verdict.reason
    assert "altered" in verdict.reason
    with pytest.raises(CommandError, match="entry 2"):
        call_command("audit", "verify")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL form is PostgreSQL's")
def test_postgresql_computes_the_list_form_hash(two_units, people) -> None:  # type: ignore[no-untyped-def]
    register_list(
        actor=people["hq.staff"], objects=two_units, channel=Channel.PAGE, query={"q": "黄石"}
    )
    register_read(actor=people["hq.staff"], obj=two_units[0], channel=Channel.PAGE)
    from guanxi.access.register import chain_pending

    chain_pending(wait=True)
    total = AccessLogEntry.objects.count()
    with connection.cursor() as cursor:
        sql = f"SELECT count(*) FROM access_accesslogentry WHERE {LIST_HASH_SQL} = hash"  # noqa: S608
        cursor.execute(sql)
        assert cursor.fetchone()[0] == total == 3


def test_python_hashes_the_ids_and_query() -> None:
    from datetime import UTC, datetime

    common = {
        "seq": 1,
        "at": datetime(2026, 12, 5, tzinfo=UTC),
        "reader_id": 1,
        "username": "张伟",
        "record_type": "customers.customer",
        "record_id": "",
        "record_unit_id": 3,
        "channel": "page",
        "address": None,
        "prev_hash": "0" * 64,
        "form": FORM_LIST,
    }
    base = entry_hash(**common, record_ids="1,2", query="")  # type: ignore[arg-type]
    assert base != entry_hash(**common, record_ids="1,3", query="")  # type: ignore[arg-type]
    assert base != entry_hash(**common, record_ids="1,2", query="q")  # type: ignore[arg-type]
    # the split between the two fields is part of the hash
    assert entry_hash(**common, record_ids="1", query="2") != entry_hash(  # type: ignore[arg-type]
        **common, record_ids="12", query=""
    )


def test_units_two_relations_away_cost_one_query_when_the_nearer_one_is_loaded(  # type: ignore[no-untyped-def]
    make_customer, make_key_person, django_assert_num_queries
) -> None:
    """`visit__customer__owning_unit` with the visits loaded but not their customers: the
    units come in one query for all rows, not one per row."""
    from guanxi.access.lists import _unit_pairs
    from guanxi.customers.models import Relationship

    for _ in range(3):
        make_key_person(make_customer("DIV1"))  # a key person comes with a relationship
    assert Relationship.objects.count() == 3
    rows = list(Relationship.objects.select_related("contact"))  # contact loaded, customer not
    with django_assert_num_queries(1):
        pairs = _unit_pairs(rows, "contact__customer__owning_unit")
    assert sorted(pairs) == sorted((str(r.pk), r.contact.customer.owning_unit_id) for r in rows)
    loaded = list(Relationship.objects.select_related("contact__customer"))
    with django_assert_num_queries(0):
        _unit_pairs(loaded, "contact__customer__owning_unit")
