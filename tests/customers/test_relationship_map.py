"""The relationship map says what it shows (CUS-4): fixed positions, colours by state, shapes by
buying role, a legend for both, and people's names embedded as data, never as markup."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from faker import Faker

from guanxi.customers import archive
from guanxi.customers.models import Relationship
from guanxi.customers.relationship_map import ROLE_SYMBOLS, STATE_COLOURS, relationship_graph

pytestmark = pytest.mark.django_db
fake = Faker("zh_CN")
MARKUP_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def mapped(people, make_customer, make_key_person):  # type: ignore[no-untyped-def]
    """A customer with four key persons in four states and roles, held by two of our people."""
    customer = make_customer("DIV1")
    plan = [
        ("decision_maker", "positive"),
        ("advisor", "neutral"),
        ("blocker", "negative"),
        ("supporter", "none"),
    ]
    for role, state in plan:
        contact = make_key_person(customer, name=fake.name())
        archive.relationship_set(
            actor=people["hq.manager"],
            contact=contact,
            buying_role=role,
            state=state,
            holders=[people["div1.manager"], people["div1.staff"]],
            version=contact.relationship.version,
        )
    return customer


def _relationships(customer, order: str):  # type: ignore[no-untyped-def]
    return list(
        Relationship.objects.filter(contact__customer=customer)
        .select_related("contact__department")
        .prefetch_related("holders")
        .order_by(order)
    )


def test_the_same_archive_gives_the_same_picture_whatever_order_it_is_read_in(mapped) -> None:  # type: ignore[no-untyped-def]
    forward = relationship_graph(_relationships(mapped, "id"), language="zh-hans")
    backward = relationship_graph(_relationships(mapped, "-id"), language="zh-hans")
    assert forward == backward
    positions = [(n["x"], n["y"]) for n in forward["nodes"]]  # type: ignore[index, attr-defined]
    assert len(set(positions)) == len(positions) == 6  # four key persons, two of our people


def test_a_node_is_coloured_by_state_and_shaped_by_buying_role(mapped) -> None:  # type: ignore[no-untyped-def]
    graph = relationship_graph(_relationships(mapped, "id"), language="zh-hans")
    categories = graph["categories"]
    by_role = {n["roleLabel"]: n for n in graph["nodes"] if n["roleLabel"]}  # type: ignore[attr-defined]
    decision_maker = by_role["决策者"]
    assert decision_maker["symbol"] == ROLE_SYMBOLS["decision_maker"][0]
    assert categories[decision_maker["category"]] == {  # type: ignore[index]
        "name": "积极",
        "itemStyle": {"color": STATE_COLOURS["positive"]},
    }
    blocker = by_role["阻拦者"]
    assert blocker["symbol"] == ROLE_SYMBOLS["blocker"][0]
    assert categories[blocker["category"]]["name"] == "悲观"  # type: ignore[index]
    ours = [n for n in graph["nodes"] if n["id"].startswith("p")]  # type: ignore[attr-defined]
    assert {categories[n["category"]]["name"] for n in ours} == {"我方人员"}  # type: ignore[index]
    assert len(graph["links"]) == 8  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("language", "states", "roles"),
    [
        (
            "zh-hans",
            ["积极", "中立", "悲观", "尚未建立关系", "我方人员"],
            ["决策者", "顾问人员", "使用者", "阻拦者", "支持者", "我方人员"],
        ),
        (
            "en",
            ["positive", "neutral", "negative", "none yet", "Our people"],
            ["decision maker", "advisor", "user", "blocker", "supporter", "Our people"],
        ),
    ],
)
def test_the_page_legend_names_every_state_and_buying_role(  # type: ignore[no-untyped-def]
    mapped, page_as, language: str, states: list[str], roles: list[str]
) -> None:
    client = page_as("div1.staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/customers/{mapped.pk}/").content.decode()
    legend_states = _section(page, "map-legend-states")
    legend_roles = _section(page, "map-legend-roles")
    for label in states:
        assert label in legend_states
    for label in roles:
        assert label in legend_roles
    for colour in STATE_COLOURS.values():
        assert colour in legend_states


def _section(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</div>', page, re.S)
    assert match, testid
    return match.group(1)


def test_a_name_that_looks_like_markup_is_embedded_as_inert_data(  # type: ignore[no-untyped-def]
    people, page_as, make_customer, make_key_person
) -> None:
    customer = make_customer("DIV1")
    contact = make_key_person(customer, name=MARKUP_NAME)
    archive.contact_update(
        actor=people["hq.manager"],
        contact=contact,
        version=contact.version,
        position='"><script>alert(2)</script>',
    )
    page = page_as("div1.staff").get(f"/customers/{customer.pk}/").content.decode()
    assert "<img src=x" not in page
    assert "<script>alert" not in page
    embedded = re.search(
        r'<script id="relationship-graph" type="application/json">(.*?)</script>', page, re.S
    )
    assert embedded is not None
    assert "\\u003Cimg" in embedded.group(1)
    names = {node["name"] for node in json.loads(embedded.group(1))["nodes"]}
    assert MARKUP_NAME in names
