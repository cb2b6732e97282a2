"""Permission matrix for contact reports, the customer's timeline and the next contact date
(ACT-4, CUS-14).

role × relation of the customer's unit to the person's unit × action, written out by hand
from the grants in policies/cosl.toml; checked through pages and the API. Missing and
forbidden both answer 404; allowed-to-see but not-to-change answers 403.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from guanxi.contactreports import services
from guanxi.customers import archive
from tests.test_permission_matrix import CASES, DOWN, NONE, RELATIONS, persona

COVERS = {
    "api:contact-report-list": "report (list scoped like detail)",
    "api:contact-report-detail": "report / report_change",
    "api:next-contact-list": "customer",
    "api:next-contact-detail": "customer",
    "api:customer-timeline": "customer",
    "contactreports:report-list": "page: report",
    "contactreports:report-create": "report_change",
    "contactreports:report-detail": "report",
    "contactreports:report-edit": "report / report_change",
    "contactreports:customer-timeline": "customer",
    "contactreports:timeline-section": "customer",
    "contactreports:next-contact": "customer / next_contact",
}

READER = {"report": DOWN, "report_change": NONE, "next_contact": NONE, "customer": DOWN}
WRITER = {"report": DOWN, "report_change": DOWN, "next_contact": NONE, "customer": DOWN}
MANAGER = {"report": DOWN, "report_change": DOWN, "next_contact": DOWN, "customer": DOWN}
OUTSIDER = {"report": NONE, "report_change": NONE, "next_contact": NONE, "customer": NONE}
MATRIX: dict[str, dict[str, set[str]]] = {
    "staff": WRITER,
    "customer_manager": MANAGER,
    "info_admin": WRITER,
    "manager": MANAGER,
    "executive": READER,
    "finance": OUTSIDER,
    "auditor": OUTSIDER,
    "admin": OUTSIDER,
}


def allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = MATRIX[role][action]
    return bool(rows) if home == "HQ" else relation in rows


def outcome(ok: int, change: bool, sees: bool) -> int:
    return ok if change else 403 if sees else 404


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(MATRIX)


@pytest.fixture
def reported(people, make_customer):  # type: ignore[no-untyped-def]
    def make(code: str):  # type: ignore[no-untyped-def]
        customer = make_customer(code)
        person = archive.contact_create(
            actor=people["hq.manager"], customer=customer, name="周建华", is_key=True
        )
        report = services.contact_report_create(
            actor=people["hq.manager"],
            customer=customer,
            key_persons=[person],
            kind="call",
            contacted_on=date(2025, 5, 12),
            summary="电话沟通作业安排",
        )
        return customer, person, report

    return make


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_contactreports_matrix(role, home, relation, units, reported, client) -> None:  # type: ignore[no-untyped-def]
    customer, person, report = reported(RELATIONS[home][relation])
    me = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(me)
    client.force_login(me)

    sees = allowed(role, "report", home, relation)
    assert api.get(f"/api/v1/contact-reports/{report.pk}/").status_code == (200 if sees else 404)
    assert client.get(f"/contact-reports/{report.pk}/").status_code == (200 if sees else 404)
    listed = api.get("/api/v1/contact-reports/")
    ids = {r["id"] for r in listed.json()["results"]} if listed.status_code == 200 else set()
    assert (report.pk in ids) == sees
    change = api.patch(
        f"/api/v1/contact-reports/{report.pk}/", {"summary": "改", "version": 1}, format="json"
    )
    assert change.status_code == outcome(200, allowed(role, "report_change", home, relation), sees)
    made = api.post(
        "/api/v1/contact-reports/",
        {
            "customer": customer.pk,
            "kind": "meeting",
            "contacted_on": "2025-06-01",
            "key_persons": [person.pk],
            "summary": "会面",
        },
        format="json",
    )
    if allowed(role, "report_change", home, relation):
        assert made.status_code == 201, made.content
    else:
        assert made.status_code in {400, 403, 404}

    sees_customer = allowed(role, "customer", home, relation)
    assert api.get(f"/api/v1/customers/{customer.pk}/timeline/").status_code == (
        200 if sees_customer else 404
    )
    assert client.get(f"/customers/{customer.pk}/timeline/").status_code == (
        200 if sees_customer else 404
    )
    soon = (timezone.localdate() + timedelta(days=10)).isoformat()
    set_next = api.post(
        "/api/v1/next-contacts/",
        {"customer": customer.pk, "next_contact_on": soon, "version": 0},
        format="json",
    )
    if allowed(role, "next_contact", home, relation):
        assert set_next.status_code == 201, set_next.content
    else:
        assert set_next.status_code in {400, 403, 404}


ROUTE_CASES = [
    ("manager", "DIV1", "own"),
    ("manager", "DIV1", "parent"),
    ("customer_manager", "DIV1", "child"),
    ("customer_manager", "DIV1", "sibling"),
    ("staff", "DIV1", "own"),
    ("staff", "DIV1", "branch"),
    ("executive", "HQ", "own"),
    ("finance", "DIV1", "own"),
    ("auditor", "HQ", "own"),
    ("admin", "DIV1", "own"),
]


@pytest.mark.parametrize(("role", "home", "relation"), ROUTE_CASES)
def test_contactreports_routes(role, home, relation, units, reported, client) -> None:  # type: ignore[no-untyped-def]
    customer, _person, report = reported(RELATIONS[home][relation])
    me = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(me)
    client.force_login(me)
    sees = allowed(role, "report", home, relation)
    change = allowed(role, "report_change", home, relation)
    sees_customer = allowed(role, "customer", home, relation)
    holds_view, holds_change = bool(MATRIX[role]["report"]), bool(MATRIX[role]["report_change"])

    assert client.get("/contact-reports/").status_code == (200 if holds_view else 403)
    assert client.get("/contact-reports/new/").status_code == (200 if holds_change else 403)
    create = client.get(f"/contact-reports/new/?customer={customer.pk}").status_code
    assert create == (200 if change else 403 if not holds_change else 404)
    edit = client.get(f"/contact-reports/{report.pk}/edit/").status_code
    assert edit == outcome(200, change, sees)
    section = client.get(f"/customers/{customer.pk}/timeline/section/").status_code
    assert section == (200 if sees_customer else 404)
    next_page = client.get(f"/customers/{customer.pk}/next-contact/").status_code
    assert next_page == outcome(200, allowed(role, "next_contact", home, relation), sees_customer)
    listed = api.get("/api/v1/next-contacts/")
    assert listed.status_code == 200
    detail = api.get(f"/api/v1/next-contacts/{customer.pk}/")
    assert detail.status_code == 404  # none set yet: missing looks like forbidden
