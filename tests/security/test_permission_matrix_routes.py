"""A permission-matrix row for every page and endpoint: who may open it, for a record of DIV1.

Personas: a clerk of DIV1 (the record's own line), a clerk of DIV2 (another line), finance (no
customer grants) and a stranger (signed out). Records of another line are "not found", never
"forbidden" (missing and forbidden look alike); a role without the permission is refused.
The URL-coverage test (test_url_coverage.py) reads COVERS to know these rows exist.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from rest_framework.test import APIClient

from guanxi.organisation.models import Person, Unit
from tests.security.world import Planted, plant

PERSONAS = ("div1.staff", "div2.staff", "finance", None)
SIGNED_OUT_PAGE = 302  # to the login page
SIGNED_OUT_API = {401, 403}

# rule -> expected status per persona (own line, other line, no grants); signed out separately.
RULES: dict[str, dict[str | None, int]] = {
    "record": {"div1.staff": 200, "div2.staff": 404, "finance": 404},  # customer.view on line
    "change": {"div1.staff": 200, "div2.staff": 404, "finance": 404},  # customer.change on line
    "signed_in": {"div1.staff": 200, "div2.staff": 200, "finance": 200},
    "create": {"div1.staff": 200, "div2.staff": 200, "finance": 403},  # customer.create anywhere
    "export": {"div1.staff": 403, "div2.staff": 403, "finance": 403},  # managers only
    "view_role": {"div1.staff": 200, "div2.staff": 200, "finance": 403},  # customer.view at all
    "log": {"div1.staff": 403, "div2.staff": 403, "finance": 403},  # access_log.view
}

Path = Callable[[Planted], str]
PAGES: dict[str, tuple[Path, str]] = {
    "home": (lambda w: "/", "signed_in"),
    "customer-list": (lambda w: "/customers/", "view_role"),
    "customer-detail": (lambda w: f"/customers/{w.customer.pk}/", "record"),
    "contact-detail": (lambda w: f"/contacts/{w.contact.pk}/", "record"),
    "access-log": (lambda w: "/access-log/", "log"),
    "access-log-export": (lambda w: "/access-log/export.xlsx", "log"),
    "password_change": (lambda w: "/accounts/password/", "signed_in"),
    "password_change_done": (lambda w: "/accounts/password/done/", "signed_in"),
    "customer-create": (lambda w: "/customers/new/", "create"),
    "customer-edit": (lambda w: f"/customers/{w.customer.pk}/edit/", "change"),
    "contact-create": (lambda w: f"/customers/{w.customer.pk}/contacts/new/", "change"),
    "department-create": (lambda w: f"/customers/{w.customer.pk}/departments/new/", "change"),
    "dealing-create": (lambda w: f"/customers/{w.customer.pk}/dealings/new/", "change"),
    "operation-create": (lambda w: f"/customers/{w.customer.pk}/operations/new/", "change"),
    "contact-edit": (lambda w: f"/contacts/{w.contact.pk}/edit/", "change"),
    "relationship-edit": (lambda w: f"/contacts/{w.contact.pk}/relationship/", "change"),
    "customer-import": (lambda w: "/customers/import/", "create"),
    "customer-import-template": (lambda w: "/customers/import/template.xlsx", "create"),
    "customer-export": (lambda w: "/customers/export.xlsx", "export"),
    "archive-review": (lambda w: "/review/", "view_role"),
    "archive-review-report": (lambda w: "/review/report.xlsx", "export"),
    "history-customer": (lambda w: f"/history/customer/{w.customer.pk}/", "record"),
}
API: dict[str, tuple[Path, str]] = {
    "api:me": (lambda w: "/api/v1/me/", "signed_in"),
    "api:api-root": (lambda w: "/api/v1/", "signed_in"),
    "api:customer-list": (lambda w: "/api/v1/customers/", "signed_in"),
    "api:customer-detail": (lambda w: f"/api/v1/customers/{w.customer.pk}/", "record"),
    "api:unit-list": (lambda w: "/api/v1/units/", "signed_in"),
    "api:unit-detail": (lambda w: f"/api/v1/units/{w.customer.owning_unit_id}/", "signed_in"),
    "api:person-list": (lambda w: "/api/v1/people/", "signed_in"),
    "api:person-detail": (lambda w: f"/api/v1/people/{w.summary.author_id}/", "signed_in"),
    "api:membership-list": (lambda w: "/api/v1/memberships/", "signed_in"),
    "api:access-log-list": (lambda w: "/api/v1/access-log/", "log"),
    "api:customer-department-list": (lambda w: "/api/v1/customer-departments/", "signed_in"),
    "api:customer-department-detail": (
        lambda w: f"/api/v1/customer-departments/{w.department.pk}/",
        "record",
    ),
    "api:contact-list": (lambda w: "/api/v1/contacts/", "signed_in"),
    "api:contact-detail": (lambda w: f"/api/v1/contacts/{w.contact.pk}/", "record"),
    "api:relationship-list": (lambda w: "/api/v1/relationships/", "signed_in"),
    "api:relationship-detail": (
        lambda w: f"/api/v1/relationships/{w.relationship.pk}/",
        "record",
    ),
    "api:dealing-list": (lambda w: "/api/v1/dealings/", "signed_in"),
    "api:dealing-detail": (lambda w: f"/api/v1/dealings/{w.dealing.pk}/", "record"),
    "api:contract-summary-list": (lambda w: "/api/v1/contract-summaries/", "signed_in"),
    "api:contract-summary-detail": (
        lambda w: f"/api/v1/contract-summaries/{w.summary.pk}/",
        "record",
    ),
    "api:operation-list": (lambda w: "/api/v1/operations/", "signed_in"),
    "api:operation-detail": (lambda w: f"/api/v1/operations/{w.operation.pk}/", "record"),
    "api:market-report-list": (lambda w: "/api/v1/market-reports/", "signed_in"),
    "api:market-report-detail": (lambda w: f"/api/v1/market-reports/{w.report.pk}/", "record"),
    "api:personal-data-request-list": (lambda w: "/api/v1/personal-data-requests/", "signed_in"),
    "api:personal-data-request-detail": (
        lambda w: f"/api/v1/personal-data-requests/{w.request.pk}/",
        "record",
    ),
    "api:customer-import-template": (lambda w: "/api/v1/customers/import-template/", "create"),
    "api:customer-export": (lambda w: "/api/v1/customers/export/", "export"),
    "api:review-customers": (lambda w: "/api/v1/review/customers/", "view_role"),
    "api:review-managers": (lambda w: "/api/v1/review/managers/", "view_role"),
    "api:review-report": (lambda w: "/api/v1/review/report/", "export"),
    "api:history-list": (lambda w: f"/api/v1/history/?customer={w.customer.pk}", "signed_in"),
}
# Write-only routes: the row is the POST a stranger or another line tries.
API_POSTS: dict[str, tuple[Path, str]] = {
    "api:customer-import-list": (lambda w: "/api/v1/customer-imports/", "create"),
    "api:customer-import-apply": (lambda w: "/api/v1/customer-imports/999999/apply/", "missing"),
    "api:personal-data-request-complete": (
        lambda w: f"/api/v1/personal-data-requests/{w.request.pk}/complete/",
        "record",
    ),
    "api:membership-detail": (lambda w: "/api/v1/memberships/999999/", "missing"),
}
COVERS = dict.fromkeys((*PAGES, *API, *API_POSTS), "test_every_route_answers_each_persona")
LISTED = {  # list routes whose rows must show the DIV1 record only to its own line
    "customer-list": "customer",
    "api:customer-list": "customer",
    "api:customer-department-list": "department",
    "api:contact-list": "contact",
    "api:relationship-list": "relationship",
    "api:dealing-list": "dealing",
    "api:contract-summary-list": "summary",
    "api:operation-list": "operation",
    "api:market-report-list": "report",
    "api:personal-data-request-list": "request",
    "api:history-list": "customer",
}


@pytest.fixture
def planted(people: dict[str, Person], units: dict[str, Unit]) -> Planted:
    return plant(actor=people["hq.manager"], unit=units["DIV1"], marker="矩阵甲", code_seed=11)


def page_client(people: dict[str, Person], who: str | None) -> Client:
    client = Client()
    if who:
        client.force_login(people[who])
    return client


def api_client(people: dict[str, Person], who: str | None) -> APIClient:
    client = APIClient()
    if who:
        client.force_authenticate(people[who])
    return client


def shows(answer: object, planted: Planted, attribute: str) -> bool:
    record = getattr(planted, attribute)
    content = getattr(answer, "content", b"").decode(errors="replace")
    if "/api/" in str(getattr(answer, "request", {}).get("PATH_INFO", "")):
        return f'"id":{record.pk},' in content.replace(" ", "")
    return str(getattr(record, "name", "")) in content


def page_row(name: str, who: str | None, people, planted: Planted) -> str | None:  # type: ignore[no-untyped-def]
    path, rule = PAGES[name]
    answer = page_client(people, who).get(path(planted))
    expected = SIGNED_OUT_PAGE if who is None else RULES[rule][who]
    if answer.status_code != expected:
        return f"{name}: {answer.status_code}, expected {expected}"
    listed_wrongly = name in LISTED and answer.status_code == 200
    if listed_wrongly and shows(answer, planted, LISTED[name]) != (who == "div1.staff"):
        return f"{name}: the DIV1 record is shown wrongly"
    return None


def api_row(name: str, who: str | None, people, planted: Planted) -> str | None:  # type: ignore[no-untyped-def]
    path, rule = API[name]
    answer = api_client(people, who).get(path(planted))
    expected = SIGNED_OUT_API if who is None else {RULES[rule][who]}
    if answer.status_code not in expected:
        return f"{name}: {answer.status_code}, expected {expected}"
    listed_wrongly = name in LISTED and answer.status_code == 200
    if listed_wrongly and shows(answer, planted, LISTED[name]) != (who == "div1.staff"):
        return f"{name}: the DIV1 record is shown wrongly"
    return None


def api_write_row(name: str, who: str | None, people, planted: Planted) -> str | None:  # type: ignore[no-untyped-def]
    path, rule = API_POSTS[name]
    client = api_client(people, who)
    target = path(planted)
    answer = client.delete(target) if "membership" in name else client.post(target, {})
    if who is None:
        expected = SIGNED_OUT_API
    elif rule == "missing":
        expected = {403, 404}
    elif rule == "record":
        expected = {403 if who == "div1.staff" else 404}
    else:
        expected = {400 if RULES[rule][who] == 200 else 403}
    if answer.status_code not in expected:
        return f"{name}: {answer.status_code}, expected {expected}"
    return None


@pytest.mark.parametrize("who", PERSONAS)
def test_every_route_answers_each_persona_as_the_matrix_says(  # type: ignore[no-untyped-def]
    who: str | None, people, planted: Planted
) -> None:
    wrong = [
        *(page_row(name, who, people, planted) for name in sorted(PAGES)),
        *(api_row(name, who, people, planted) for name in sorted(API)),
        *(api_write_row(name, who, people, planted) for name in sorted(API_POSTS)),
    ]
    assert [row for row in wrong if row] == []
