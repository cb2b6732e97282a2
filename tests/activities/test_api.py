"""Activities and approvals over the API: an over-threshold activity, approval, write-off."""

from __future__ import annotations

import pytest

from guanxi.plans import services as plan_services

pytestmark = pytest.mark.django_db


def test_write_off_is_409_until_hq_approves(api_as, make_plan, people) -> None:
    plan = make_plan(cost="45000")
    plan = plan_services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    plan_services.plan_accept(actor=people["hq.manager"], plan=plan, version=plan.version)
    item = plan.items.first()
    created = api_as("div1.staff").post(
        "/api/v1/activities/",
        {
            "plan_item": item.pk,
            "name": "海上作业客户答谢会",
            "date": "2026-03-12",
            "cost": "45000.00",
            "result": "客户满意",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    activity = created.json()
    finance = api_as("finance")
    refused = finance.post(
        f"/api/v1/activities/{activity['id']}/write-off/",
        {"version": activity["version"]},
        format="json",
    )
    assert refused.status_code == 409
    assert "核销被拒绝" in refused.json()["detail"]  # the API speaks Chinese unless asked
    inbox = api_as("hq.manager").get("/api/v1/approvals/?inbox=1").json()["results"]
    assert [a["kind"] for a in inbox] == ["activity_cost"]
    decided = api_as("hq.manager").post(
        f"/api/v1/approvals/{inbox[0]['id']}/approve/", {"comment": "同意"}, format="json"
    )
    assert decided.json()["status"] == "approved"
    twice = api_as("hq.manager").post(
        f"/api/v1/approvals/{inbox[0]['id']}/approve/", {}, format="json"
    )
    assert twice.status_code == 409
    done = finance.post(
        f"/api/v1/activities/{activity['id']}/write-off/",
        {"version": activity["version"]},
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "written_off"


def test_the_requester_follows_an_unplanned_request(api_as, units) -> None:
    created = (
        api_as("div1.staff")
        .post(
            "/api/v1/activities/",
            {
                "unit": units["DIV1"].pk,
                "kind": "care",
                "name": "客户单位领导生日慰问",
                "date": "2026-04-02",
                "cost": "2000",
            },
            format="json",
        )
        .json()
    )
    assert created["status"] == "requested"
    assert created["unplanned"] is True
    mine = api_as("div1.staff").get("/api/v1/approvals/").json()["results"]
    assert [(a["kind"], a["status"]) for a in mine] == [("unplanned_care", "pending")]
    assert api_as("div2.staff").get(f"/api/v1/approvals/{mine[0]['id']}/").status_code == 404
    rejected = api_as("hq.manager").post(
        f"/api/v1/approvals/{mine[0]['id']}/reject/", {}, format="json"
    )
    assert rejected.status_code == 400


def test_staff_cannot_approve(api_as, units) -> None:
    api_as("div1.staff").post(
        "/api/v1/activities/",
        {"unit": units["DIV1"].pk, "kind": "care", "name": "慰问", "date": "2026-04-02"},
        format="json",
    )
    approval = api_as("hq.manager").get("/api/v1/approvals/").json()["results"][0]
    response = api_as("div1.manager").post(
        f"/api/v1/approvals/{approval['id']}/approve/", {}, format="json"
    )
    assert response.status_code in (403, 404)


def test_delegation_over_the_api(api_as, people) -> None:
    response = api_as("hq.manager").post(
        "/api/v1/delegations/",
        {"delegate": people["hq.staff"].pk, "starts": "2026-01-01", "ends": "2025-12-01"},
        format="json",
    )
    assert response.status_code == 400
    response = api_as("hq.manager").post(
        "/api/v1/delegations/",
        {
            "delegate": people["hq.staff"].pk,
            "starts": "2026-01-01",
            "ends": "2026-01-31",
            "note": "休假",
        },
        format="json",
    )
    assert response.status_code == 201


def test_an_activity_needs_a_plan_item_or_unit_and_kind(api_as) -> None:
    response = api_as("div1.staff").post(
        "/api/v1/activities/", {"name": "无归属活动", "date": "2026-04-02"}, format="json"
    )
    assert response.status_code == 400
    assert "plan_item" in response.json()
