"""The history page and API: scoped to the reader's line, registered, constant in queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.access.models import AccessLogEntry
from guanxi.customers import archive
from guanxi.customers.services import customer_update
from guanxi.policy.loader import current as current_policy


def url(customer) -> str:  # type: ignore[no-untyped-def]
    return f"/history/customer/{customer.pk}/"


def edit(people, customer, times: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(times):
        customer.refresh_from_db()
        customer_update(
            actor=people["div1.staff"],
            customer=customer,
            version=customer.version,
            phone=f"022-{i}",
            manager=people["div1.cm"],
            source="visit",
        )


def test_it_shows_who_changed_what_from_which_source(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    edit(people, customer, 1)

    response = page_as("div1.manager").get(url(customer))

    assert response.status_code == 200
    body = response.content.decode()
    assert "022-0" in body
    assert str(people["div1.staff"]) in body
    assert str(people["div1.cm"]) in body  # a person reference shown by name
    assert current_policy().sources["visit"].name_zh in body


def test_it_rejects_other_divisions(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(unit="DIV1")

    assert page_as("div2.staff").get(url(customer)).status_code == 404


def test_the_page_registers_the_customer_and_the_changes_shown(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    before = AccessLogEntry.objects.count()

    page_as("div1.manager").get(url(customer))

    entries = list(AccessLogEntry.objects.order_by("seq")[before : AccessLogEntry.objects.count()])
    singles = [(e.record_type, e.record_id, e.channel) for e in entries if e.record_id]
    assert singles == [("customers.customer", str(customer.pk), "page")]
    lists = [e for e in entries if not e.record_id]
    assert lists
    assert {e.record_type for e in lists} == {"history.change"}
    assert all(e.returned_ids for e in lists)


def test_page_queries_do_not_grow_with_the_changes(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    client = page_as("div1.manager")
    client.get(url(customer))  # the session's first stamp is written once, not per page
    edit(people, customer, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(url(customer))
    edit(people, customer, 8)
    with CaptureQueriesContext(connection) as many:
        client.get(url(customer))

    assert len(many) == len(few)


def test_the_page_walks_back_by_keyset(page_as, people, make_customer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from guanxi.web.history import views as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    customer = make_customer()
    edit(people, customer, 3)
    client = page_as("div1.manager")

    first = client.get(url(customer))
    after = first.context["page"].next_after
    second = client.get(url(customer), {"after": after})

    assert after is not None
    assert all(e.change.pk < after for e in second.context["entries"])


def test_key_person_profiles_are_hidden_without_the_right(  # type: ignore[no-untyped-def]
    page_as, api_as, people, make_customer, make_key_person
) -> None:
    customer = make_customer()
    make_key_person(customer)

    staff_page = page_as("div1.staff").get(url(customer)).content.decode()
    staff_api = api_as("div1.staff").get("/api/v1/history/", {"customer": customer.pk}).json()
    manager_page = page_as("div1.manager").get(url(customer)).content.decode()

    assert "围棋" not in staff_page
    assert "围棋" not in str(staff_api)
    assert "围棋" in manager_page


def test_the_api_lists_a_customers_history(api_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    edit(people, customer, 2)

    response = api_as("div1.manager").get("/api/v1/history/", {"customer": customer.pk})

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["op"] for r in results] == ["update", "update", "insert"]
    assert results[0]["changes"]["phone"] == ["022-0", "022-1"]
    assert results[0]["actor_id"] == people["div1.staff"].pk
    assert (results[0]["source"], results[0]["via"]) == ("visit", "service")


def test_the_api_shows_other_divisions_nothing(api_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(unit="DIV1")
    edit(people, customer, 1)
    before = AccessLogEntry.objects.count()

    response = api_as("div2.staff").get("/api/v1/history/", {"customer": customer.pk})
    by_record = api_as("div2.staff").get(
        "/api/v1/history/", {"table": "customers_customer", "record": customer.pk}
    )

    assert response.status_code == by_record.status_code == 200
    assert response.json()["results"] == by_record.json()["results"] == []
    assert AccessLogEntry.objects.count() == before


def test_the_api_gives_one_records_history_and_registers_it(  # type: ignore[no-untyped-def]
    api_as, people, make_customer
) -> None:
    customer = make_customer()
    contact = archive.contact_create(actor=people["hq.manager"], customer=customer, name="孙八")
    before = AccessLogEntry.objects.count()

    response = api_as("div1.manager").get(
        "/api/v1/history/", {"table": "customers_contact", "record": contact.pk}
    )

    rows = response.json()["results"]
    assert [r["record_id"] for r in rows] == [str(contact.pk)]
    # the record's customer as a single read, and the changes returned as one list read
    entry, listed = AccessLogEntry.objects.order_by("seq")[before:]
    assert (entry.record_type, entry.record_id, entry.channel) == (
        "customers.customer",
        str(customer.pk),
        "api",
    )
    assert (listed.record_type, listed.returned_ids, listed.channel) == (
        "history.change",
        [str(r["id"]) for r in rows],
        "api",
    )


def test_the_api_wants_a_customer_or_a_record(api_as) -> None:  # type: ignore[no-untyped-def]
    assert api_as("div1.manager").get("/api/v1/history/").status_code == 400


def test_the_api_is_in_the_schema(api_as) -> None:  # type: ignore[no-untyped-def]
    schema = api_as("hq.manager").get("/api/schema/", {"format": "json"}).json()

    assert "/api/v1/history/" in schema["paths"]


def test_the_api_adds_the_change_in_words(api_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    edit(people, customer, 1)

    results = api_as("div1.manager").get("/api/v1/history/", {"customer": customer.pk}).json()

    display = results["results"][0]["display"]
    assert display["actor"] == str(people["div1.staff"])
    assert display["record"] == customer.name
    assert display["information_source"] == current_policy().sources["visit"].name_zh
    lines = {f["column"]: f for f in display["changed_fields"]}
    assert (lines["phone"]["old"], lines["phone"]["new"]) == ("—", "022-0")
    assert lines["manager_id"]["new"] == str(people["div1.cm"])
