"""Every path that writes the archive leaves history with the right who / source / via."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from guanxi.customers import archive
from guanxi.customers.models import Contact, ContractSummary, Customer, Dealing
from guanxi.customers.services import customer_create, customer_update
from guanxi.history.context import attributed
from guanxi.history.models import AppendOnly, Change


def changes_of(obj: object) -> list[Change]:
    return list(
        Change.objects.filter(
            table=obj._meta.db_table,  # type: ignore[attr-defined]
            record_id=str(obj.pk),  # type: ignore[attr-defined]
        ).order_by("id")
    )


def latest() -> Change:
    return Change.objects.latest("id")


def test_a_service_create_records_the_new_row(people, units) -> None:  # type: ignore[no-untyped-def]
    actor = people["div1.manager"]
    customer = customer_create(
        actor=actor,
        name="渤海石油装备有限公司",
        owning_unit=units["DIV1"],
        tier="vip",
        source="business_card",
        phone="022-6666",
    )

    (change,) = changes_of(customer)
    assert change.op == "insert"
    assert (change.actor_id, change.source, change.via) == (actor.pk, "business_card", "service")
    assert (change.customer_id, change.unit_id) == (customer.pk, units["DIV1"].pk)
    assert change.changes["phone"] == "022-6666"
    assert "version" not in change.changes
    assert "name_pinyin" not in change.changes


def test_a_service_update_records_only_the_changed_fields(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    actor = people["div1.staff"]

    customer_update(
        actor=actor, customer=customer, version=customer.version, fax="022-1", source="fax"
    )

    change = latest()
    assert change.op == "update"
    assert change.changes == {"fax": ["", "022-1"], "source": ["", "fax"]}
    assert (change.actor_id, change.source, change.via) == (actor.pk, "fax", "service")


def test_the_record_source_is_the_attributed_source(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    contact = archive.contact_create(
        actor=people["hq.manager"], customer=customer, name="李明", source="phone"
    )

    archive.contact_update(
        actor=people["div1.staff"], contact=contact, version=contact.version, position="处长"
    )

    change = latest()
    assert change.table == "customers_contact"
    assert change.changes == {"position": ["", "处长"]}
    assert (change.actor_id, change.source, change.via) == (
        people["div1.staff"].pk,
        "phone",
        "service",
    )
    assert change.customer_id == customer.pk


def test_a_source_keyword_is_recorded_for_records_without_a_source_field(  # type: ignore[no-untyped-def]
    people, make_customer, units
) -> None:
    customer = make_customer()
    dealing = archive.dealing_create(
        actor=people["hq.manager"],
        customer=customer,
        kind="contract",
        status="signed",
        title="钻井服务合同",
        our_unit=units["DIV1"],
        source="contract_record",
    )
    summary = archive.summary_create(
        actor=people["hq.manager"],
        dealing=dealing,
        written_on=datetime.date(2025, 3, 1),
        summary="按期完成",
        source="contract_record",
    )

    assert changes_of(dealing)[0].source == "contract_record"
    (summary_change,) = changes_of(summary)
    assert (summary_change.source, summary_change.customer_id) == ("contract_record", customer.pk)


def test_an_unknown_source_is_refused(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()

    with pytest.raises(ValidationError):
        archive.contact_create(
            actor=people["hq.manager"], customer=customer, name="李明", source="rumour"
        )


def test_a_queryset_update_is_recorded(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()

    with attributed(actor=people["hq.info"], source="announcement", via="command"):
        Customer.objects.filter(pk=customer.pk).update(website="https://example.cn")

    change = latest()
    assert change.changes == {"website": ["", "https://example.cn"]}
    assert (change.actor_id, change.source, change.via) == (
        people["hq.info"].pk,
        "announcement",
        "command",
    )


def test_bulk_create_and_bulk_update_are_recorded(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    actor = people["div1.manager"]

    with attributed(actor=actor, source="visit", via="import"):
        Contact.objects.bulk_create(
            [Contact(customer=customer, name="甲"), Contact(customer=customer, name="乙")]
        )
        contacts = list(Contact.objects.filter(customer=customer).order_by("id"))
        for contact in contacts:
            contact.position = "经理"
        Contact.objects.bulk_update(contacts, ["position"])

    rows = list(Change.objects.filter(table="customers_contact").order_by("id"))
    assert [r.op for r in rows] == ["insert", "insert", "update", "update"]
    assert {(r.actor_id, r.source, r.via, r.customer_id) for r in rows} == {
        (actor.pk, "visit", "import", customer.pk)
    }
    assert rows[-1].changes == {"position": ["", "经理"]}


def test_a_service_inside_an_import_keeps_the_import_path(people, units) -> None:  # type: ignore[no-untyped-def]
    actor = people["hq.manager"]

    with attributed(actor=actor, source="announcement", via="import"):
        customer = customer_create(
            actor=actor, name="南海港务集团", owning_unit=units["DIV1"], tier="vip"
        )

    (change,) = changes_of(customer)
    assert (change.via, change.source) == ("import", "announcement")


def test_a_raw_sql_update_is_recorded_without_an_actor(make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()

    with connection.cursor() as cursor:
        cursor.execute("UPDATE customers_customer SET fax = %s WHERE id = %s", ["0", customer.pk])

    change = latest()
    assert change.changes == {"fax": ["", "0"]}
    assert (change.actor_id, change.source, change.via) == (None, "", "database")


def test_attribution_ends_with_its_block(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    with attributed(actor=people["hq.info"], via="command"):
        Customer.objects.filter(pk=customer.pk).update(fax="1")

    Customer.objects.filter(pk=customer.pk).update(fax="2")

    assert (latest().actor_id, latest().via) == (None, "database")


def test_a_no_op_save_records_nothing(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    before = Change.objects.count()

    customer.save()  # touches updated_at only
    customer_update(actor=people["hq.manager"], customer=customer, version=customer.version)

    assert Change.objects.count() == before


def test_a_delete_records_the_old_row(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    contact = archive.contact_create(actor=people["hq.manager"], customer=customer, name="赵六")
    pk = contact.pk

    with attributed(actor=people["hq.manager"], via="command"):
        contact.delete()

    change = latest()
    assert (change.op, change.record_id, change.via) == ("delete", str(pk), "command")
    assert change.changes["name"] == "赵六"
    assert change.customer_id == customer.pk


def test_related_records_find_their_customer(people, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(unit="DIV2")
    contact = make_key_person(customer)

    relationship = Change.objects.filter(table="customers_relationship").latest("id")
    assert relationship.customer_id == customer.pk
    assert relationship.unit_id == customer.owning_unit_id
    assert contact.relationship.pk == int(relationship.record_id)


def test_market_reports_are_scoped_by_their_unit(people, units) -> None:  # type: ignore[no-untyped-def]
    report = archive.market_report_create(
        actor=people["div1.manager"],
        unit=units["DIV1"],
        month=datetime.date(2025, 4, 1),
        title="四月市场",
        body="油价上涨",
    )

    (change,) = changes_of(report)
    assert (change.customer_id, change.unit_id) == (None, units["DIV1"].pk)
    assert (change.table, change.record_id) == ("customers_marketreport", str(report.pk))
    assert change.changes["title"] == "四月市场"


def test_booleans_are_json_booleans_on_every_database(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    contact = archive.contact_create(actor=people["hq.manager"], customer=customer, name="钱七")

    archive.contact_update(
        actor=people["hq.manager"], contact=contact, version=contact.version, is_key=True
    )

    assert latest().changes == {"is_key": [False, True]}


def test_history_is_append_only(make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer()
    change = latest()

    with pytest.raises(AppendOnly):
        Change.objects.all().update(source="x")
    with pytest.raises(AppendOnly):
        Change.objects.all().delete()
    with pytest.raises(AppendOnly):
        change.delete()
    with pytest.raises(AppendOnly):
        change.save()


def test_summaries_follow_their_dealing(people, make_customer, units) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(unit="BR1")
    dealing = Dealing.objects.create(
        customer=customer, kind="contract", status="signed", title="t", our_unit=units["BR1"]
    )
    summary = ContractSummary.objects.create(
        dealing=dealing,
        written_on=datetime.date(2025, 1, 1),
        author=people["hq.manager"],
        summary="s",
    )

    (change,) = changes_of(summary)
    assert (change.customer_id, change.unit_id, change.via) == (
        customer.pk,
        units["BR1"].pk,
        "database",
    )
