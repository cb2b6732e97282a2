"""`guanxi seed --profile tiny`: visits, customer plans and campaigns go to key customers, by
people entitled to them in the customer's line, and their figures add up."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import Customer
from guanxi.keycustomers.models import (
    ActionPlanRow,
    ActionStatus,
    Campaign,
    CampaignIntent,
    CampaignScope,
    CampaignStatus,
    CampaignTarget,
    ContactPlanRow,
    CustomerPlan,
    FollowUp,
    FollowUpStatus,
    RevenuePlanRow,
    TargetStatus,
    VisitPlan,
    VisitStatus,
)
from guanxi.keycustomers.selectors import campaign_rollup, revenue_totals
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current
from guanxi.seeding.generator import PROFILES, keycustomers
from guanxi.seeding.generator.common import HISTORY_END

HAN = re.compile(r"[\u4e00-\u9fff]")
TODAY = HISTORY_END.date()


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed", profile="tiny", seed=7, no_migrate=True, verbosity=0)


def tier_keys(top: int) -> list[str]:
    return [t.key for t in current().tiers_by_rank()[:top]]


@pytest.mark.usefixtures("seeded")
def test_visits_go_to_key_customers_with_their_key_persons_and_people_of_the_line() -> None:
    visits = VisitPlan.objects.select_related("customer", "created_by").prefetch_related(
        "their_people", "our_people", "notified_units"
    )
    assert {v.customer.tier for v in visits} <= set(tier_keys(2))
    assert {v.direction for v in visits} == {"outgoing", "incoming"}
    for visit in visits:
        unit = visit.customer.owning_unit_id
        their = list(visit.their_people.all())
        ours = list(visit.our_people.all())
        assert their
        assert all(c.customer_id == visit.customer_id and c.is_key for c in their)
        assert visit.created_by in ours
        assert all(may_in_unit(p, "visit.change", unit) for p in ours)
        assert [u.pk for u in visit.notified_units.all()] == [unit]
        assert visit.starts_on <= visit.ends_on
        assert visit.created_at <= HISTORY_END
        assert HAN.search(visit.theme)


@pytest.mark.usefixtures("seeded")
def test_past_visits_are_mostly_summarised_and_upcoming_ones_planned() -> None:
    visits = list(VisitPlan.objects.all())
    for visit in visits:
        summarised = visit.status == VisitStatus.DONE
        assert bool(visit.summary) == summarised == (visit.summarised_at is not None)
        if visit.summarised_at is not None:
            assert visit.summarised_at.date() > visit.ends_on
            assert visit.summarised_at <= HISTORY_END
        if visit.ends_on >= TODAY:
            assert visit.status == VisitStatus.PLANNED
    past = [v for v in visits if v.ends_on < TODAY]
    assert sum(v.status == VisitStatus.DONE for v in past) > len(past) * 3 // 4
    assert any(v.ends_on >= TODAY for v in visits)


@pytest.mark.usefixtures("seeded")
def test_itineraries_fall_on_the_visits_days() -> None:
    visits = VisitPlan.objects.prefetch_related("itinerary")
    for visit in visits:
        rows = list(visit.itinerary.all())
        assert rows
        assert all(visit.starts_on <= row.day <= visit.ends_on for row in rows)
        assert all(HAN.search(row.activity) for row in rows)


@pytest.mark.usefixtures("seeded")
def test_follow_ups_come_from_summaries_owned_by_the_visits_people() -> None:
    items = FollowUp.objects.select_related("visit").prefetch_related("visit__our_people")
    assert {i.visit.status for i in items} == {VisitStatus.DONE}
    assert {i.status for i in items} == {FollowUpStatus.OPEN, FollowUpStatus.DONE}
    for item in items:
        visit = item.visit
        assert item.owner_id in {p.pk for p in visit.our_people.all()}
        assert item.due_on > visit.ends_on
        if item.status == FollowUpStatus.DONE:
            assert item.done_at is not None
            assert item.progress
            assert visit.summarised_at is not None
            assert visit.summarised_at < item.done_at <= HISTORY_END
        else:
            assert item.done_at is None


@pytest.mark.usefixtures("seeded")
def test_every_top_tier_customer_has_last_and_this_years_plan_by_a_manager_of_its_unit() -> None:
    top = Customer.objects.filter(tier__in=tier_keys(1))
    assert top.exists()
    expected = {(c, y) for c in top.values_list("pk", flat=True) for y in keycustomers.PLAN_YEARS}
    plans = CustomerPlan.objects.select_related("customer", "owner")
    assert set(plans.values_list("customer_id", "year")) == expected
    for plan in plans:
        assert may_in_unit(plan.owner, "customer_plan.change", plan.customer.owning_unit_id)
        assert plan.owner.memberships.filter(unit_id=plan.customer.owning_unit_id).exists()
        assert HAN.search(plan.summary)
        assert plan.updated_at.year == plan.year - 1


@pytest.mark.usefixtures("seeded")
def test_contact_plan_pairs_our_people_with_the_customers_key_persons() -> None:
    rows = ContactPlanRow.objects.select_related("plan__customer", "their_person", "our_person")
    assert rows.exists()
    for row in rows:
        customer = row.plan.customer
        assert row.their_person.customer_id == customer.pk
        assert row.their_person.is_key
        assert row.position == row.their_person.position != ""
        assert may_in_unit(row.our_person, "visit.change", customer.owning_unit_id)
        assert row.next_contact_on is not None
        assert row.next_contact_on.year == row.plan.year
        if row.plan.year == TODAY.year:
            assert row.next_contact_on > TODAY
    keys = {(r.plan_id, r.their_person_id) for r in rows}
    assert len(keys) == rows.count()


@pytest.mark.usefixtures("seeded")
def test_action_rows_lie_in_the_plans_year_with_the_status_of_their_dates() -> None:
    rows = ActionPlanRow.objects.select_related("plan__customer", "owner")
    assert {r.status for r in rows} >= {ActionStatus.DONE, ActionStatus.PLANNED}
    for row in rows:
        assert row.starts_on.year == row.ends_on.year == row.plan.year
        assert row.starts_on <= row.ends_on
        if row.ends_on < TODAY:
            assert row.status == ActionStatus.DONE
        elif row.starts_on > TODAY:
            assert row.status == ActionStatus.PLANNED
        else:
            assert row.status == ActionStatus.IN_PROGRESS
        assert may_in_unit(row.owner, "customer_plan.change", row.plan.customer.owning_unit_id)


@pytest.mark.usefixtures("seeded")
def test_revenue_rows_store_exactly_what_the_model_computes() -> None:
    rows = list(RevenuePlanRow.objects.order_by("pk"))
    assert rows
    rounded = 0
    for row in rows:
        stored = (row.expected_revenue, row.profit)
        row.compute()
        assert (row.expected_revenue, row.profit) == stored
        assert 0 < row.win_rate <= 1
        assert 0 < row.margin <= 1
        rounded += row.contract_amount * row.win_rate != row.expected_revenue
    assert rounded  # some rows needed the half-up rounding to the fen, not just a product
    # the seeded figures are the ones the plan page totals
    plan = CustomerPlan.objects.order_by("pk").first()
    assert plan is not None
    mine = [r for r in rows if r.plan_id == plan.pk]
    totals = revenue_totals(plan)
    assert totals.expected_revenue == sum((r.expected_revenue for r in mine), Decimal(0))
    assert totals.profit == sum((r.profit for r in mine), Decimal(0))


def test_revenue_figures_round_half_up_and_take_the_profit_from_the_rounded_revenue() -> None:
    figures = keycustomers.revenue_figures(Decimal(1001), Decimal("0.1250"), Decimal("0.50"))
    # 1001 × 0.125 = 125.125 → 125.13 (half up, not to even); 125.13 × 0.5 = 62.565 → 62.57
    # (from the unrounded revenue it would be 62.5625 → 62.56)
    assert figures == (
        Decimal(1001),
        Decimal("0.1250"),
        Decimal("0.50"),
        Decimal("125.13"),
        Decimal("62.57"),
    )


@pytest.mark.usefixtures("seeded")
def test_campaigns_are_hqs_company_wide_ones_the_latest_still_running() -> None:
    hq = Unit.objects.get(parent__isnull=True)
    campaigns = list(Campaign.objects.select_related("created_by").order_by("starts_on"))
    assert len(campaigns) == keycustomers.campaign_count(PROFILES["tiny"])
    for campaign in campaigns:
        assert (campaign.unit_id, campaign.scope) == (hq.pk, CampaignScope.COMPANY)
        assert may_in_unit(campaign.created_by, "campaign.publish", hq.pk)
        assert campaign.starts_on < campaign.ends_on
        assert campaign.published_at is not None
        assert campaign.published_at.date() < campaign.starts_on
        running = campaign.ends_on >= TODAY
        status = CampaignStatus.PUBLISHED if running else CampaignStatus.CLOSED
        assert campaign.status == status
    assert campaigns[-1].status == CampaignStatus.PUBLISHED
    assert campaigns[0].status == CampaignStatus.CLOSED


@pytest.mark.usefixtures("seeded")
def test_campaign_targets_are_reported_by_the_customers_own_unit() -> None:
    targets = CampaignTarget.objects.select_related("customer", "campaign")
    assert targets.exists()
    intents = {
        TargetStatus.NOT_STARTED: {CampaignIntent.UNKNOWN},
        TargetStatus.CONTRACTED: {CampaignIntent.HIGH},
        TargetStatus.DECLINED: {CampaignIntent.LOW},
    }
    for target in targets:
        campaign = target.campaign
        assert target.unit_id == target.customer.owning_unit_id
        assert target.intent in intents.get(target.status, set(CampaignIntent))
        opened = datetime.datetime.combine(campaign.starts_on, datetime.time(), tzinfo=datetime.UTC)
        assert opened <= target.updated_at <= HISTORY_END
    # the rollup HQ reads counts them per reporting unit
    hq_manager = Person.objects.get(username="hq.manager")
    running = Campaign.objects.filter(status=CampaignStatus.PUBLISHED).order_by("pk").last()
    assert running is not None
    rollup = campaign_rollup(actor=hq_manager, campaign=running)
    assert sum(row["n"] for row in rollup) == targets.filter(campaign=running).count() > 0


@pytest.mark.usefixtures("seeded")
def test_briefing_materials_are_pdfs_uploaded_by_the_visits_people() -> None:
    from django.core.files.storage import default_storage

    from guanxi.keycustomers.models import BriefingMaterial

    materials = list(BriefingMaterial.objects.select_related("visit"))
    assert 0 < len(materials) < VisitPlan.objects.count()
    for material in materials:
        with default_storage.open(material.file.name) as stored:
            head = stored.read(5)
        assert head == b"%PDF-"
        assert material.size == default_storage.size(material.file.name)
        assert material.content_type == "application/pdf"
        assert material.name.startswith("会议备参")
        assert material.uploaded_by_id in {p.pk for p in material.visit.our_people.all()}
        assert material.uploaded_at >= material.visit.created_at
