"""GET /api/v1/customers/ with q, tier, industry, manager, unit and ordering (CUS-10)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from guanxi.customers import archive
from guanxi.customers.models import Customer
from guanxi.customers.services import customer_update
from guanxi.organisation.models import Person, Unit

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"


@pytest.fixture
def world(make_customer: Callable[..., Customer], people: dict[str, Person]) -> dict[str, Customer]:
    made = {
        "cnooc": make_customer("DIV1", name="中海油田服务股份有限公司", tier="strategic"),
        "port": make_customer("BASE11", name="天津港湾工程有限公司", tier="ordinary"),
        "marker": make_customer("DIV2", name="标记客户乙有限公司", tier="strategic"),
    }
    made["port"] = customer_update(
        actor=people["hq.manager"],
        customer=made["port"],
        version=made["port"].version,
        industry="partner",
        manager=people["div1.cm"],
    )
    archive.contact_create(
        actor=people["hq.manager"], customer=made["cnooc"], name="欧阳建华", mobile="13920018866"
    )
    archive.contact_create(
        actor=people["hq.manager"], customer=made["marker"], name="欧阳标记", mobile="13920019999"
    )
    return made


def listed(client: APIClient, **params: Any) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("油田", ["中海油田服务股份有限公司"]),
        ("zhyt", ["中海油田服务股份有限公司"]),
        ("tianjingang", ["天津港湾工程有限公司"]),
        ("欧阳", ["中海油田服务股份有限公司"]),
        ("oyjh", ["中海油田服务股份有限公司"]),
        ("8866", ["中海油田服务股份有限公司"]),
        ("1392001", ["中海油田服务股份有限公司"]),
        ("9999", []),
        ("标记", []),
    ],
)
def test_the_search_finds_what_the_reader_may_see_and_nothing_else(
    query: str,
    found: list[str],
    world: dict[str, Customer],
    api_as: Callable[[str], APIClient],
) -> None:
    assert listed(api_as("div1.staff"), q=query) == found


def test_each_filter_narrows_the_list(
    world: dict[str, Customer],
    api_as: Callable[[str], APIClient],
    people: dict[str, Person],
    units: dict[str, Unit],
) -> None:
    hq = api_as("hq.manager")
    assert listed(hq, tier="strategic") == [world["marker"].name, world["cnooc"].name]
    assert listed(hq, industry="partner") == [world["port"].name]
    assert listed(hq, manager=people["div1.cm"].pk) == [world["port"].name]
    assert listed(hq, unit=units["DIV1"].pk) == [world["port"].name, world["cnooc"].name]
    assert listed(hq, unit=units["DIV1"].pk, tier="strategic", q="zh") == [world["cnooc"].name]


def test_ordering_by_name_and_by_tier(
    world: dict[str, Customer], api_as: Callable[[str], APIClient]
) -> None:
    hq = api_as("hq.manager")
    by_name = listed(hq, ordering="name")
    assert by_name == ["标记客户乙有限公司", "天津港湾工程有限公司", "中海油田服务股份有限公司"]
    assert listed(hq, ordering="tier")[-1] == "天津港湾工程有限公司"


@pytest.mark.parametrize("ordering", ["newest", "name", "tier"])
def test_the_next_link_walks_every_row_once(
    ordering: str,
    world: dict[str, Customer],
    make_customer: Callable[..., Customer],
    api_as: Callable[[str], APIClient],
) -> None:
    for i in range(5):
        make_customer("DIV1", name=f"华北钻探{i}号有限公司", tier=["vip", "ordinary"][i % 2])
    client = api_as("hq.manager")
    response = client.get(URL, {"ordering": ordering, "page_size": 2})
    seen: list[int] = []
    while True:
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        assert "cursor=" in body["next"]
        response = client.get(body["next"])
    assert len(seen) == len(set(seen)) == Customer.objects.count()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"ordering": "credit_code"}, "ordering"),
        ({"unit": "abc"}, "unit"),
        ({"manager": "-1"}, "manager"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(
    params: dict[str, str],
    field: str,
    world: dict[str, Customer],
    api_as: Callable[[str], APIClient],
) -> None:
    response = api_as("hq.manager").get(URL, params)
    assert response.status_code == 400
    assert field in response.json().get("errors", response.json()) or field in str(response.json())


def test_a_tampered_cursor_gives_the_first_page(
    world: dict[str, Customer], api_as: Callable[[str], APIClient]
) -> None:
    response = api_as("hq.manager").get(URL, {"cursor": "not-a-cursor", "ordering": "name"})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_the_search_parameters_are_in_the_openapi_schema(
    api_as: Callable[[str], APIClient],
) -> None:
    schema = api_as("hq.manager").get("/api/schema/", {"format": "json"}).json()
    names = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"q", "tier", "industry", "manager", "unit", "ordering", "cursor"} <= names
