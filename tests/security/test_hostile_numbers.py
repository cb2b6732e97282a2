"""Numbers no database holds, on every list page and API list: nothing changes, nothing breaks.

Generated, not listed: the pages are every route of the URL map without path parameters, the
API lists every GET operation of the OpenAPI document. Each gets ids beyond the 64-bit range,
negatives, exponents and digits that are not ASCII ("²"), as a person of another line (who must
never see the planted DIV1 records) and as headquarters (who sees every code path). A page drops
such a filter and answers as without it; the API refuses a documented whole-number parameter
with 400 naming it in the reader's language. Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from guanxi.organisation.models import Person, Unit
from tests.security.world import Planted, plant

HOSTILE = ("99999999999999999999", "9223372036854775808", "-1", "-1e30", "²", "1.5")
# Every whole-number name a page or the API reads from a query string.
NUMBER_NAMES = (
    "after",
    "waiting_after",
    "unit",
    "customer",
    "manager",
    "plan",
    "year",
    "campaign",
    "version",
    "page_size",
)
NOT_PAGES = ("api/", "admin/", "i18n/", "static/", "accounts/log", "healthz", "readyz", "metrics")
MARKER = "越界甲"
ROLES = ("div2.staff", "hq.manager")


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def list_pages() -> list[str]:
    """Every page route without path parameters: the lists, searches, exports and forms."""
    plain = {r for r in _routes(get_resolver().url_patterns) if "<" not in r and "^" not in r}
    return sorted("/" + r for r in plain if not r.startswith(NOT_PAGES))


def api_lists() -> dict[str, list[str]]:
    """GET operations of the API without path parameters -> their whole-number parameters."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    found: dict[str, list[str]] = {}
    for path, operations in document["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        parameters = operations["get"].get("parameters", [])
        found[path] = [
            p["name"]
            for p in parameters
            if p.get("in") == "query" and p.get("schema", {}).get("type") == "integer"
        ]
    return found


@pytest.fixture
def planted(people: dict[str, Person], units: dict[str, Unit]) -> Planted:
    return plant(actor=people["hq.manager"], unit=units["DIV1"], marker=MARKER, code_seed=23)


def _leaks(who: str, content: bytes) -> bool:
    return who == "div2.staff" and MARKER in content.decode(errors="replace")


def test_the_generators_find_the_lists() -> None:
    pages, lists = list_pages(), api_lists()
    assert {"/customers/", "/access-log/", "/plans/", "/keycustomers/visits/"} <= set(pages)
    assert {"/api/v1/customers/", "/api/v1/plans/", "/api/v1/contacts/"} <= set(lists)
    assert "unit" in lists["/api/v1/customers/"]


@pytest.mark.parametrize("who", ROLES)
def test_every_page_drops_a_number_no_database_holds(
    who: str, people: dict[str, Person], planted: Planted
) -> None:
    client = Client()
    client.force_login(people[who])
    wrong: list[str] = []
    for path in list_pages():
        plain = client.get(path).status_code
        for value in HOSTILE:
            answer = client.get(path, dict.fromkeys(NUMBER_NAMES, value))
            if answer.status_code != plain or _leaks(who, answer.content):
                wrong.append(f"{path} ={value}: {answer.status_code}, plain {plain}")
    assert wrong == []


@pytest.mark.parametrize("who", ROLES)
def test_every_api_list_refuses_a_number_no_database_holds(
    who: str, people: dict[str, Person], planted: Planted
) -> None:
    client = APIClient()
    client.force_authenticate(people[who])
    wrong: list[str] = []
    for path, numbers in api_lists().items():
        plain = client.get(path).status_code
        for value in HOSTILE:
            for name in numbers:  # documented as a whole number: refused by name
                answer = client.get(path, {name: value}, HTTP_ACCEPT_LANGUAGE="zh-hans")
                refused = answer.status_code == 400 and name in answer.json()
                broken = answer.status_code >= 500 or _leaks(who, answer.content)
                if broken or (plain == 200 and not refused):
                    wrong.append(f"{path}?{name}={value}: {answer.status_code}")
            answer = client.get(path, dict.fromkeys(NUMBER_NAMES, value))
            if answer.status_code >= 500 or _leaks(who, answer.content):
                wrong.append(f"{path} all ={value}: {answer.status_code}")
    assert wrong == []


def _refusal(client: APIClient, language: str) -> Any:
    answer = client.get(
        "/api/v1/customers/", {"unit": "99999999999999999999"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert answer.status_code == 400
    return answer.json()["unit"][0]


def test_the_refusal_speaks_the_readers_language(api_as) -> None:  # type: ignore[no-untyped-def]
    client = api_as("hq.manager")
    assert _refusal(client, "zh-hans") == "请填写记录的编号（整数）。"
    assert _refusal(client, "en") == "Give the id of a record, a whole number."


def test_a_year_filter_outside_the_plan_years_names_the_range(api_as) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("hq.manager").get(
        "/api/v1/customer-plans/", {"year": "20260101"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert answer.json() == {"year": ["Give a whole number from 2000 to 2100."]}


@pytest.mark.parametrize("who", ROLES)
def test_detail_routes_answer_not_found_for_ids_beyond_the_range(
    who: str, people: dict[str, Person], planted: Planted
) -> None:
    page, api = Client(), APIClient()
    page.force_login(people[who])
    api.force_authenticate(people[who])
    wrong = []
    for route in _routes(get_resolver().url_patterns):
        numbered = "<int:" in route or "(?P<pk>" in route
        if not numbered or "format" in route or route.startswith(NOT_PAGES[1:]):
            continue
        path = "/" + _with_ids(route, "99999999999999999999")
        answer = (api if path.startswith("/api/") else page).get(path)
        if answer.status_code >= 500:
            wrong.append(f"{path}: {answer.status_code}")
    assert wrong == []


def _with_ids(route: str, value: str) -> str:
    """A path of `route` with every id `value` (Django converters and the router's regexes)."""
    filled = re.sub(r"<int:[a-z_]+>|\(\?P<[a-z_]+>[^)]*\)", value, route)
    return re.sub(r"<(?:str:|slug:)?[a-z_]+>", "x", filled).replace("^", "").replace("$", "")
