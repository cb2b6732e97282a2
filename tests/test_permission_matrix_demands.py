"""Permission matrix for demands, complaints and the monthly key-customer report (DEM-1–4).

role × relation of the customer's unit to the person's unit × action, written out by hand
from the grants in policies/cosl.toml; checked through pages and the API. Missing and
forbidden both answer 404; allowed-to-see but not-to-change answers 403. A refused request
registers nothing.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from rest_framework.test import APIClient

from guanxi.access.models import AccessLogEntry
from guanxi.demands import complaints, monthly, services
from tests.test_permission_matrix import CASES, DOWN, NONE, RELATIONS, persona

NOW = datetime.datetime(2026, 3, 20, 4, 0, tzinfo=datetime.UTC)

COVERS = {
    "api:demand-list": "demand (list scoped like detail)",
    "api:demand-detail": "demand / demand_change",
    "api:demand-move": "demand_change",
    "api:demand-escalate": "escalate (or the owner)",
    "api:complaint-list": "complaint",
    "api:complaint-detail": "complaint / complaint_change",
    "api:complaint-answer": "complaint_change",
    "api:monthly-report-list": "demand (published) / publish (drafts, generate)",
    "api:monthly-report-detail": "demand (published, own part) / publish",
    "api:monthly-report-publish": "publish at HQ",
    "api:monthly-report-pdf": "demand + export",
    "api:monthly-report-xlsx": "demand + export",
    "demands:demand-list": "page: demand",
    "demands:demand-create": "demand_change",
    "demands:demand-detail": "page: demand",
    "demands:demand-edit": "demand / demand_change",
    "demands:demand-move": "demand / demand_change",
    "demands:demand-escalate": "demand / escalate",
    "demands:complaint-list": "page: complaint",
    "demands:complaint-create": "complaint_change",
    "demands:complaint-detail": "page: complaint",
    "demands:complaint-answer": "complaint / complaint_change",
    "demands:report-list": "page: demand",
    "demands:report-detail": "demand (published) / publish",
    "demands:report-pdf": "demand + export",
    "demands:report-xlsx": "demand + export",
    "demands:report-generate": "publish at HQ",
    "demands:report-publish": "publish at HQ",
    "demands:submission-open": "submit",
    "demands:submission-detail": "demand",
    "demands:submission-entry": "submit",
    "demands:submission-submit": "submit",
    "api:monthly-submission-list": "demand (the unit's line)",
    "api:monthly-submission-detail": "demand",
    "api:monthly-submission-entries": "submit",
    "api:monthly-submission-submit": "submit",
    "api:strategic-follower-list": "demand (the customer's line) / assign at HQ",
    "api:unit-contact-list": "demand (the unit's line) / assign",
    "demands:liaisons": "page: demand",
    "demands:follower-set": "assign at HQ",
    "demands:unit-contact-set": "assign",
}

ACTIONS = (
    "demand",
    "demand_change",
    "escalate",
    "complaint",
    "complaint_change",
    "submit",
    "export",
)
EVERY = dict.fromkeys(ACTIONS, DOWN)
NOTHING = dict.fromkeys(ACTIONS, NONE)
MATRIX: dict[str, dict[str, set[str]]] = {
    "staff": {**EVERY, "escalate": NONE, "submit": NONE, "export": NONE},
    "customer_manager": {**EVERY, "export": NONE},
    "manager": EVERY,
    "info_admin": {
        **NOTHING,
        "demand": DOWN,
        "complaint": DOWN,
        "submit": DOWN,
        "export": DOWN,
    },
    "executive": {**NOTHING, "demand": DOWN, "complaint": DOWN, "export": DOWN},
    "finance": NOTHING,
    "auditor": NOTHING,
    "admin": NOTHING,
}


def allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = MATRIX[role][action]
    return bool(rows) if home == "HQ" else relation in rows


def _last() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(MATRIX)


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
@time_machine.travel(NOW, tick=False)
def test_demands_matrix(role, home, relation, people, units, make_customer, client) -> None:  # type: ignore[no-untyped-def]
    code = RELATIONS[home][relation]
    customer = make_customer(code, tier="vip")
    boss = people["hq.manager"]
    demand = services.demand_create(
        actor=boss,
        customer=customer,
        category="contract_risk",
        severity="major",
        title="矩阵诉求",
        description="合同执行风险",
        owner=boss,
        due_on=datetime.date(2026, 4, 30),
    )
    complaint = complaints.complaint_create(
        actor=boss,
        customer=customer,
        received_at=NOW - datetime.timedelta(hours=2),
        channel="phone",
        description="矩阵投诉",
    )
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    sees = allowed(role, "demand", home, relation)
    before = _last()
    assert api.get(f"/api/v1/demands/{demand.pk}/").status_code == (200 if sees else 404)
    assert client.get(f"/demands/{demand.pk}/").status_code == (200 if sees else 404)
    if not sees:
        assert _last() == before
    listed = api.get("/api/v1/demands/")
    ids = {r["id"] for r in listed.json()["results"]} if listed.status_code == 200 else set()
    assert (demand.pk in ids) == sees
    change = api.patch(
        f"/api/v1/demands/{demand.pk}/", {"title": "改", "version": 1}, format="json"
    )
    if allowed(role, "demand_change", home, relation):
        assert change.status_code == 200, change.content
    else:
        assert change.status_code == (403 if sees else 404)
    version = type(demand).objects.get(pk=demand.pk).version
    escalate = api.post(
        f"/api/v1/demands/{demand.pk}/escalate/",
        {"version": version, "reason": "超出权限"},
        format="json",
    )
    if not sees:
        assert escalate.status_code == 404
    elif not allowed(role, "escalate", home, relation):
        assert escalate.status_code == 403
    else:  # a demand at HQ cannot go higher
        assert escalate.status_code == (400 if code == "HQ" else 200), escalate.content

    sees_complaint = allowed(role, "complaint", home, relation)
    assert api.get(f"/api/v1/complaints/{complaint.pk}/").status_code == (
        200 if sees_complaint else 404
    )
    assert client.get(f"/complaints/{complaint.pk}/").status_code == (
        200 if sees_complaint else 404
    )
    answer = api.post(
        f"/api/v1/complaints/{complaint.pk}/answer/",
        {"version": 1, "answer": "已答复"},
        format="json",
    )
    if allowed(role, "complaint_change", home, relation):
        assert answer.status_code == 200
    else:
        assert answer.status_code == (403 if sees_complaint else 404)


# Representative rows for every other route: each role at least once.
ROUTE_CASES = [
    ("manager", "HQ", "own"),
    ("manager", "DIV1", "own"),
    ("manager", "DIV1", "sibling"),
    ("customer_manager", "DIV1", "child"),
    ("staff", "DIV1", "own"),
    ("info_admin", "DIV1", "own"),
    ("executive", "HQ", "own"),
    ("finance", "DIV1", "own"),
    ("auditor", "HQ", "own"),
    ("admin", "DIV1", "own"),
]


@pytest.mark.parametrize(("role", "home", "relation"), ROUTE_CASES)
@time_machine.travel(NOW, tick=False)
def test_demands_routes(role, home, relation, people, units, make_customer, client) -> None:  # type: ignore[no-untyped-def]
    code = RELATIONS[home][relation]
    boss = people["hq.manager"]
    customer = make_customer(code, tier="strategic")
    demand = services.demand_create(
        actor=boss,
        customer=customer,
        category="hq_support",
        severity="major",
        title="月报诉求",
        description="需总部支持",
        owner=boss,
        due_on=datetime.date(2026, 4, 30),
        raised_on=datetime.date(2026, 3, 2),
    )
    month = datetime.date(2026, 3, 1)
    submission = monthly.submission_open(actor=boss, unit=units[code], month=month)
    report = monthly.report_generate(actor=boss, month=month)
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    def can(action: str) -> bool:
        return allowed(role, action, home, relation)

    hq_publisher = role == "manager" and home == "HQ"
    sees = can("demand")
    holds = {action: bool(MATRIX[role][action]) for action in ACTIONS}

    # pages that first check the grant anywhere
    assert client.get("/demands/").status_code == (200 if holds["demand"] else 403)
    assert client.get("/complaints/").status_code == (200 if holds["complaint"] else 403)
    assert client.get("/monthly-reports/").status_code == (200 if holds["demand"] else 403)
    assert client.get("/demands/liaisons/").status_code == (200 if holds["demand"] else 403)
    assert client.get("/demands/new/").status_code == (200 if holds["demand_change"] else 403)
    assert client.get("/complaints/new/").status_code == (200 if holds["complaint_change"] else 403)
    assert client.get(f"/demands/{demand.pk}/edit/").status_code == (
        200 if can("demand_change") else 403 if sees else 404
    )
    moved = client.post(f"/demands/{demand.pk}/move/", {"version": 1, "status": "in_progress"})
    assert moved.status_code == (302 if can("demand_change") else 403 if sees else 404)
    confirm = client.post(f"/demands/{demand.pk}/escalate/", {"version": 1, "reason": "急"})
    assert confirm.status_code == (200 if can("escalate") else 403 if sees else 404)

    # the report: a draft is HQ's only
    draft_status = 200 if hq_publisher else 404
    assert client.get(f"/monthly-reports/{report.pk}/").status_code == draft_status
    assert api.get(f"/api/v1/monthly-reports/{report.pk}/").status_code == draft_status
    before = _last()
    pdf = api.get(f"/api/v1/monthly-reports/{report.pk}/pdf/")
    assert pdf.status_code == draft_status
    if pdf.status_code != 200:
        assert _last() == before
    assert client.get(f"/monthly-reports/{report.pk}/export.xlsx").status_code == draft_status
    assert client.get(f"/monthly-reports/{report.pk}/print.pdf").status_code == draft_status
    generate = api.post("/api/v1/monthly-reports/", {"month": "2026-03-01"})
    assert generate.status_code == (201 if hq_publisher else 403)
    assert client.post("/monthly-reports/generate/", {"month": "2026-03"}).status_code == (
        302 if hq_publisher else 403
    )
    report.refresh_from_db()
    published = api.post(
        f"/api/v1/monthly-reports/{report.pk}/publish/", {"version": report.version}
    )
    assert published.status_code == (200 if hq_publisher else 404)
    if not hq_publisher:
        monthly.report_publish(actor=boss, report=report, version=report.version)
    # published: everyone who sees demands reads it; documents need the export grant
    assert api.get(f"/api/v1/monthly-reports/{report.pk}/").status_code == (
        200 if holds["demand"] else 404
    )
    assert api.get(f"/api/v1/monthly-reports/{report.pk}/xlsx/").status_code == (
        200 if holds["export"] else 403 if holds["demand"] else 404
    )
    assert client.post(f"/monthly-reports/{report.pk}/publish/", {"version": 9}).status_code in {
        400,
        403,
        404,
        409,
    }

    # submissions
    assert client.get(f"/monthly-reports/submissions/{submission.pk}/").status_code == (
        200 if sees else 404
    )
    entry = client.post(
        f"/monthly-reports/submissions/{submission.pk}/entries/",
        {"version": 1, "customer": customer.pk, "progress": "进展顺利"},
    )
    assert entry.status_code == (302 if can("submit") else 403 if sees else 404)
    submitted = client.post(f"/monthly-reports/submissions/{submission.pk}/submit/", {"version": 9})
    assert submitted.status_code in ({409} if can("submit") else {403} if sees else {404})
    opened = client.post(
        "/monthly-reports/submissions/", {"unit": units[code].pk, "month": "2026-03"}
    )
    assert opened.status_code == (302 if can("submit") else 400)

    # follow-up and contact people
    follower = client.post(
        f"/demands/liaisons/customers/{customer.pk}/", {"person": people["hq.staff"].pk}
    )
    assert follower.status_code == (302 if hq_publisher else 403 if sees else 404)
    contact = client.post(
        f"/demands/liaisons/units/{units[code].pk}/", {"person": people["div1.cm"].pk}
    )
    member = code == "DIV1"
    may_assign = role == "manager" and sees
    assert contact.status_code == ((302 if member else 400) if may_assign else 403 if sees else 404)

    # the same through the API
    assert api.get(f"/api/v1/monthly-submissions/{submission.pk}/").status_code == (
        200 if sees else 404
    )
    listed = api.get("/api/v1/monthly-submissions/").json()["results"]
    assert (submission.pk in {row["id"] for row in listed}) == sees
    before = _last()
    entry = api.post(
        f"/api/v1/monthly-submissions/{submission.pk}/entries/",
        {"version": 9, "customer": customer.pk, "progress": "进展顺利"},
    )
    # the customer is checked against the reader's scope first (400 when out of sight)
    assert entry.status_code == (409 if can("submit") else 403 if sees else 400)
    if entry.status_code != 409:
        assert _last() == before
    submitted = api.post(f"/api/v1/monthly-submissions/{submission.pk}/submit/", {"version": 9})
    assert submitted.status_code == (409 if can("submit") else 403 if sees else 404)
    opened = api.post(
        "/api/v1/monthly-submissions/", {"unit": units[code].pk, "month": "2026-03-01"}
    )
    assert opened.status_code == (201 if can("submit") else 400)
    followers = api.post(
        "/api/v1/strategic-followers/", {"customer": customer.pk, "person": people["hq.staff"].pk}
    )
    assert followers.status_code == (201 if hq_publisher else 403 if sees else 400)
    if not hq_publisher:
        services.follower_set(actor=boss, customer=customer, person=people["hq.staff"])
    listed = api.get("/api/v1/strategic-followers/").json()["results"]
    assert (customer.pk in {row["customer"] for row in listed}) == sees
    contacts = api.post(
        "/api/v1/unit-contacts/", {"unit": units[code].pk, "person": people["div1.cm"].pk}
    )
    assert contacts.status_code == (
        (201 if member else 400) if may_assign else 403 if sees else 400
    )
