"""Erasing a person's data from the append-only change history (PRV-1): only their personal
values go; who changed what and when, and everyone else's history, stay."""

from __future__ import annotations

from guanxi.customers import archive
from guanxi.customers.models import Contact
from guanxi.history.models import Change
from guanxi.history.services import ERASED, erase_from_history


def rows(contact: Contact) -> list[Change]:
    return list(
        Change.objects.filter(table="customers_contact", record_id=str(contact.pk)).order_by("id")
    )


def test_it_erases_only_the_named_fields_of_one_record(
    people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    erased, kept = (
        make_key_person(customer, name="高建军"),
        make_key_person(customer, name="吴海燕"),
    )
    archive.contact_update(
        actor=people["div1.staff"], contact=erased, version=erased.version, mobile="13900001111"
    )
    before = [(c.op, c.actor_id, c.at) for c in rows(erased)]

    count = erase_from_history(model=Contact, record_id=erased.pk, fields=("name", "mobile"))

    assert count == 2
    after = rows(erased)
    assert [(c.op, c.actor_id, c.at) for c in after] == before
    assert after[0].changes["name"] == ERASED
    assert after[0].changes["position"] == "总工程师"
    assert after[0].changes["hobbies"] == "围棋、钓鱼"  # not named, not erased
    assert after[1].changes["mobile"] == [ERASED, ERASED]
    assert rows(kept)[0].changes["name"] == "吴海燕"


def test_empty_values_stay_empty(people, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    erase_from_history(model=Contact, record_id=contact.pk, fields=("home_phone", "email"))
    first = rows(contact)[0].changes
    assert (first["home_phone"], first["email"]) == ("", "")
