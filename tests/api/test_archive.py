from __future__ import annotations

from guanxi.access.models import AccessLogEntry
from guanxi.customers.models import Contact


def test_contacts_of_another_division_are_invisible(api_as, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    mine = make_key_person(make_customer("BASE11"), name="刘德明")
    theirs = make_key_person(make_customer("DIV2"), name="孙海峰")
    client = api_as("div1.staff")
    names = {row["name"] for row in client.get("/api/v1/contacts/").json()["results"]}
    assert names == {"刘德明"}
    assert client.get(f"/api/v1/contacts/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/v1/contacts/{mine.pk}/").status_code == 200
    rels = client.get("/api/v1/relationships/").json()["results"]
    assert [r["contact"] for r in rels] == [mine.pk]
    departments = client.get("/api/v1/customer-departments/").json()["results"]
    assert {d["customer"] for d in departments} == {mine.customer_id}


def test_the_profile_is_masked_without_the_permission(
    api_as, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    staff = api_as("div1.staff").get(f"/api/v1/contacts/{contact.pk}/").json()
    manager = api_as("div1.manager").get(f"/api/v1/contacts/{contact.pk}/").json()
    assert staff["profile_masked"] is True
    assert staff["hobbies"] is None
    assert staff["birthplace"] is None
    assert staff["mobile"] == "13812345678"
    assert manager["profile_masked"] is False
    assert manager["hobbies"] == "围棋、钓鱼"


def test_a_contact_read_is_registered(api_as, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    api_as("div1.staff").get(f"/api/v1/contacts/{contact.pk}/")
    entry = AccessLogEntry.objects.get()
    assert (entry.record_type, entry.record_id, entry.record_unit_id) == (
        "customers.contact",
        str(contact.pk),
        contact.customer.owning_unit_id,
    )


def test_creating_against_an_invisible_customer_is_refused_as_unknown(
    api_as, make_customer
) -> None:  # type: ignore[no-untyped-def]
    theirs = make_customer("DIV2")
    answer = api_as("div1.staff").post(
        "/api/v1/contacts/", {"customer": theirs.pk, "name": "钱七"}, format="json"
    )
    assert answer.status_code == 400
    assert "customer" in answer.json()
    assert not Contact.objects.exists()


def test_relationship_changes_through_the_api(
    api_as, make_customer, make_key_person, people
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    client = api_as("div1.staff")
    changed = client.post(
        "/api/v1/relationships/",
        {
            "contact": contact.pk,
            "buying_role": "advisor",
            "state": "neutral",
            "holders": [people["div1.staff"].pk],
            "version": 1,
            "note": "季度复核",
        },
        format="json",
    )
    assert changed.status_code == 201, changed.json()
    stale = client.post(
        "/api/v1/relationships/",
        {
            "contact": contact.pk,
            "buying_role": "blocker",
            "state": "negative",
            "holders": [],
            "version": 1,
        },
        format="json",
    )
    assert stale.status_code == 409
    detail = client.get(f"/api/v1/relationships/{changed.json()['id']}/").json()
    assert [e["state"] for e in detail["events"]] == ["neutral", "positive"]


def test_personal_data_deletion_through_the_api(api_as, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    client = api_as("div1.manager")
    made = client.post(
        "/api/v1/personal-data-requests/",
        {"contact": contact.pk, "kind": "delete", "details": "书面申请"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    done = client.post(
        f"/api/v1/personal-data-requests/{made.json()['id']}/complete/",
        {"outcome": "已删除个人字段"},
        format="json",
    )
    assert done.status_code == 200
    assert client.get(f"/api/v1/contacts/{contact.pk}/").json()["mobile"] == ""


def test_archive_list_queries_do_not_grow(api_as, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_key_person(make_customer("DIV1"))
    paths = ["/api/v1/contacts/", "/api/v1/relationships/", "/api/v1/customer-departments/"]

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api_as("div1.manager").get(path).status_code == 200
        return len(captured.captured_queries)

    before = {path: count(path) for path in paths}
    for index in range(8):
        make_key_person(make_customer("BASE11"), name=f"测试人员{index}")
    assert {path: count(path) for path in paths} == before
