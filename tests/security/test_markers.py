"""Marker records planted in every unit never appear in another line's lists, searches, API
lists, exports or error pages (issue 6): the archive, and plans, plan items, activities,
approvals, visit plans with follow-ups and customer plans."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from rest_framework.test import APIClient

from guanxi.activities import services as activities
from guanxi.keycustomers import customer_plans, visits
from guanxi.keycustomers.models import ActionPlanRow
from guanxi.organisation.models import Person, Unit
from guanxi.plans import services as plans
from guanxi.policy.loader import current as current_policy
from tests.security.world import Planted, plant

PLANTED_IN = ("HQ", "DIV1", "BASE11", "DIV2", "BASE21", "BR1")
# persona -> the units whose markers they may see (their line)
LINES = {
    "div1.manager": {"DIV1", "BASE11"},
    "div2.staff": {"DIV2", "BASE21"},
    "branch1.manager": {"BR1"},
}
API_LISTS = (
    "customers",
    "customer-departments",
    "contacts",
    "relationships",
    "dealings",
    "contract-summaries",
    "operations",
    "market-reports",
    "personal-data-requests",
    "review/customers",
    "history",
    "plans",
    "plan-items",
    "activities",
    "approvals",
    "visit-plans",
    "follow-ups",
    "customer-plans",
    "action-plan-rows",
)
PAGES = (
    "/customers/",
    "/review/",
    "/plans/",
    "/activities/",
    "/approvals/",
    "/keycustomers/visits/",
    "/keycustomers/follow-ups/",
    "/keycustomers/customer-plans/",
)


def marker(unit: str) -> str:
    return f"标记{unit}号"


DAY = datetime.date(2026, 3, 10)


def plant_later(actor: Person, unit: Unit, mark: str, planted: Planted) -> None:
    """A plan with an item, a costly unplanned activity (so an approval titled with its name),
    a visit plan with a follow-up, and a customer plan with an action row, all named `mark`."""
    policy = current_policy()
    if unit.kind in {*policy.plans["care"].submitted_by, policy.root_kind().key}:
        plan = plans.plan_open(actor=actor, unit=unit, kind="care", period="month", day=DAY)
        plans.item_add(
            actor=actor,
            plan=plan,
            data=plans.ItemData(when=DAY, name=f"{mark}答谢会", customer=planted.customer),
        )
    activities.activity_record(
        actor=actor,
        unit=unit,
        kind="care",
        data=activities.ActivityData(
            name=f"{mark}慰问", date=DAY, customer=planted.customer, cost=Decimal("45000")
        ),
    )
    visit = visits.visit_create(
        actor=actor,
        direction="outgoing",
        customer=planted.customer,
        theme=f"{mark}拜访",
        starts_on=DAY,
        ends_on=DAY,
        their_people=[planted.contact],
        notified_units=[unit],
    )
    visits.follow_up_add(actor=actor, visit=visit, title=f"{mark}跟进", owner=actor, due_on=DAY)
    customer_plan = customer_plans.customer_plan_create(
        actor=actor, customer=planted.customer, year=2026, summary=f"{mark}年度计划"
    )
    customer_plans.plan_row_add(
        actor=actor,
        plan=customer_plan,
        kind=ActionPlanRow,
        action=f"{mark}行动",
        owner=actor,
        starts_on=DAY,
        ends_on=DAY,
    )


@pytest.fixture
def markers(people: dict[str, Person], units: dict[str, Unit]) -> dict[str, int]:
    """The customer id planted in each unit (with the later records beside it)."""
    planted = {}
    for n, code in enumerate(PLANTED_IN):
        world = plant(
            actor=people["hq.manager"], unit=units[code], marker=marker(code), code_seed=50 + n
        )
        plant_later(people["hq.manager"], units[code], marker(code), world)
        planted[code] = world.customer.pk
    return planted


def everything_seen(person: Person, markers: dict[str, int]) -> dict[str, str]:
    """All text the person gets from lists, searches, exports and refused detail pages."""
    page = Client()
    page.force_login(person)
    api = APIClient()
    api.force_authenticate(person)
    seen: dict[str, str] = {}

    def get(client: Client, path: str, **params: str) -> None:
        body = client.get(path, params).content.decode(errors="replace")
        seen[f"{path} {params}"] = body.replace(params.get("q", "\0"), "")  # the echoed query

    for path in PAGES:
        get(page, path)
    for code, pk in markers.items():
        for query in (marker(code), f"{marker(code)}王志刚"):
            get(page, "/customers/", q=query)
            get(api, "/api/v1/customers/", q=query)
        get(page, f"/customers/{pk}/")  # the 404 page when not in the line
        get(api, f"/api/v1/customers/{pk}/")
        get(page, f"/history/customer/{pk}/")
    get(page, "/customers/", q="13912345678")  # every marker's contact has this phone
    get(api, "/api/v1/customers/", q="13912345678")
    for name in API_LISTS:
        get(api, f"/api/v1/{name}/", page_size="200")
    return seen


def exported_names(person: Person) -> set[str]:
    import io

    from openpyxl import load_workbook

    page = Client()
    page.force_login(person)
    answer = page.get("/customers/export.xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    return {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c}


def test_markers_stay_in_their_line(people, markers: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for username, line in LINES.items():
        seen = everything_seen(people[username], markers)
        leaked = [
            (code, where)
            for where, text in seen.items()
            for code in PLANTED_IN
            if code not in line and marker(code) in text
        ]
        everything = "\n".join(seen.values())
        shown = [code for code in line if marker(code) in everything]
        assert leaked == [], username
        assert sorted(shown) == sorted(line), username  # the check can see what it looks for
        for where in ("/activities/ {}", "/api/v1/approvals/ {'page_size': '200'}"):
            here = [code for code in line if marker(code) in seen[where]]
            assert sorted(here) == sorted(line), (username, where)  # the later records too
        visits_seen = [code for code in line if marker(code) in seen["/keycustomers/visits/ {}"]]
        assert sorted(visits_seen) == sorted(line), username


def test_exports_hold_only_the_line(people, markers: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    for username in ("div1.manager", "branch1.manager"):
        text = " ".join(exported_names(people[username]))
        assert {code for code in PLANTED_IN if marker(code) in text} == LINES[username]


def test_notifications_about_a_marker_go_only_to_its_own_unit(  # type: ignore[no-untyped-def]
    people, units, markers: dict[str, int]
) -> None:
    """The visit notices queued in the outbox reach only people of the unit notified."""
    from guanxi.organisation.models import Membership
    from guanxi.outbox.models import Message

    checked = 0
    for code in PLANTED_IN:
        allowed = set(
            Membership.objects.filter(unit=units[code])
            .exclude(person__email="")
            .values_list("person__email", flat=True)
        ) | {people["hq.manager"].email}  # the visit's author
        sent_to = set(
            Message.objects.filter(subject__contains=marker(code)).values_list(
                "recipient", flat=True
            )
        )
        assert sent_to <= allowed, code
        checked += len(sent_to)
    assert checked > 0  # notices were queued: the check looked at real messages
