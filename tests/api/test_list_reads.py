"""Every API list of confidential records registers one list read naming exactly its page.

The endpoints come from the generated OpenAPI document, not from a hand list: every GET that
answers a list (no path parameter, or an operation DRF names `…_list`) must register what it
returned, unless it is in NOT_REGISTERED with the reason. A new list endpoint that forgets to
register fails here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from guanxi.access.models import AccessLogEntry
from guanxi.customers import archive
from tests.api.test_write_round_trip import World, make_plan, world

__all__ = ["make_plan", "world"]  # fixtures of the write round trip: a record of every kind

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

# GET lists that register no list read, each with the reason.
NOT_REGISTERED = {
    "/api/v1/units/": "our own organisation, not customer-confidential",
    "/api/v1/people/": "our own staff, not customer-confidential",
    "/api/v1/memberships/": "our own staff's roles, not customer-confidential",
    "/api/v1/me/": "the caller's own account",
    "/api/v1/delegations/": "between our own staff, no customer record",
    "/api/v1/unit-contacts/": "which of our staff is a unit's contact, no customer record",
    "/api/v1/review/managers/": "counts per customer manager, no record named",
    "/api/v1/campaigns/{id}/rollup/": "counts per unit; the campaign: a detail read",
    "/api/v1/access-log/": "the register itself; its reading follows its own rules",
    "/api/v1/customers/export/": "an export: registered by the export core (customers/excel)",
    "/api/v1/review/report/": "an export: registered by the review workbook (customers/review)",
    "/api/v1/customers/import-template/": "a blank workbook, no record",
    "/api/v1/improvement-plans/": "a year and its HQ; the items, scoped, register their reads",
    "/api/v1/calendar/days/": "the working-day calendar: public holidays, no customer record",
    "/api/v1/calendar/working-days/": "a date counted on the working-day calendar, no record",
}
# What a list needs besides paging to answer at all.
REQUIRED = {"/api/v1/history/": lambda w: {"customer": w.planted.customer.pk}}


# GETs without a path parameter that answer one aggregate, not a page of records; each
# registers the records it was drawn from in its own way, tested where named.
AGGREGATES = {
    "/api/v1/satisfaction/": "registered per unit with its query (tests/satisfaction)",
}


def _list_paths() -> list[str]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        path
        for path, item in document["paths"].items()
        if "get" in item
        and ("{" not in path or item["get"]["operationId"].endswith("_list"))
        and path not in AGGREGATES
    )


LISTS = _list_paths()


def _new_list_entries(after: int) -> list[AccessLogEntry]:
    return list(
        AccessLogEntry.objects.filter(seq__gt=after, record_ids__isnull=False).order_by("seq")
    )


def _last_seq() -> int:
    last = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last or 0


def _returned(entries: list[AccessLogEntry]) -> list[str]:
    return sorted(record_id for entry in entries for record_id in entry.returned_ids)


def test_the_schema_lists_are_all_known() -> None:
    """Both lists stay honest: every exception is still an endpoint, and lists were found."""
    assert set(NOT_REGISTERED) <= set(LISTS)
    assert len(set(LISTS) - set(NOT_REGISTERED)) >= 20


@pytest.mark.parametrize("path", [p for p in LISTS if p not in NOT_REGISTERED])
def test_every_list_registers_exactly_its_page(path: str, world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    params: dict[str, Any] = {"page_size": 100, **REQUIRED.get(path, lambda w: {})(world)}
    before = _last_seq()
    response = api_as("hq.manager").get(path, params)
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert rows, f"{path}: the world should give this list something to return"
    entries = _new_list_entries(before)
    assert entries, f"{path} returned records but registered no list read"
    assert _returned(entries) == sorted(str(row["id"]) for row in rows)
    assert {(e.channel, e.username, e.record_id, e.at) for e in entries} == {
        ("api", "hq.manager", "", entries[0].at)
    }
    assert len({e.record_type for e in entries}) == 1
    for entry in entries:
        assert json.loads(entry.query or "{}") == {k: str(v) for k, v in params.items()}


@pytest.mark.parametrize(
    "path", sorted(p for p, why in NOT_REGISTERED.items() if not why.startswith("an export"))
)
def test_the_lists_left_unregistered_register_no_list(path: str, world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    path = path.replace("{id}", str(world.ids["campaign"].pk))
    before = _last_seq()
    api_as("hq.manager").get(path)
    assert _new_list_entries(before) == []


# --------------------------------------------------------------------------- paging and refusals


def test_page_two_registers_page_two_only(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        make_customer("DIV1")
    client = api_as("div1.staff")
    first = client.get("/api/v1/customers/", {"page_size": 2}).json()
    before = _last_seq()
    second = client.get(first["next"]).json()
    entries = _new_list_entries(before)
    assert _returned(entries) == sorted(str(row["id"]) for row in second["results"])
    assert len(second["results"]) == 2
    assert not {row["id"] for row in first["results"]} & {row["id"] for row in second["results"]}
    assert "cursor" in json.loads(entries[0].query or "{}")


def test_contacts_page_two_registers_page_two_only(api_as, make_customer, people) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    for n in range(5):
        archive.contact_create(actor=people["hq.manager"], customer=customer, name=f"联系人{n}")
    client = api_as("div1.staff")
    first = client.get("/api/v1/contacts/", {"page_size": 2}).json()
    before = _last_seq()
    second = client.get(first["next"]).json()
    assert _returned(_new_list_entries(before)) == sorted(str(r["id"]) for r in second["results"])


def test_an_empty_page_registers_nothing(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")  # without contacts
    before = _last_seq()
    response = api_as("div1.staff").get("/api/v1/contacts/", {"customer": customer.pk})
    assert (response.status_code, response.json()["results"]) == (200, [])
    assert AccessLogEntry.objects.filter(seq__gt=before).count() == 0


def test_a_filter_matching_one_record_registers_that_one(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1")
    wanted = make_customer("DIV1", name="渤海湾独一无二钻井有限公司")
    before = _last_seq()
    response = api_as("div1.staff").get("/api/v1/customers/", {"q": "独一无二"})
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]
    (entry,) = _new_list_entries(before)
    assert (entry.returned_ids, entry.record_unit_id) == ([str(wanted.pk)], wanted.owning_unit_id)
    assert json.loads(entry.query or "{}") == {"q": "独一无二"}


@pytest.mark.parametrize(
    ("username", "path", "status"),
    [
        ("finance", "/api/v1/review/customers/", 403),  # no customer.view
        ("div1.staff", "/api/v1/customers/?ordering=bogus", 400),
        ("div1.staff", "/api/v1/contacts/?cursor=bogus", 404),
        ("div1.staff", "/api/v1/contacts/?customer=x", 400),
    ],
)
def test_a_refused_list_registers_nothing(  # type: ignore[no-untyped-def]
    api_as, make_customer, make_key_person, username: str, path: str, status: int
) -> None:
    make_key_person(make_customer("DIV1"))
    before = _last_seq()
    assert api_as(username).get(path).status_code == status
    assert AccessLogEntry.objects.filter(seq__gt=before).count() == 0


def test_a_list_over_several_units_registers_one_entry_per_unit(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    made = [make_customer("BASE11"), make_customer("BASE11"), make_customer("BASE12")]
    before = _last_seq()
    api_as("div1.staff").get("/api/v1/customers/")
    entries = _new_list_entries(before)
    by_unit = {e.record_unit_id: sorted(e.returned_ids) for e in entries}
    assert by_unit == {
        made[0].owning_unit_id: sorted([str(made[0].pk), str(made[1].pk)]),
        made[2].owning_unit_id: [str(made[2].pk)],
    }
    assert len({e.at for e in entries}) == 1  # one response


# --------------------------------------------------------------------------- query counts


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("path", ["/api/v1/customers/", "/api/v1/contacts/", "/api/v1/follow-ups/"])
def test_registering_a_page_costs_the_same_for_2_and_10_rows(  # type: ignore[no-untyped-def]
    path: str, world: World, api_as, people, make_customer
) -> None:
    """The owning units of the page are read with the page (or in one query), not per row."""
    from guanxi.keycustomers import visits

    customer, visit = world.planted.customer, world.ids["visit"]

    def add(count: int) -> None:
        for n in range(count):
            make_customer("DIV1")
            archive.contact_create(actor=people["hq.manager"], customer=customer, name=f"甲{n}")
            visits.follow_up_add(
                actor=people["div1.manager"],
                visit=visit,
                title=f"寄送资料{n}",
                owner=people["div1.cm"],
                due_on=visit.ends_on,
            )

    client = api_as("div1.staff")
    add(2)
    _queries(client, path)  # warm: the policy, the content types
    small_rows = len(client.get(path).json()["results"])
    small = _queries(client, path)
    add(8)
    before = _last_seq()
    large = _queries(client, path)
    assert len(_returned(_new_list_entries(before))) == small_rows + 8 >= 10
    assert large == small


def test_a_list_whose_read_cannot_be_registered_answers_503_without_records(  # type: ignore[no-untyped-def]
    api_as, make_customer, monkeypatch
) -> None:
    from guanxi.access.register import ReadNotRegistered
    from guanxi.api import listreads

    def unavailable(**kwargs: Any) -> int:
        raise ReadNotRegistered("register down")

    monkeypatch.setattr(listreads, "register_list", unavailable)
    customer = make_customer("DIV1")
    response = api_as("div1.staff").get("/api/v1/customers/")
    assert response.status_code == 503
    assert customer.name not in response.content.decode()


# --------------------------------------------------------------------------- refused changes


@pytest.mark.parametrize(
    ("username", "kind"),
    [
        ("exec", "customer"),  # reads every customer, changes none
        ("exec", "contact"),
        ("div1.staff", "customer_plan"),  # reads customer plans, writes none
    ],
)
def test_a_refused_change_registers_no_read(  # type: ignore[no-untyped-def]
    api_as, people, make_customer, make_key_person, username: str, kind: str
) -> None:
    from guanxi.keycustomers import customer_plans

    customer = make_customer("DIV1")
    if kind == "customer":
        path, body = f"/api/v1/customers/{customer.pk}/", {"remarks": "改", "version": 1}
    elif kind == "contact":
        contact = make_key_person(customer)
        path, body = f"/api/v1/contacts/{contact.pk}/", {"position": "总经理", "version": 1}
    else:
        plan = customer_plans.customer_plan_create(
            actor=people["div1.manager"], customer=customer, year=2027
        )
        path, body = f"/api/v1/customer-plans/{plan.pk}/", {"summary": "稳定合作", "version": 1}
    client = api_as(username)
    assert client.get(path).status_code == 200  # the reader may read it …
    before = _last_seq()
    answer = client.patch(path, body, format="json")
    assert answer.status_code == 403  # … not change it, and the refusal registers no read
    assert AccessLogEntry.objects.filter(seq__gt=before).count() == 0
