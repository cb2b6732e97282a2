"""Permission matrix for improvement proposals, the company plan, forwarded opinions and the
relationship risk warnings (ACT-7, DEM-5).

role × relation of the record's unit to the person's unit × action, written out by hand from
the grants in policies/cosl.toml; checked through pages and the API. Missing and forbidden both
answer 404; allowed-to-see but not-to-do answers 403. A refused request registers nothing.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from guanxi.access.models import AccessLogEntry
from guanxi.improvements import services
from guanxi.improvements.models import ProposalStatus
from guanxi.risk.refresh import refresh
from tests.feedback.conftest import make_activity, make_record  # noqa: F401 - fixtures
from tests.improvements.conftest import low_form, make_proposal  # noqa: F401 - fixtures
from tests.test_permission_matrix import CASES, DOWN, NONE, RELATIONS, persona

COVERS = {
    "api:improvement-proposal-list": "view (list scoped like detail)",
    "api:improvement-proposal-detail": "view / change",
    "api:improvement-proposal-submit": "change",
    "api:improvement-proposal-accept": "consolidate at HQ",
    "api:improvement-proposal-return": "consolidate at HQ",
    "api:improvement-plan-list": "view (years only, no customer data)",
    "api:improvement-plan-detail": "view (years only, no customer data)",
    "api:improvement-plan-item-list": "view by department",
    "api:improvement-plan-item-detail": "view by department",
    "api:improvement-plan-item-progress": "change in the department, or HQ",
    "api:improvement-plan-item-assign": "consolidate at HQ",
    "api:forwarded-opinion-list": "view by department",
    "api:forwarded-opinion-detail": "view by department",
    "api:forwarded-opinion-answer": "change in the department",
    "api:risk-signal-list": "risk",
    "api:risk-signal-detail": "risk",
    "improvements:proposal-list": "page: view",
    "improvements:proposal-create": "change (from a form one sees)",
    "improvements:proposal-detail": "page: view",
    "improvements:proposal-edit": "view / change",
    "improvements:proposal-submit": "view / change",
    "improvements:proposal-decide": "view / consolidate at HQ",
    "improvements:plan": "page: view",
    "improvements:item-create": "consolidate at HQ",
    "improvements:item-progress": "view / change in the department",
    "improvements:item-assign": "view / consolidate at HQ",
    "improvements:opinion-list": "page: view",
    "improvements:opinion-forward": "consolidate over the seminar's unit",
    "improvements:opinion-answer": "view / change in the department",
    "risk:risk-list": "page: risk",
    "risk:customer-panel": "customer page: risk",
}

ACTIONS = ("view", "change", "risk")
EVERY = dict.fromkeys(ACTIONS, DOWN)
NOTHING = dict.fromkeys(ACTIONS, NONE)
MATRIX: dict[str, dict[str, set[str]]] = {
    "staff": EVERY,
    "customer_manager": EVERY,
    "manager": EVERY,
    "info_admin": {**EVERY, "change": NONE},
    "executive": {**EVERY, "change": NONE},
    "finance": NOTHING,
    "auditor": NOTHING,
    "admin": NOTHING,
}


def allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = MATRIX[role][action]
    return bool(rows) if home == "HQ" else relation in rows


def _filler(code: str, units):  # type: ignore[no-untyped-def]
    """A staff member of the executing unit: only it fills its forms in (000 §22)."""
    from guanxi.organisation.services import membership_create, person_create

    person = person_create(actor=None, username=f"fill.{code}".lower(), display_name="赵磊")
    membership_create(actor=None, person=person, unit=units[code], role="staff")
    return person


def _last() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(MATRIX)


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_improvements_matrix(role, home, relation, people, units, low_form, client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    code = RELATIONS[home][relation]
    filler = _filler(code, units)
    people[filler.username] = filler
    record = low_form(unit=code, by=filler.username)
    proposal = services.proposal_create(
        actor=people["hq.manager"],
        unit=units[code],
        sources=services.suggested_sources(record),
        title="提升反应速度",
        problem="反应速度差",
        measures="优化流程",
    )
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    sees = allowed(role, "view", home, relation)
    before = _last()
    assert api.get(f"/api/v1/improvement-proposals/{proposal.pk}/").status_code == (
        200 if sees else 404
    )
    assert client.get(f"/improvement-proposals/{proposal.pk}/").status_code == (
        200 if sees else 404
    )
    if not sees:
        assert _last() == before
    listed = api.get("/api/v1/improvement-proposals/")
    ids = {r["id"] for r in listed.json()["results"]} if listed.status_code == 200 else set()
    assert (proposal.pk in ids) == sees

    before = _last()
    submit = api.post(
        f"/api/v1/improvement-proposals/{proposal.pk}/submit/", {"version": 1}, format="json"
    )
    if allowed(role, "change", home, relation):
        assert submit.status_code == 200, submit.content
    else:
        assert submit.status_code == (403 if sees else 404)
        assert _last() == before
    proposal.refresh_from_db()

    accept = api.post(
        f"/api/v1/improvement-proposals/{proposal.pk}/accept/",
        {"version": proposal.version, "department": units[code].pk},
        format="json",
    )
    if not sees:
        assert accept.status_code == 404
    elif role == "manager" and home == "HQ":
        assert accept.status_code == 201 if proposal.status == ProposalStatus.SUBMITTED else 400
    else:
        assert accept.status_code == 403


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_risk_matrix(role, home, relation, units, make_customer, client) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from django.utils import timezone

    from guanxi.customers.models import Customer

    code = RELATIONS[home][relation]
    customer = make_customer(code, tier="vip")
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=400))
    refresh()
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    sees = allowed(role, "risk", home, relation)
    before = _last()
    detail = api.get(f"/api/v1/risk-signals/{customer.pk}/")
    assert detail.status_code == (200 if sees else 404)
    if not sees:
        assert _last() == before
    listed = api.get("/api/v1/risk-signals/")
    ids = {r["customer"] for r in listed.json()["results"]} if listed.status_code == 200 else set()
    assert (customer.pk in ids) == sees
    page = client.get("/risk-signals/")
    assert page.status_code == (200 if allowed(role, "risk", home, "own") else 403)
    assert (customer.name in page.content.decode()) == sees


# Representative rows for every other route: each role at least once.
ROUTE_CASES = [
    ("manager", "HQ", "own"),
    ("manager", "DIV1", "own"),
    ("staff", "DIV1", "own"),
    ("staff", "DIV1", "sibling"),
    ("info_admin", "DIV1", "own"),
    ("executive", "HQ", "own"),
    ("finance", "DIV1", "own"),
    ("auditor", "HQ", "own"),
    ("admin", "DIV1", "own"),
]


@pytest.mark.parametrize(("role", "home", "relation"), ROUTE_CASES)
def test_plan_and_opinion_routes(role, home, relation, people, units, make_record, client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    code = RELATIONS[home][relation]
    boss = people["hq.manager"]
    item = services.item_create(
        actor=boss, year=2026, title="统一填写要求", measures="下发指引", department=units[code]
    )
    seminar = make_record(kind="seminar", unit="DIV1", by="div1.staff")
    forward = services.opinion_forward(
        actor=boss, record=seminar, opinion=0, department=units[code]
    )
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)
    sees = allowed(role, "view", home, relation)
    changes = allowed(role, "change", home, relation)
    hq_boss = role == "manager" and home == "HQ"

    assert api.get(f"/api/v1/improvement-plan-items/{item.pk}/").status_code == (
        200 if sees else 404
    )
    assert client.get("/improvement-plan/").status_code == (200 if MATRIX[role]["view"] else 403)
    progress = api.post(
        f"/api/v1/improvement-plan-items/{item.pk}/progress/",
        {"version": 1, "status": "in_progress"},
        format="json",
    )
    assert progress.status_code == (200 if changes else (403 if sees else 404))
    item.refresh_from_db()
    assign = api.post(
        f"/api/v1/improvement-plan-items/{item.pk}/assign/",
        {"version": item.version, "department": units["BR1"].pk, "deadline": "2099-01-01"},
        format="json",
    )
    assert assign.status_code == (200 if hq_boss else (403 if sees else 404))
    assert client.get("/improvement-plan/items/new/").status_code == (200 if hq_boss else 403)
    answer = api.post(
        f"/api/v1/forwarded-opinions/{forward.pk}/answer/",
        {"version": 1, "answer": "已研究"},
        format="json",
    )
    assert answer.status_code == (200 if changes else (403 if sees else 404))
    forward_page = client.get(f"/forwarded-opinions/from-form/{seminar.pk}/")
    sees_div1 = allowed(role, "view", home, "own" if home == "DIV1" else "child")
    may_forward = role == "manager" and home in {"HQ", "DIV1"}
    assert forward_page.status_code in ((200,) if may_forward else (403, 404))
    assert sees_div1 or forward_page.status_code == 404 or not may_forward
    assert client.get("/forwarded-opinions/").status_code == (200 if MATRIX[role]["view"] else 403)
    assert api.get("/api/v1/improvement-plans/").status_code == 200
