"""Script stored in every free-text field of plans, activities, approvals, visits, customer
plans, campaigns and delegations comes back escaped on every page that shows them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db.models import CharField, Model, TextField
from django.test import Client

from guanxi.activities import services as activities
from guanxi.approvals.models import Approval
from guanxi.approvals.services import delegation_create
from guanxi.keycustomers import campaigns, customer_plans, visits
from guanxi.keycustomers.models import (
    ActionPlanRow,
    Campaign,
    CampaignTarget,
    CustomerPlan,
    RevenuePlanRow,
    VisitPlan,
)
from guanxi.organisation.models import Person, Unit
from guanxi.plans import services as plans
from guanxi.plans.models import PlanItem
from tests.security.test_xss import PAYLOAD
from tests.security.world import Planted, plant

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 10)


def texts(model: type[Model], names: tuple[str, ...]) -> dict[str, str]:
    """Each free-text field among `names` (no choices) filled with the payload, cut to fit."""
    filled = {}
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, (CharField, TextField)) and not field.choices:
            filled[name] = PAYLOAD[: field.max_length or None]
    return filled


@dataclass
class World:
    planted: Planted
    plan: int
    item: int
    activity: int
    approval: int
    visit: int
    customer_plan: int
    campaign: int


@pytest.fixture
def world(people: dict[str, Person], units: dict[str, Unit]) -> World:
    boss, manager = people["hq.manager"], people["div1.manager"]
    planted = plant(actor=boss, unit=units["DIV1"], marker="脚本二", code_seed=47, text=PAYLOAD)
    item_texts = texts(PlanItem, ("name", "place", "gifts", "content", "documents"))
    plan = plans.plan_open(actor=manager, unit=units["DIV1"], kind="care", period="month", day=DAY)
    item = plans.item_add(
        actor=manager,
        plan=plan,
        data=plans.ItemData(
            when=DAY,
            customer=planted.customer,
            our_people=[manager],
            cost=Decimal("1000"),
            **item_texts,
        ),
    )
    plan.refresh_from_db()
    plans.plan_update_note(actor=manager, plan=plan, version=plan.version, note=PAYLOAD)
    # an unplanned, costly activity: it waits on HQ's approval, whose title quotes its name
    activity = activities.activity_record(
        actor=manager,
        unit=units["DIV1"],
        kind="care",
        data=activities.ActivityData(
            name=PAYLOAD[:200],
            date=DAY,
            place=PAYLOAD[:200],
            customer=planted.customer,
            cost=Decimal("45000"),
            result=PAYLOAD,
        ),
    )
    approval = Approval.objects.filter(subject_id=activity.pk).order_by("-id").first()
    assert approval is not None
    delegation_create(
        actor=boss,
        delegate=people["hq.staff"],
        starts=DAY,
        ends=DAY + datetime.timedelta(days=5),
        note=PAYLOAD[:200],
    )
    visit_texts = texts(VisitPlan, visits.VISIT_FIELDS)
    visit = visits.visit_create(
        actor=boss,
        direction="outgoing",
        customer=planted.customer,
        their_people=[planted.contact],
        itinerary=[visits.Stop(day=DAY, activity=PAYLOAD[:200], place=PAYLOAD[:100])],
        **{**visit_texts, "starts_on": DAY, "ends_on": DAY},
    )
    visit = visits.visit_summarise(
        actor=boss,
        visit=visit,
        version=visit.version,
        summary=PAYLOAD,
        information=PAYLOAD,
        meaning=PAYLOAD,
        follow_ups=[visits.NewFollowUp(title=PAYLOAD[:200], owner=boss, due_on=DAY)],
    )
    plan_texts = texts(CustomerPlan, customer_plans.PLAN_FIELDS)
    customer_plan = customer_plans.customer_plan_create(
        actor=boss, customer=planted.customer, year=2026, **plan_texts
    )
    customer_plans.plan_row_add(
        actor=boss,
        plan=customer_plan,
        kind=ActionPlanRow,
        action=PAYLOAD[:200],
        owner=boss,
        starts_on=DAY,
        ends_on=DAY,
    )
    customer_plans.plan_row_add(
        actor=boss,
        plan=customer_plan,
        kind=RevenuePlanRow,
        project=PAYLOAD[:200],
        contract_amount=Decimal("100"),
        win_rate=Decimal("0.5"),
        margin=Decimal("0.1"),
        note=PAYLOAD[:200],
    )
    campaign = campaigns.campaign_create(
        actor=boss,
        scope="company",
        unit=units["HQ"],
        starts_on=DAY,
        ends_on=DAY + datetime.timedelta(days=30),
        **texts(Campaign, campaigns.CAMPAIGN_FIELDS),
    )
    campaign = campaigns.campaign_publish(actor=boss, campaign=campaign, version=campaign.version)
    campaigns.target_add(
        actor=manager,
        campaign=campaign,
        customer=planted.customer,
        **texts(CampaignTarget, campaigns.TARGET_FIELDS),
    )
    return World(
        planted, plan.pk, item.pk, activity.pk, approval.pk, visit.pk, customer_plan.pk, campaign.pk
    )


def pages(w: World) -> list[str]:
    month = DAY.replace(day=1).isoformat()
    return [
        "/plans/",
        f"/plans/{w.plan}/",
        f"/plans/{w.plan}/items/{w.item}/edit/",
        "/plans/consolidation/",
        f"/plans/company/?period=month&day={month}",
        "/activities/",
        f"/activities/{w.activity}/",
        "/approvals/",
        f"/approvals/{w.approval}/",
        "/approvals/delegations/",
        "/keycustomers/visits/",
        f"/keycustomers/visits/{w.visit}/",
        "/keycustomers/follow-ups/",
        "/keycustomers/customer-plans/",
        f"/keycustomers/customer-plans/{w.customer_plan}/",
        f"/keycustomers/customer-plans/{w.customer_plan}/edit/",
        "/keycustomers/campaigns/",
        f"/keycustomers/campaigns/{w.campaign}/",
        f"/customers/{w.planted.customer.pk}/",
    ]


def summaries(w: World) -> list[str]:
    """Pages that list or total records without showing their free text."""
    month = DAY.replace(day=1).isoformat()
    return [
        "/plans/",
        "/plans/consolidation/",
        f"/plans/company/?period=month&day={month}",  # the plan is not accepted yet
        "/keycustomers/customer-plans/",
    ]


def test_every_page_of_the_later_records_escapes_stored_script(people, world: World) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(people["hq.manager"])
    shown = []
    for path in pages(world):
        answer = client.get(path)
        html = answer.content.decode()
        assert answer.status_code == 200, path
        assert "<script>alert(1)" not in html, path
        assert "<img src=x" not in html, path
        if "&lt;script&gt;alert(1)&lt;/script&gt;" in html:
            shown.append(path)
    # the payload really is on the page, as text, wherever the page shows free text
    assert sorted(set(pages(world)) - set(shown)) == sorted(summaries(world))


def test_the_api_returns_the_later_records_text_as_data(api_as, world: World) -> None:  # type: ignore[no-untyped-def]
    client = api_as("hq.manager")
    for path in (
        f"/api/v1/plans/{world.plan}/",
        f"/api/v1/activities/{world.activity}/",
        f"/api/v1/approvals/{world.approval}/",
        f"/api/v1/visit-plans/{world.visit}/",
        f"/api/v1/customer-plans/{world.customer_plan}/",
        f"/api/v1/campaigns/{world.campaign}/",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer["Content-Type"].startswith("application/json"), path
        assert "<script>alert(1)</script>" in answer.content.decode(), path  # data, not markup
