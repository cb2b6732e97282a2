"""The quarterly archive review over the API (CUS-13)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from guanxi.access.models import AccessLogEntry
from guanxi.customers import excel, review
from tests.customers.test_review import complete_archive

FIELDS = {
    "id",
    "name",
    "owning_unit",
    "owning_unit_name",
    "manager",
    "score",
    "missing",
    "days_since_update",
    "stale",
}


def test_the_list_scores_each_visible_customer(  # type: ignore[no-untyped-def]
    api_as, people, make_customer, make_key_person
) -> None:
    full, bare = make_customer("DIV1"), make_customer("BASE11")
    complete_archive(full, people, make_key_person)
    make_customer("DIV2")
    body = api_as("div1.staff").get("/api/v1/review/customers/").json()
    assert [row["id"] for row in body["results"]] == [bare.pk, full.pk]
    first, last = body["results"]
    assert set(first) == FIELDS
    assert first["score"] == review.customer_completeness(bare).score
    assert {"field": "contacts", "label": review.item_label("contacts")} in first["missing"]
    assert (last["score"], last["missing"], last["stale"]) == (100, [], False)
    assert last["manager"] == people["div1.cm"].pk
    assert body["next"] is None


def test_pages_follow_next_through_every_row(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    made = {make_customer("DIV1").pk for _ in range(5)}
    client, url, seen = api_as("hq.manager"), "/api/v1/review/customers/?page_size=2", []
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 2
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(made)
    assert len(seen) == len(made)


def test_filters_and_a_unit_outside_the_line(api_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    mine, other = make_customer("BASE11"), make_customer("DIV2")
    client = api_as("div1.staff")
    unit = client.get("/api/v1/review/customers/", {"unit": mine.owning_unit_id}).json()
    assert [row["id"] for row in unit["results"]] == [mine.pk]
    outside = client.get("/api/v1/review/customers/", {"unit": other.owning_unit_id}).json()
    assert outside["results"] == []
    none = client.get("/api/v1/review/customers/", {"manager": review.NO_MANAGER}).json()
    assert [row["id"] for row in none["results"]] == [mine.pk]
    cm = client.get("/api/v1/review/customers/", {"manager": people["div1.cm"].pk}).json()
    assert cm["results"] == []


def test_the_manager_summary(api_as, people, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    full = make_customer("DIV1")
    complete_archive(full, people, make_key_person)
    make_customer("DIV1")
    make_customer("DIV2")
    rows = api_as("div1.manager").get("/api/v1/review/managers/").json()
    by_manager = {row["manager"]: row for row in rows}
    assert set(by_manager) == {None, people["div1.cm"].pk}
    cm = by_manager[people["div1.cm"].pk]
    assert (cm["name"], cm["customers"], cm["average_score"], cm["incomplete"]) == (
        "陈静",
        1,
        100.0,
        0,
    )
    assert by_manager[None]["customers"] == 1


@pytest.mark.parametrize("path", ["customers/", "managers/", "report/"])
def test_people_without_customer_view_are_refused(api_as, path: str) -> None:  # type: ignore[no-untyped-def]
    assert api_as("finance").get(f"/api/v1/review/{path}").status_code == 403


def test_signed_out_clients_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/review/customers/").status_code in {401, 403}


def test_the_report_needs_export_and_registers_the_rows_it_holds(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    mine = [make_customer("DIV1"), make_customer("BASE12")]
    make_customer("DIV2")
    assert api_as("div1.staff").get("/api/v1/review/report/").status_code == 403
    assert AccessLogEntry.objects.count() == 0
    answer = api_as("div1.manager").get("/api/v1/review/report/", REMOTE_ADDR="10.9.8.7")
    assert answer.status_code == 200
    assert answer["Content-Type"] == excel.XLSX_TYPE
    assert answer["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert str(sheet["A1"].value).startswith("信息管理员")
    names = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(names) == sorted(c.name for c in mine)
    entries = AccessLogEntry.objects.all()
    returned = [record_id for e in entries for record_id in e.returned_ids]
    assert sorted(returned) == sorted(str(c.pk) for c in mine)
    assert {(e.channel, e.address, e.record_id) for e in entries} == {("export", "10.9.8.7", "")}


def test_the_report_refuses_a_unit_outside_the_line(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    other = make_customer("DIV2")
    answer = api_as("div1.manager").get("/api/v1/review/report/", {"unit": other.owning_unit_id})
    assert answer.status_code == 404
    assert AccessLogEntry.objects.count() == 0


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_list_query_count_does_not_grow_with_customers(  # type: ignore[no-untyped-def]
    api_as, make_customer, make_key_person
) -> None:
    client = api_as("hq.info")
    for customer in [make_customer("DIV1") for _ in range(5)]:
        make_key_person(customer)
    few = (
        _queries(client, "/api/v1/review/customers/"),
        _queries(client, "/api/v1/review/managers/"),
    )
    for _ in range(20):
        make_customer("DIV2")
    many = (
        _queries(client, "/api/v1/review/customers/"),
        _queries(client, "/api/v1/review/managers/"),
    )
    assert many == few


def test_the_schema_describes_the_endpoints(api_as) -> None:  # type: ignore[no-untyped-def]
    paths = api_as("div1.staff").get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in ("customers", "managers", "report"):
        assert f"/api/v1/review/{path}/" in paths
    listed = paths["/api/v1/review/customers/"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"after", "page_size", "unit", "manager"}
