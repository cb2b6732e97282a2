"""The plans API: create, items, submit, return, accept; refusals are 4xx with a reason."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _plan(api_as, units):  # type: ignore[no-untyped-def]
    response = api_as("div1.staff").post(
        "/api/v1/plans/",
        {"unit": units["DIV1"].pk, "kind": "care", "period": "month", "day": "2026-03-10"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_division_builds_and_submits_a_plan(
    api_as, units, make_customer, make_key_person
) -> None:
    plan = _plan(api_as, units)
    customer = make_customer("DIV1")
    person = make_key_person(customer)
    client = api_as("div1.staff")
    item = client.post(
        "/api/v1/plan-items/",
        {
            "plan": plan["id"],
            "when": "2026-03-20",
            "name": "春节后客户走访答谢",
            "place": "湛江",
            "customer": customer.pk,
            "customer_count": 4,
            "key_persons": [person.pk],
            "gifts": "公司画册",
            "cost": "8800.00",
        },
        format="json",
    )
    assert item.status_code == 201, item.json()
    current = client.get(f"/api/v1/plans/{plan['id']}/").json()
    submitted = client.post(
        f"/api/v1/plans/{plan['id']}/submit/", {"version": current["version"]}, format="json"
    )
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    again = client.post(
        "/api/v1/plan-items/",
        {"plan": plan["id"], "when": "2026-03-21", "name": "再加一项"},
        format="json",
    )
    assert again.status_code == 409
    assert "不能修改" in again.json()["detail"]


def test_hq_accepts_and_a_second_accept_is_a_conflict(api_as, make_plan, people) -> None:
    plan = make_plan()
    submitted = (
        api_as("div1.staff")
        .post(f"/api/v1/plans/{plan.pk}/submit/", {"version": plan.version}, format="json")
        .json()
    )
    hq = api_as("hq.manager")
    first = hq.post(
        f"/api/v1/plans/{plan.pk}/accept/", {"version": submitted["version"]}, format="json"
    )
    second = hq.post(
        f"/api/v1/plans/{plan.pk}/accept/", {"version": submitted["version"]}, format="json"
    )
    assert (first.status_code, second.status_code) == (200, 409)


def test_return_needs_a_comment(api_as, make_plan) -> None:
    plan = make_plan()
    submitted = (
        api_as("div1.staff")
        .post(f"/api/v1/plans/{plan.pk}/submit/", {"version": plan.version}, format="json")
        .json()
    )
    response = api_as("hq.manager").post(
        f"/api/v1/plans/{plan.pk}/return/", {"version": submitted["version"]}, format="json"
    )
    assert response.status_code == 400
    response = api_as("hq.manager").post(
        f"/api/v1/plans/{plan.pk}/return/",
        {"version": submitted["version"], "comment": "请补充客户人员职务"},
        format="json",
    )
    assert response.json()["status"] == "returned"


def test_another_division_gets_404(api_as, make_plan) -> None:
    plan = make_plan()
    assert api_as("div2.staff").get(f"/api/v1/plans/{plan.pk}/").status_code == 404
    assert api_as("div2.staff").get("/api/v1/plans/").json()["results"] == []


def test_an_invisible_customer_is_not_found(api_as, units, make_customer) -> None:
    plan = _plan(api_as, units)
    other = make_customer("DIV2")
    response = api_as("div1.staff").post(
        "/api/v1/plan-items/",
        {"plan": plan["id"], "when": "2026-03-20", "name": "x", "customer": other.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "customer" in response.json()


def test_bad_input_is_400_not_500(api_as, units) -> None:
    client = api_as("div1.staff")
    for body in (
        {"unit": units["DIV1"].pk, "kind": "nonsense", "period": "month", "day": "2026-03-10"},
        {"unit": units["DIV1"].pk, "kind": "seminar", "period": "month", "day": "2026-03-10"},
        {"unit": units["DIV1"].pk, "kind": "care", "period": "month", "day": "not a day"},
    ):
        assert client.post("/api/v1/plans/", body, format="json").status_code == 400


def test_the_schema_lists_the_plan_actions(api_as) -> None:
    schema = api_as("hq.manager").get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/plans/{id}/submit/",
        "/api/v1/plans/{id}/return/",
        "/api/v1/plans/{id}/accept/",
        "/api/v1/activities/{id}/write-off/",
        "/api/v1/approvals/{id}/approve/",
        "/api/v1/approvals/{id}/reject/",
        "/api/v1/plan-items/",
    ):
        assert path in paths


def test_a_stale_item_edit_is_409_and_delete_needs_a_version(api_as, make_plan) -> None:
    plan = make_plan()
    item = plan.items.first()
    client = api_as("div1.staff")
    stale = client.patch(
        f"/api/v1/plan-items/{item.pk}/",
        {"version": item.version + 5, "place": "上海"},
        format="json",
    )
    assert stale.status_code == 409
    fresh = client.patch(
        f"/api/v1/plan-items/{item.pk}/", {"version": item.version, "place": "上海"}, format="json"
    )
    assert fresh.status_code == 200
    assert fresh.json()["place"] == "上海"
    assert client.delete(f"/api/v1/plan-items/{item.pk}/").status_code == 400
    gone = client.delete(f"/api/v1/plan-items/{item.pk}/?version={fresh.json()['version']}")
    assert gone.status_code == 204
