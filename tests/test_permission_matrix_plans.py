"""Permission matrix for plans, activities and approvals: persona × action, written out by hand
from the regulation (000 §9.3, §10.3, §14.3–14.6, §19.2–19.3) and the policy's grants.

Every record lives in division 1 (DIV1). "Y" = allowed; anything else must be refused with
404 (cannot see it) or 403 (sees it, may not do it) — never a 5xx, never a change.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from guanxi.activities import services as activity_services
from guanxi.activities.models import Activity
from guanxi.approvals.models import Approval
from guanxi.plans import services as plan_services
from guanxi.plans.models import Plan, PlanStatus
from tests.plans.conftest import DAY, make_plan  # noqa: F401 - the fixture

# Routes whose rows are in this module: url name -> the column that holds them. POST-only page
# routes call the same services as the API actions, so the API column decides their rows too;
# test_page_matrix checks the pages themselves.
COVERS = {
    "api:plan-list": "view (list is scoped like detail)",
    "api:plan-detail": "view",
    "api:plan-submit": "change",
    "api:plan-return": "accept",
    "api:plan-accept": "accept",
    "api:plan-item-list": "change",
    "api:plan-item-detail": "change",
    "api:activity-list": "activity",
    "api:activity-detail": "activity",
    "api:activity-write-off": "write_off",
    "api:approval-list": "decide",
    "api:approval-detail": "decide",
    "api:approval-approve": "decide",
    "api:approval-reject": "decide",
    "api:delegation-list": "own delegations only (tests/approvals)",
    "api:delegation-cancel": "own delegations only (tests/approvals)",
    "plan-list": "page: view",
    "plan-detail": "page: view",
    "plan-item-add": "change",
    "plan-item-edit": "page: change",
    "plan-item-delete": "change",
    "plan-transition": "change / accept",
    "plan-pdf": "page: export",
    "plan-xlsx": "export",
    "plan-consolidation": "page: accept",
    "plan-company": "page: accept",
    "plan-company-pdf": "page: accept",
    "activity-list": "page: activity",
    "activity-new": "page: activity",
    "activity-detail": "page: activity",
    "activity-write-off": "write_off",
    "activity-carry-out": "write_off / decide (tests/activities)",
    "approval-inbox": "page: decide",
    "approval-detail": "page: decide",
    "approval-decide": "decide",
    "approval-delegations": "own delegations only (tests/plans/test_pages)",
    "approval-delegation-cancel": "own delegations only",
}

ACTIONS = ("view", "change", "accept", "export", "activity", "write_off", "decide")
MATRIX: dict[str, str] = {
    #                  view change accept export activity write_off decide
    "hq.manager": "Y    Y      Y      Y      Y        -         Y",
    "hq.staff": "Y    Y      -      -      Y        -         -",
    "hq.info": "Y    -      -      -      Y        -         -",
    "div1.manager": "Y    Y      -      Y      Y        -         -",
    "div1.staff": "Y    Y      -      -      Y        -         -",
    "div1.cm": "Y    Y      -      -      Y        -         -",
    "base11.staff": "-    -      -      -      -        -         -",
    "div2.staff": "-    -      -      -      -        -         -",
    "branch1.manager": "-    -      -      -      -        -         -",
    "branch1.staff": "-    -      -      -      -        -         -",
    "finance": "-    -      -      -      Y        Y         -",
    "exec": "Y    -      -      -      Y        -         -",
    "auditor": "-    -      -      -      Y        -         -",
    "admin": "-    -      -      -      -        -         -",
}


def expected(persona: str) -> dict[str, bool]:
    return dict(zip(ACTIONS, (cell == "Y" for cell in MATRIX[persona].split()), strict=True))


@pytest.fixture
def records(make_plan, people, units):  # type: ignore[no-untyped-def]  # noqa: F811
    draft = make_plan(period="month")
    submitted = make_plan(period="quarter")
    submitted = plan_services.plan_submit(
        actor=people["div1.staff"], plan=submitted, version=submitted.version
    )
    accepted = make_plan(period="year", kind="care")
    accepted = plan_services.plan_submit(
        actor=people["div1.staff"], plan=accepted, version=accepted.version
    )
    accepted = plan_services.plan_accept(
        actor=people["hq.manager"], plan=accepted, version=accepted.version
    )
    data = activity_services.ActivityData(name="客户答谢", date=DAY, cost=Decimal("500"))
    done = activity_services.activity_record(
        actor=people["div1.staff"], data=data, plan_item=accepted.items.first()
    )
    unplanned = activity_services.activity_record(
        actor=people["div1.staff"], data=data, unit=units["DIV1"], kind="care"
    )
    approval = Approval.objects.get(subject_id=unplanned.pk, kind="unplanned_care")
    return {"draft": draft, "submitted": submitted, "done": done, "approval": approval}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_matrix(persona, records, api_as, page_as) -> None:  # type: ignore[no-untyped-def]
    want = expected(persona)
    api = api_as(persona)
    draft, submitted, done, approval = (
        records[k] for k in ("draft", "submitted", "done", "approval")
    )
    got: dict[str, int] = {
        "view": api.get(f"/api/v1/plans/{draft.pk}/").status_code,
        "change": api.post(
            "/api/v1/plan-items/",
            {"plan": draft.pk, "when": "2026-03-20", "name": "矩阵检查"},
            format="json",
        ).status_code,
        "accept": api.post(
            f"/api/v1/plans/{submitted.pk}/accept/", {"version": submitted.version}, format="json"
        ).status_code,
        "export": page_as(persona).get(f"/plans/{draft.pk}/export.xlsx").status_code,
        "activity": api.get(f"/api/v1/activities/{done.pk}/").status_code,
        "write_off": api.post(
            f"/api/v1/activities/{done.pk}/write-off/", {"version": done.version}, format="json"
        ).status_code,
        "decide": api.post(
            f"/api/v1/approvals/{approval.pk}/approve/", {}, format="json"
        ).status_code,
    }
    for action, status in got.items():
        assert status < 500, (persona, action, status)
        assert (status < 300) == want[action], (persona, action, status)
    assert (Plan.objects.get(pk=submitted.pk).status == PlanStatus.ACCEPTED) == want["accept"]
    assert (Activity.objects.get(pk=done.pk).status == "written_off") == want["write_off"]
    assert (Approval.objects.get(pk=approval.pk).status == "approved") == want["decide"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_page_matrix(persona, records, page_as) -> None:  # type: ignore[no-untyped-def]
    """The pages answer as the API does: 200 where allowed, 403/404 otherwise."""
    want = expected(persona)
    client = page_as(persona)
    draft, done = records["draft"], records["done"]
    pages = {
        "view": [f"/plans/{draft.pk}/"],
        "export": [f"/plans/{draft.pk}/print.pdf"],
        "accept": ["/plans/consolidation/", "/plans/company/"],
        "activity": [f"/activities/{done.pk}/"],
        "change": [f"/plans/{draft.pk}/items/{draft.items.first().pk}/edit/"],
    }
    for column, urls in pages.items():
        for url in urls:
            status = client.get(url).status_code
            assert status < 500, (persona, url, status)
            assert (status == 200) == want[column], (persona, url, status)
