"""The read register over the API: record_ids and query on every entry, the page's filters."""

from __future__ import annotations

import pytest

from guanxi.access.lists import register_list
from guanxi.access.models import Channel
from guanxi.access.register import register_read

pytestmark = pytest.mark.django_db
URL = "/api/v1/access-log/"


def test_entries_show_record_ids_and_query(api_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    a, b = make_customer("DIV1"), make_customer("DIV1")
    register_read(actor=people["div1.staff"], obj=a, channel=Channel.PAGE)
    register_list(
        actor=people["div1.staff"], objects=[a, b], channel=Channel.API, query={"q": "钻"}
    )
    rows = api_as("auditor").get(URL).json()["results"]
    listed, single = rows
    assert listed["record_id"] == ""
    assert listed["record_ids"] == [str(a.pk), str(b.pk)]
    assert listed["query"] == '{"q":"钻"}'
    assert single["record_id"] == str(a.pk)
    assert single["record_ids"] == []
    assert single["query"] is None


def test_filters(api_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    a, b = make_customer("DIV1"), make_customer("DIV1")
    register_read(actor=people["div1.staff"], obj=a, channel=Channel.PAGE)
    register_read(actor=people["div1.cm"], obj=b, channel=Channel.PAGE)
    register_list(actor=people["div1.cm"], objects=[b, a], channel=Channel.API, query="x")
    api = api_as("auditor")

    def seen(**params):  # type: ignore[no-untyped-def]
        answer = api.get(URL, params)
        assert answer.status_code == 200, answer.content
        return sorted(
            (r["username"], r["record_id"], r["channel"]) for r in answer.json()["results"]
        )

    assert seen(reader="刘洋") == [("div1.staff", str(a.pk), "page")]
    assert seen(record_type="customers.customer", record_id=a.pk) == [
        ("div1.cm", "", "api"),
        ("div1.staff", str(a.pk), "page"),
    ]
    assert seen(channel="api") == [("div1.cm", "", "api")]
    assert len(seen(date_from="2000-01-01", date_to="2999-12-31")) == 3
    assert seen(date_to="2000-01-01") == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("record_id", "abc"),
        ("record_id", "1e3"),
        ("record_id", "99999999999999999999999"),
        ("record_id", "0"),
        ("date_from", "2026-13-01"),
        ("date_to", "yesterday"),
        ("channel", "smoke"),
    ],
)
def test_nonsense_is_a_400_naming_the_parameter(api_as, name: str, value: str) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("auditor").get(URL, {name: value})
    assert answer.status_code == 400
    assert name in answer.json()


def test_staff_are_refused(api_as) -> None:  # type: ignore[no-untyped-def]
    assert api_as("div1.staff").get(URL).status_code == 403


def test_the_schema_documents_the_filters(api_as) -> None:  # type: ignore[no-untyped-def]
    schema = api_as("auditor").get("/api/schema/", {"format": "json"})
    if schema.status_code != 200:
        schema = api_as("auditor").get("/api/v1/schema/", {"format": "json"})
    params = {p["name"] for p in schema.json()["paths"]["/api/v1/access-log/"]["get"]["parameters"]}
    assert {"reader", "record_type", "record_id", "channel", "date_from", "date_to"} <= params
