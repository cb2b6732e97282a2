"""The permission matrix: role × relation of the record's unit to the person's unit × action.

Each row is written out by hand from the regulation (000 §20–22, ORG-3) and checked through
both the pages and the API. Later capabilities add their actions and rows here.
"""

from __future__ import annotations

import pytest

from guanxi.access.models import Channel
from guanxi.access.register import register_read
from guanxi.organisation.models import Person
from guanxi.organisation.services import membership_create, person_create

# Where the record lives, seen from a person of division 1 (DIV1) or of HQ.
RELATIONS = {
    "DIV1": {
        "own": "DIV1",
        "child": "BASE11",
        "parent": "HQ",
        "sibling": "DIV2",
        "other_line": "BASE21",
        "branch": "BR1",
    },
    "HQ": {"own": "HQ", "child": "DIV1", "grandchild": "BASE11", "branch": "BR1"},
}
DOWN = {"own", "child", "grandchild"}  # what a unit's line covers
NONE: set[str] = set()

# role -> action -> relations where the action is allowed (same for DIV1 and HQ people:
# HQ's line is the whole tree, so for HQ every relation listed is "down").
MATRIX: dict[str, dict[str, set[str]]] = {
    "staff": {"list": DOWN, "page": DOWN, "api": DOWN, "change": DOWN, "log": NONE},
    "customer_manager": {"list": DOWN, "page": DOWN, "api": DOWN, "change": DOWN, "log": NONE},
    "info_admin": {"list": DOWN, "page": DOWN, "api": DOWN, "change": DOWN, "log": NONE},
    "manager": {"list": DOWN, "page": DOWN, "api": DOWN, "change": DOWN, "log": DOWN},
    "executive": {"list": DOWN, "page": DOWN, "api": DOWN, "change": NONE, "log": NONE},
    "finance": {"list": NONE, "page": NONE, "api": NONE, "change": NONE, "log": NONE},
    "auditor": {"list": NONE, "page": NONE, "api": NONE, "change": NONE, "log": DOWN},
    "admin": {"list": NONE, "page": NONE, "api": NONE, "change": NONE, "log": DOWN},
}


def allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = MATRIX[role][action]
    if home == "HQ" and rows:
        return True  # HQ's line is the whole tree (000 §9.2)
    return relation in rows


CASES = [
    (role, home, relation)
    for role in MATRIX
    for home, relations in RELATIONS.items()
    for relation in relations
]


@pytest.fixture
def world(people, units, make_customer):  # type: ignore[no-untyped-def]
    customers = {
        code: make_customer(code)
        for code in {code for rel in RELATIONS.values() for code in rel.values()}
    }
    reader = people["hq.manager"]
    for customer in customers.values():
        register_read(actor=reader, obj=customer, channel=Channel.PAGE)
    return customers


def persona(role: str, home: str, units) -> Person:  # type: ignore[no-untyped-def]
    person = person_create(actor=None, username=f"m.{role}.{home}".lower(), display_name=role)
    membership_create(actor=None, person=person, unit=units[home], role=role)
    return person


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_matrix(role: str, home: str, relation: str, world, units, client) -> None:  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    person = persona(role, home, units)
    customer = world[RELATIONS[home][relation]]
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    listed = api.get("/api/v1/customers/", {"page_size": 200})
    ids = {row["id"] for row in listed.json()["results"]} if listed.status_code == 200 else set()
    assert (customer.pk in ids) == allowed(role, "list", home, relation)
    page_list = client.get("/customers/")
    in_page = page_list.status_code == 200 and customer.name in page_list.content.decode()
    assert in_page == allowed(role, "list", home, relation)

    expected_page = 200 if allowed(role, "page", home, relation) else 404
    assert client.get(f"/customers/{customer.pk}/").status_code == expected_page
    expected_api = 200 if allowed(role, "api", home, relation) else 404
    assert api.get(f"/api/v1/customers/{customer.pk}/").status_code == expected_api

    change = api.patch(
        f"/api/v1/customers/{customer.pk}/",
        {"name": customer.name + "（更新）", "version": customer.version},
        format="json",
    )
    if allowed(role, "change", home, relation):
        assert change.status_code == 200
    else:
        assert change.status_code in {403, 404}
        assert change.status_code == (403 if allowed(role, "api", home, relation) else 404)

    log = api.get("/api/v1/access-log/", {"page_size": 200})
    if MATRIX[role]["log"]:
        record_ids = {row["record_id"] for row in log.json()["results"]}
        assert (str(customer.pk) in record_ids) == allowed(role, "log", home, relation)
        assert client.get("/access-log/").status_code == 200
        assert client.get("/access-log/export.xlsx").status_code == 200
    else:
        assert log.status_code == 403
        assert client.get("/access-log/").status_code == 403
        assert client.get("/access-log/export.xlsx").status_code == 403


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(MATRIX)


# Contacts and relationships follow their customer's line; the key-person background profile
# (003 附表2) is shown only to roles granted contact.view_profile — the department manager,
# custodian of the archive (000 §20–21); everyone else who may see the contact sees it masked.
CONTACT_MATRIX: dict[str, dict[str, set[str]]] = {
    "staff": {"contact": DOWN, "profile": NONE},
    "customer_manager": {"contact": DOWN, "profile": NONE},
    "info_admin": {"contact": DOWN, "profile": NONE},
    "manager": {"contact": DOWN, "profile": DOWN},
    "executive": {"contact": DOWN, "profile": NONE},
    "finance": {"contact": NONE, "profile": NONE},
    "auditor": {"contact": NONE, "profile": NONE},
    "admin": {"contact": NONE, "profile": NONE},
}


def contact_allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = CONTACT_MATRIX[role][action]
    return bool(rows) if home == "HQ" else relation in rows


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_contact_matrix(
    role: str,
    home: str,
    relation: str,
    people,
    units,  # type: ignore[no-untyped-def]
    make_customer,
    make_key_person,
    client,
) -> None:
    from rest_framework.test import APIClient

    contact = make_key_person(make_customer(RELATIONS[home][relation]))
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    seen = contact_allowed(role, "contact", home, relation)
    answer = api.get(f"/api/v1/contacts/{contact.pk}/")
    assert answer.status_code == (200 if seen else 404)
    listed = {row["id"] for row in api.get("/api/v1/contacts/").json()["results"]}
    assert (contact.pk in listed) == seen
    rels = {row["contact"] for row in api.get("/api/v1/relationships/").json()["results"]}
    assert (contact.pk in rels) == seen
    page = client.get(f"/contacts/{contact.pk}/")
    assert page.status_code == (200 if seen else 404)
    if seen:
        profile = contact_allowed(role, "profile", home, relation)
        assert (answer.json()["hobbies"] == "围棋、钓鱼") == profile
        assert ("围棋、钓鱼" in page.content.decode()) == profile
