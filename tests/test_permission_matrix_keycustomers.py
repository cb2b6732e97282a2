"""Permission matrix for visits, customer plans and campaign targets (PLAN-5–7).

role × relation of the customer's unit to the person's unit × action, written out by hand
from the grants in policies/cosl.toml; checked through pages and the API. Missing and
forbidden both answer 404; allowed-to-see but not-to-change answers 403.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from guanxi.keycustomers import campaigns, customer_plans, visits
from guanxi.keycustomers import models as k
from tests.test_permission_matrix import CASES, DOWN, NONE, RELATIONS, persona

# Routes whose rows are in this module: url name -> the column of MATRIX that decides them.
# test_keycustomers_matrix holds the full role × relation cross product for the core reads and
# changes; test_keycustomers_routes requests every other route for representative rows.
COVERS = {
    "api:visit-plan-list": "visit (list scoped like detail)",
    "api:visit-plan-detail": "visit / visit_change",
    "api:visit-plan-summarise": "visit_change",
    "api:visit-plan-cancel": "visit_change",
    "api:visit-plan-materials": "visit_change",
    "api:follow-up-list": "visit",
    "api:follow-up-detail": "visit / visit_change",
    "api:customer-plan-list": "plan / plan_change",
    "api:customer-plan-detail": "plan / plan_change",
    "api:contact-plan-row-list": "plan / plan_change",
    "api:contact-plan-row-detail": "plan / plan_change",
    "api:action-plan-row-list": "plan / plan_change",
    "api:action-plan-row-detail": "plan / plan_change",
    "api:revenue-plan-row-list": "plan / plan_change",
    "api:revenue-plan-row-detail": "plan / plan_change",
    "api:campaign-list": "campaign / publish",
    "api:campaign-detail": "campaign / publish",
    "api:campaign-publish": "publish",
    "api:campaign-close": "publish",
    "api:campaign-rollup": "campaign",
    "api:campaign-target-list": "campaign / report",
    "api:campaign-target-detail": "campaign / report",
    "keycustomers:visit-list": "page: visit",
    "keycustomers:visit-create": "page: visit_change",
    "keycustomers:visit-detail": "page: visit",
    "keycustomers:visit-summarise": "visit_change",
    "keycustomers:material-upload": "visit_change",
    "keycustomers:material": "visit",
    "keycustomers:follow-ups": "page: visit",
    "keycustomers:follow-up-update": "visit_change",
    "keycustomers:plan-list": "page: plan",
    "keycustomers:plan-create": "plan_change",
    "keycustomers:plan-detail": "page: plan",
    "keycustomers:plan-edit": "plan / plan_change",
    "keycustomers:plan-row-add": "plan_change",
    "keycustomers:plan-row-edit": "plan / plan_change",
    "keycustomers:plan-pdf": "plan / manager's plan.export",
    "keycustomers:visit-pdf": "visit / manager's plan.export",
    "keycustomers:plan-xlsx": "plan / manager's plan.export",
    "keycustomers:campaign-list": "page: campaign",
    "keycustomers:campaign-create": "publish",
    "keycustomers:campaign-detail": "page: campaign",
    "keycustomers:campaign-step": "publish",
    "keycustomers:target-add": "report",
    "keycustomers:target-update": "report",
}

MATRIX: dict[str, dict[str, set[str]]] = {
    "staff": {
        "visit": DOWN,
        "visit_change": DOWN,
        "plan": DOWN,
        "plan_change": NONE,
        "report": DOWN,
        "customer": DOWN,
        "campaign": DOWN,
        "publish": NONE,
    },
    "customer_manager": {
        "visit": DOWN,
        "visit_change": DOWN,
        "plan": DOWN,
        "plan_change": DOWN,
        "report": DOWN,
        "customer": DOWN,
        "campaign": DOWN,
        "publish": NONE,
    },
    "info_admin": {
        "visit": DOWN,
        "visit_change": NONE,
        "plan": DOWN,
        "plan_change": NONE,
        "report": NONE,
        "customer": DOWN,
        "campaign": DOWN,
        "publish": NONE,
    },
    "manager": {
        "visit": DOWN,
        "visit_change": DOWN,
        "plan": DOWN,
        "plan_change": DOWN,
        "report": DOWN,
        "customer": DOWN,
        "campaign": DOWN,
        "publish": DOWN,
    },
    "executive": {
        "visit": DOWN,
        "visit_change": NONE,
        "plan": DOWN,
        "plan_change": NONE,
        "report": NONE,
        "customer": DOWN,
        "campaign": DOWN,
        "publish": NONE,
    },
    "finance": {
        "visit": NONE,
        "visit_change": NONE,
        "plan": NONE,
        "plan_change": NONE,
        "report": NONE,
        "customer": NONE,
        "campaign": NONE,
        "publish": NONE,
    },
    "auditor": {
        "visit": NONE,
        "visit_change": NONE,
        "plan": NONE,
        "plan_change": NONE,
        "report": NONE,
        "customer": NONE,
        "campaign": NONE,
        "publish": NONE,
    },
    "admin": {
        "visit": NONE,
        "visit_change": NONE,
        "plan": NONE,
        "plan_change": NONE,
        "report": NONE,
        "customer": NONE,
        "campaign": NONE,
        "publish": NONE,
    },
}


def allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = MATRIX[role][action]
    return bool(rows) if home == "HQ" else relation in rows


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(MATRIX)


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_keycustomers_matrix(role, home, relation, people, units, make_customer, client) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(RELATIONS[home][relation])
    boss = people["hq.manager"]
    visit = visits.visit_create(
        actor=boss,
        direction="incoming",
        customer=customer,
        theme="来访",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 1),
    )
    plan = customer_plans.customer_plan_create(actor=boss, customer=customer, year=2025)
    campaign = campaigns.campaign_create(
        actor=boss,
        scope="company",
        unit=units["HQ"],
        title="全国推广",
        product="LWD",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    campaigns.campaign_publish(actor=boss, campaign=campaign, version=1)
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    sees = allowed(role, "visit", home, relation)
    assert api.get(f"/api/v1/visit-plans/{visit.pk}/").status_code == (200 if sees else 404)
    assert client.get(f"/keycustomers/visits/{visit.pk}/").status_code == (200 if sees else 404)
    listed = api.get("/api/v1/visit-plans/")
    ids = {r["id"] for r in listed.json()["results"]} if listed.status_code == 200 else set()
    assert (visit.pk in ids) == sees
    change = api.patch(
        f"/api/v1/visit-plans/{visit.pk}/", {"theme": "改", "version": 1}, format="json"
    )
    if allowed(role, "visit_change", home, relation):
        assert change.status_code == 200
    else:
        assert change.status_code == (403 if sees else 404)

    sees_plan = allowed(role, "plan", home, relation)
    assert api.get(f"/api/v1/customer-plans/{plan.pk}/").status_code == (200 if sees_plan else 404)
    assert client.get(f"/keycustomers/customer-plans/{plan.pk}/").status_code == (
        200 if sees_plan else 404
    )
    change = api.patch(
        f"/api/v1/customer-plans/{plan.pk}/", {"summary": "调整", "version": 1}, format="json"
    )
    if allowed(role, "plan_change", home, relation):
        assert change.status_code == 200
    else:
        assert change.status_code == (403 if sees_plan else 404)

    report = api.post(
        "/api/v1/campaign-targets/",
        {"campaign": campaign.pk, "customer": customer.pk, "intent": "high"},
        format="json",
    )
    if allowed(role, "report", home, relation):
        assert report.status_code == 201, report.content
    else:
        assert report.status_code in {400, 403, 404}


# Representative rows for every other route: each role at least once, each route both allowed
# and refused (own / child / grandchild line against parent, sibling, other line, branch).
ROUTE_CASES = [
    ("manager", "DIV1", "own"),
    ("manager", "DIV1", "parent"),
    ("manager", "HQ", "grandchild"),
    ("customer_manager", "DIV1", "child"),
    ("customer_manager", "DIV1", "sibling"),
    ("staff", "DIV1", "own"),
    ("staff", "DIV1", "branch"),
    ("info_admin", "DIV1", "own"),
    ("executive", "HQ", "own"),
    ("finance", "DIV1", "own"),
    ("auditor", "HQ", "own"),
    ("admin", "DIV1", "own"),
]


def holds(role: str, action: str) -> bool:
    """The role holds the grant somewhere (a page that first checks `may` answers 403 if not)."""
    return bool(MATRIX[role][action])


def outcome(ok: int, change: bool, sees: bool) -> int:
    """Allowed → ok; sees it but may not change it → 403; cannot see it → 404."""
    return ok if change else 403 if sees else 404


def reference(ok: int, change: bool, sees_reference: bool) -> int:
    """A create naming a record by id: one the caller cannot see is 'not found' as a field
    error (400); one it sees but may not write for is refused (403)."""
    return ok if change else 403 if sees_reference else 400


def version(obj: Any) -> int:
    return int(type(obj).objects.get(pk=obj.pk).version)


def ids(answer: Any) -> set[int]:
    return {r["id"] for r in answer.json()["results"]} if answer.status_code == 200 else set()


def pdf(name: str = "备参.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7 matrix")


@pytest.mark.parametrize(("role", "home", "relation"), ROUTE_CASES)
def test_keycustomers_routes(  # type: ignore[no-untyped-def]
    role, home, relation, people, units, make_customer, make_key_person, client, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    code = RELATIONS[home][relation]
    boss = people["hq.manager"]
    customer = make_customer(code)
    spare = make_customer(code)
    contact = make_key_person(customer)
    person = persona(role, home, units)
    day = date(2025, 3, 1)
    visit = visits.visit_create(
        actor=boss,
        direction="incoming",
        customer=customer,
        theme="矩阵来访甲",
        starts_on=day,
        ends_on=day,
    )
    to_cancel = visits.visit_create(
        actor=boss,
        direction="outgoing",
        customer=customer,
        theme="待取消",
        starts_on=day,
        ends_on=day,
    )
    material = visits.material_add(actor=boss, visit=visit, upload=pdf())
    theirs = visits.follow_up_add(
        actor=boss, visit=visit, title="回访", owner=boss, due_on=date(2025, 4, 1)
    )
    visits.follow_up_add(
        actor=boss, visit=visit, title="矩阵我的回访", owner=person, due_on=date(2025, 4, 1)
    )
    plan = customer_plans.customer_plan_create(actor=boss, customer=customer, year=2025)
    rows = {
        "contact-plan-rows": customer_plans.plan_row_add(
            actor=boss, plan=plan, kind=k.ContactPlanRow, our_person=boss, their_person=contact
        ),
        "action-plan-rows": customer_plans.plan_row_add(
            actor=boss,
            plan=plan,
            kind=k.ActionPlanRow,
            action="技术交流",
            owner=boss,
            starts_on=day,
            ends_on=day,
            status="planned",
        ),
        "revenue-plan-rows": customer_plans.plan_row_add(
            actor=boss,
            plan=plan,
            kind=k.RevenuePlanRow,
            project="钻井服务",
            contract_amount=Decimal("1000.00"),
            win_rate=Decimal("0.5"),
            margin=Decimal("0.2"),
        ),
    }
    new_rows = {
        "contact-plan-rows": {"our_person": people["div1.cm"].pk, "their_person": contact.pk},
        "action-plan-rows": {
            "action": "回访",
            "owner": boss.pk,
            "starts_on": "2025-05-01",
            "ends_on": "2025-05-02",
            "status": "planned",
        },
        "revenue-plan-rows": {
            "project": "测井服务",
            "contract_amount": "500.00",
            "win_rate": "0.5",
            "margin": "0.1",
        },
    }
    changes = {
        "contact-plan-rows": {"position": "副总"},
        "action-plan-rows": {"status": "in_progress"},
        "revenue-plan-rows": {"note": "调整"},
    }
    window = {"product": "LWD", "starts_on": day, "ends_on": date(2025, 12, 31)}
    regional = campaigns.campaign_create(
        actor=boss, scope="regional", unit=units[code], title="矩阵区域推广", **window
    )
    to_publish = campaigns.campaign_create(
        actor=boss, scope="regional", unit=units[code], title="待发布", **window
    )
    company = campaigns.campaign_create(
        actor=boss, scope="company", unit=units["HQ"], title="全国推广", **window
    )
    company = campaigns.campaign_publish(actor=boss, campaign=company, version=1)
    target = campaigns.target_add(actor=boss, campaign=company, customer=customer, intent="low")

    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    def can(action: str) -> bool:
        return allowed(role, action, home, relation)

    sees, change = can("visit"), can("visit_change")
    sees_plan, plan_change = can("plan"), can("plan_change")
    sees_campaign, publish, report = can("campaign"), can("publish"), can("report")
    sees_customer = can("customer")
    got: dict[str, tuple[int, int]] = {}

    def check(label: str, status: int, want: int) -> None:
        got[label] = (status, want)

    # ------------------------------------------------------------------ visits (API)
    check("api visit list", visit.pk in ids(api.get("/api/v1/visit-plans/")), sees)
    check(
        "api visit create",
        api.post(
            "/api/v1/visit-plans/",
            {
                "direction": "incoming",
                "customer": spare.pk,
                "theme": "新来访",
                "starts_on": "2025-05-01",
                "ends_on": "2025-05-01",
            },
            format="json",
        ).status_code,
        reference(201, change, sees_customer),
    )
    check(
        "api visit summarise",
        api.post(
            f"/api/v1/visit-plans/{visit.pk}/summarise/",
            {"version": version(visit), "summary": "谈成"},
            format="json",
        ).status_code,
        outcome(200, change, sees),
    )
    check(
        "api visit cancel",
        api.post(
            f"/api/v1/visit-plans/{to_cancel.pk}/cancel/", {"version": 1}, format="json"
        ).status_code,
        outcome(200, change, sees),
    )
    check(
        "api visit materials",
        api.post(
            f"/api/v1/visit-plans/{visit.pk}/materials/", {"file": pdf()}, format="multipart"
        ).status_code,
        outcome(201, change, sees),
    )

    # ------------------------------------------------------------------ visits (pages)
    page = client.get("/keycustomers/visits/")
    check("page visit list", page.status_code, 200 if holds(role, "visit") else 403)
    check("page visit list shows", "矩阵来访甲" in page.content.decode(), sees)
    check(
        "page visit create",
        client.post(
            f"/keycustomers/visits/new/?customer={spare.pk}&direction=incoming",
            {"theme": "页面来访", "starts_on": "2025-05-02", "ends_on": "2025-05-02"},
        ).status_code,
        302 if change else 404 if holds(role, "visit_change") else 403,
    )
    check(
        "page visit detail",
        client.get(f"/keycustomers/visits/{visit.pk}/").status_code,
        200 if sees else 404,
    )
    check(
        "page visit summarise",
        client.post(
            f"/keycustomers/visits/{visit.pk}/summary/",
            {"version": version(visit), "summary": "页面总结"},
        ).status_code,
        outcome(302, change, sees),
    )
    check(
        "page material upload",
        client.post(
            f"/keycustomers/visits/{visit.pk}/materials/", {"file": pdf("页面.pdf")}
        ).status_code,
        outcome(302, change, sees),
    )
    download = client.get(f"/keycustomers/visits/{visit.pk}/materials/{material.pk}/")
    if download.status_code == 200:  # reading it to the end closes it as a server would
        assert b"".join(download.streaming_content) == b"%PDF-1.7 matrix"
    check("page material download", download.status_code, 200 if sees else 404)

    # ------------------------------------------------------------------ follow-ups
    check("api follow-up list", theirs.pk in ids(api.get("/api/v1/follow-ups/")), sees)
    check(
        "api follow-up detail",
        api.get(f"/api/v1/follow-ups/{theirs.pk}/").status_code,
        200 if sees else 404,
    )
    check(
        "api follow-up change",
        api.patch(
            f"/api/v1/follow-ups/{theirs.pk}/",
            {"version": version(theirs), "status": "open", "progress": "已联系"},
            format="json",
        ).status_code,
        outcome(200, change, sees),
    )
    page = client.get("/keycustomers/follow-ups/")
    check("page follow-ups", page.status_code, 200 if holds(role, "visit") else 403)
    check("page follow-ups shows", "矩阵我的回访" in page.content.decode(), sees)
    check(
        "page follow-up update",
        client.post(
            f"/keycustomers/follow-ups/{theirs.pk}/",
            {"version": version(theirs), "status": "done", "progress": "完成"},
        ).status_code,
        outcome(302, change, sees),
    )

    # ------------------------------------------------------------------ customer plans
    check("api plan list", plan.pk in ids(api.get("/api/v1/customer-plans/")), sees_plan)
    check(
        "api plan create",
        api.post(
            "/api/v1/customer-plans/", {"customer": spare.pk, "year": 2026}, format="json"
        ).status_code,
        reference(201, plan_change, sees_customer),
    )
    page = client.get("/keycustomers/customer-plans/")
    check("page plan list", page.status_code, 200 if holds(role, "plan") else 403)
    check("page plan list shows", customer.name in page.content.decode(), sees_plan)
    check(
        "page plan create",
        client.post(
            f"/keycustomers/customer-plans/new/?customer={spare.pk}", {"year": 2027}
        ).status_code,
        302 if plan_change else 404 if holds(role, "plan_change") else 403,
    )
    check(
        "page plan edit form",
        client.get(f"/keycustomers/customer-plans/{plan.pk}/edit/").status_code,
        outcome(200, plan_change, sees_plan),  # no edit form for one who may not save it
    )
    check(
        "page plan edit",
        client.post(
            f"/keycustomers/customer-plans/{plan.pk}/edit/",
            {"year": 2025, "version": version(plan), "summary": "页面调整"},
        ).status_code,
        outcome(302, plan_change, sees_plan),
    )
    page_rows = {
        "contact": {"contact-our_person": person.pk, "contact-their_person": contact.pk},
        "action": {
            "action-action": "页面行动",
            "action-owner": boss.pk,
            "action-starts_on": "2025-06-01",
            "action-ends_on": "2025-06-02",
            "action-status": "planned",
        },
        "revenue": {
            "revenue-project": "页面项目",
            "revenue-contract_amount": "100",
            "revenue-win_rate": "50",
            "revenue-margin": "20",
        },
    }
    for kind, data in page_rows.items():
        check(
            f"page plan row add {kind}",
            client.post(f"/keycustomers/customer-plans/{plan.pk}/rows/{kind}/", data).status_code,
            outcome(302, plan_change, sees_plan),
        )
    for kind, row in zip(("contact", "action", "revenue"), rows.values(), strict=True):
        check(
            f"page plan row edit form {kind}",
            client.get(f"/keycustomers/customer-plans/{plan.pk}/rows/{kind}/{row.pk}/").status_code,
            outcome(200, plan_change, sees_plan),
        )
    action_row = rows["action-plan-rows"]
    check(
        "page plan row edit action",
        client.post(
            f"/keycustomers/customer-plans/{plan.pk}/rows/action/{action_row.pk}/",
            {
                "action-action": "技术交流",
                "action-owner": boss.pk,
                "action-starts_on": "2025-03-01",
                "action-ends_on": "2025-03-01",
                "action-status": "done",
                "action-version": version(action_row),
            },
        ).status_code,
        outcome(302, plan_change, sees_plan),
    )
    check(
        "page visit print.pdf",
        client.get(f"/keycustomers/visits/{visit.pk}/print.pdf").status_code,
        outcome(200, role == "manager" and sees, sees),
    )
    exports = role == "manager" and sees_plan  # plan.export: the manager role, down its line
    for suffix in ("print.pdf", "export.xlsx"):
        check(
            f"page plan {suffix}",
            client.get(f"/keycustomers/customer-plans/{plan.pk}/{suffix}").status_code,
            outcome(200, exports, sees_plan),
        )
    for route, row in rows.items():
        base = f"/api/v1/{route}/"
        check(f"api {route} list", row.pk in ids(api.get(base)), sees_plan)
        check(
            f"api {route} detail",
            api.get(f"{base}{row.pk}/").status_code,
            200 if sees_plan else 404,
        )
        check(
            f"api {route} create",
            api.post(base, {"plan": plan.pk, **new_rows[route]}, format="json").status_code,
            reference(201, plan_change, sees_plan),
        )
        check(
            f"api {route} change",
            api.patch(
                f"{base}{row.pk}/", {"version": version(row), **changes[route]}, format="json"
            ).status_code,
            outcome(200, plan_change, sees_plan),
        )
        check(
            f"api {route} delete",
            api.delete(f"{base}{row.pk}/?version={version(row)}").status_code,
            outcome(204, plan_change, sees_plan),
        )

    # ------------------------------------------------------------------ campaigns (API)
    listed = ids(api.get("/api/v1/campaigns/"))
    check("api campaign list", regional.pk in listed, sees_campaign)
    check("api campaign list company", company.pk in listed, holds(role, "campaign"))
    check(
        "api campaign detail",
        api.get(f"/api/v1/campaigns/{regional.pk}/").status_code,
        200 if sees_campaign else 404,
    )
    check(
        "api campaign rollup",
        api.get(f"/api/v1/campaigns/{company.pk}/rollup/").status_code,
        200 if holds(role, "campaign") else 404,
    )
    check(
        "api campaign change",
        api.patch(
            f"/api/v1/campaigns/{regional.pk}/",
            {"title": "矩阵区域推广（改）", "version": version(regional)},
            format="json",
        ).status_code,
        outcome(200, publish, sees_campaign),
    )
    for step in ("publish", "close"):
        check(
            f"api campaign {step}",
            api.post(
                f"/api/v1/campaigns/{regional.pk}/{step}/",
                {"version": version(regional)},
                format="json",
            ).status_code,
            outcome(200, publish, sees_campaign),
        )
    check(
        "api campaign create",
        api.post(
            "/api/v1/campaigns/",
            {
                "title": "新推广",
                "scope": "regional",
                "unit": units[code].pk,
                "product": "LWD",
                "starts_on": "2025-01-01",
                "ends_on": "2025-06-30",
            },
            format="json",
        ).status_code,
        201 if publish else 403,
    )
    check("api target list", target.pk in ids(api.get("/api/v1/campaign-targets/")), sees_campaign)
    check(
        "api target detail",
        api.get(f"/api/v1/campaign-targets/{target.pk}/").status_code,
        200 if sees_campaign else 404,
    )
    check(
        "api target change",
        api.patch(
            f"/api/v1/campaign-targets/{target.pk}/",
            {"version": version(target), "intent": "medium"},
            format="json",
        ).status_code,
        outcome(200, report, sees_campaign),
    )

    # ------------------------------------------------------------------ campaigns (pages)
    page = client.get("/keycustomers/campaigns/")
    check("page campaign list", page.status_code, 200 if holds(role, "campaign") else 403)
    check("page campaign list shows", "矩阵区域推广" in page.content.decode(), sees_campaign)
    check(
        "page campaign detail",
        client.get(f"/keycustomers/campaigns/{regional.pk}/").status_code,
        200 if sees_campaign else 404,
    )
    check(
        "page campaign create form",
        client.get("/keycustomers/campaigns/new/").status_code,
        200 if holds(role, "publish") else 403,
    )
    check(
        "page campaign create",
        client.post(
            "/keycustomers/campaigns/new/",
            {
                "title": "页面推广",
                "scope": "regional",
                "unit": units[code].pk,
                "product": "LWD",
                "starts_on": "2025-01-01",
                "ends_on": "2025-06-30",
            },
        ).status_code,
        302 if publish else 400 if holds(role, "publish") else 403,
    )
    check(
        "page campaign publish",
        client.post(
            f"/keycustomers/campaigns/{to_publish.pk}/publish/", {"version": 1}
        ).status_code,
        outcome(302, publish, sees_campaign),
    )
    check(
        "page target add",
        client.post(
            f"/keycustomers/campaigns/{company.pk}/targets/",
            {"customer": spare.pk, "intent": "high", "status": "promoted"},
        ).status_code,
        302 if report else 400 if holds(role, "campaign") else 404,
    )
    check(
        "page target update",
        client.post(
            f"/keycustomers/campaign-targets/{target.pk}/",
            {"version": version(target), "intent": "high", "status": "negotiating"},
        ).status_code,
        outcome(302, report, sees_campaign),
    )

    wrong = {label: pair for label, pair in got.items() if pair[0] != pair[1]}
    assert wrong == {}, f"(got, want) for {role} of {home} on {relation}"
