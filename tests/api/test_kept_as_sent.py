"""What the plans and personal-data API accepts it keeps, and its computed fields are filled."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from guanxi.plans.models import Plan
from tests.plans.conftest import make_plan

__all__ = ["make_plan"]  # the plans tests' fixture

pytestmark = pytest.mark.django_db


def _open(client, units, **extra):  # type: ignore[no-untyped-def]
    body = {"unit": units["DIV1"].pk, "kind": "care", "period": "month", "day": "2026-03-10"}
    return client.post("/api/v1/plans/", {**body, **extra}, format="json")


def test_a_plans_note_sent_on_create_is_kept(api_as, units) -> None:
    created = _open(api_as("div1.staff"), units, note="请优先安排渤海湾客户")
    assert created.status_code == 201, created.json()
    assert created.json()["note"] == "请优先安排渤海湾客户"
    assert Plan.objects.get(pk=created.json()["id"]).note == "请优先安排渤海湾客户"


def test_a_different_note_for_an_existing_plan_is_refused_not_dropped(api_as, units) -> None:
    client = api_as("div1.staff")
    first = _open(client, units, note="初稿").json()
    again = _open(client, units, note="另一份备注")
    assert again.status_code == 400
    assert f"（版本 {first['version']}）" in again.json()["note"][0]
    assert Plan.objects.get(pk=first["id"]).note == "初稿"
    assert _open(client, units).status_code == 201  # opening it again without a note is fine


def test_an_overlong_note_is_refused_not_cut(api_as, units) -> None:
    answer = _open(api_as("div1.staff"), units, note="备" * 4001)
    assert answer.status_code == 400
    assert "4000" in answer.json()["note"][0]
    assert not Plan.objects.exists()


def test_the_plan_list_reports_item_count_and_cost_total(api_as, make_plan) -> None:
    make_plan(items=3, cost="1234.50")
    make_plan(unit="DIV1", kind="visit", items=0)
    client = api_as("div1.manager")
    rows = {row["kind"]: row for row in client.get("/api/v1/plans/").json()["results"]}
    assert (rows["care"]["item_count"], Decimal(rows["care"]["cost_total"])) == (
        3,
        Decimal("3703.50"),
    )
    assert (rows["visit"]["item_count"], Decimal(rows["visit"]["cost_total"])) == (0, Decimal(0))
    detail = client.get(f"/api/v1/plans/{rows['care']['id']}/").json()
    assert (detail["item_count"], detail["cost_total"]) == (3, "3703.50")


def test_the_plan_list_costs_the_same_queries_for_more_plans(api_as, make_plan) -> None:
    client = api_as("hq.manager")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/plans/").status_code == 200
        return len(queries)

    make_plan(unit="DIV1")
    count()  # warm: the first read registered also starts the read register's chain
    few = count()
    make_plan(unit="DIV2", actor="div2.staff", items=4)
    make_plan(unit="DIV1", kind="visit", items=3)
    assert count() == few


def test_a_transition_refuses_a_comment_it_would_not_keep(api_as, make_plan, people) -> None:
    plan = make_plan()
    answer = api_as("div1.staff").post(
        f"/api/v1/plans/{plan.pk}/submit/",
        {"version": plan.version, "comment": "请审批"},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"comment"}
    plan.refresh_from_db()
    assert plan.status == "draft"


def _request_body(path: str) -> dict[str, object]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    content = document["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    name = content["schema"]["$ref"].rsplit("/", 1)[-1]
    return dict(document["components"]["schemas"][name])


def test_the_complete_action_documents_the_body_it_takes() -> None:
    schema = _request_body("/api/v1/personal-data-requests/{id}/complete/")
    assert set(schema["properties"]) == {"outcome"}  # type: ignore[arg-type]
    assert not schema.get("required")


def test_a_field_fixed_at_creation_is_refused_when_changed(api_as, people) -> None:
    client = api_as("admin")
    person = client.post(
        "/api/v1/people/", {"username": "li.na", "display_name": "李娜"}, format="json"
    ).json()
    changed = client.patch(
        f"/api/v1/people/{person['id']}/",
        {"username": "li.na2", "display_name": "李娜娜", "version": person["version"]},
        format="json",
    )
    assert changed.status_code == 400
    assert changed.json() == {"username": ["此项在创建记录时确定，之后不能修改。"]}
    same = client.patch(
        f"/api/v1/people/{person['id']}/",
        {"username": "li.na", "display_name": "李娜娜", "version": person["version"]},
        format="json",
    )
    assert same.status_code == 200, same.json()
    assert (same.json()["username"], same.json()["display_name"]) == ("li.na", "李娜娜")


def test_a_plan_item_field_its_kind_does_not_use_is_refused_by_name(api_as, make_plan) -> None:
    plan = make_plan(items=0)  # a care plan: no "documents prepared" (those are seminars')
    answer = api_as("div1.manager").post(
        "/api/v1/plan-items/",
        {"plan": plan.pk, "when": "2026-03-12", "name": "答谢会", "documents": "技术交流材料"},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"documents"}
    assert not plan.items.exists()


def test_an_activity_of_a_plan_item_refuses_another_unit(api_as, make_plan, people, units) -> None:
    from guanxi.plans import services as plan_services

    plan = make_plan()
    plan = plan_services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    plan = plan_services.plan_accept(actor=people["hq.manager"], plan=plan, version=plan.version)
    answer = api_as("div1.staff").post(
        "/api/v1/activities/",
        {
            "plan_item": plan.items.first().pk,
            "unit": units["BASE11"].pk,
            "name": "答谢会",
            "date": "2026-03-10",
        },
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json() == {"unit": ["计划项目的活动属于该项目所在的计划，此项请不要填写。"]}


def test_a_new_account_sent_as_inactive_is_refused_not_made_active(api_as) -> None:
    from guanxi.organisation.models import Person

    answer = api_as("admin").post(
        "/api/v1/people/",
        {"username": "zhao.yun", "display_name": "赵云", "is_active": False},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"is_active"}
    assert not Person.objects.filter(username="zhao.yun").exists()
