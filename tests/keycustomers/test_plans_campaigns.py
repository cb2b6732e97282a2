"""Customer plans (003 §14–16) and campaigns (002 §6): computed in Decimal, counted in SQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from guanxi.keycustomers import campaigns, customer_plans, visits
from guanxi.keycustomers.models import ContactPlanRow, RevenuePlanRow, yuan
from guanxi.keycustomers.selectors import (
    campaign_list,
    campaign_rollup,
    contact_rows,
    revenue_totals,
)
from guanxi.keycustomers.templatetags.keycustomers import percent
from guanxi.web.templatetags.formats import yuan as yuan_filter

pytestmark = pytest.mark.django_db


def test_revenue_is_amount_times_rate_and_profit_revenue_times_margin(make_plan) -> None:
    plan = make_plan()
    row = plan.revenue_rows.get()
    assert row.expected_revenue == Decimal("7407407.34")  # 12,345,678.90 × 0.6
    assert row.profit == Decimal("1111111.10")  # 7,407,407.34 × 0.15 = 1,111,111.101


def test_totals_are_the_sum_of_the_rows_shown(make_plan, people) -> None:
    plan = make_plan()
    customer_plans.plan_row_add(
        actor=people["div1.cm"],
        plan=plan,
        kind=RevenuePlanRow,
        project="测井服务",
        contract_amount=Decimal("0.05"),
        win_rate=Decimal("0.5"),
        margin=Decimal("0.5"),
    )  # 0.025 rounds half up to 0.03; profit 0.015 → 0.02
    totals = revenue_totals(plan)
    assert totals.contract_amount == Decimal("12345678.95")
    assert totals.expected_revenue == Decimal("7407407.37")
    assert totals.profit == Decimal("1111111.12")
    assert yuan_filter(totals.expected_revenue) == "7,407,407.37 元"


def test_a_win_rate_above_one_is_refused(make_plan, people) -> None:
    plan = make_plan()
    with pytest.raises(ValidationError):
        customer_plans.plan_row_add(
            actor=people["div1.cm"],
            plan=plan,
            kind=RevenuePlanRow,
            project="x",
            contract_amount=Decimal("100"),
            win_rate=Decimal("1.5"),
            margin=Decimal("0.1"),
        )


@given(
    amount=st.decimals(min_value=0, max_value=10**12, places=2),
    rate=st.decimals(min_value=0, max_value=1, places=4),
)
def test_yuan_rounding_never_goes_through_float(amount: Decimal, rate: Decimal) -> None:
    value = yuan(amount * rate)
    assert value == (amount * rate).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert yuan_filter(value).endswith(" 元")


def test_percent_shows_a_rate_as_people_write_it() -> None:
    assert percent(Decimal("0.6000")) == "60%"
    assert percent(Decimal("0.1250")) == "12.5%"


def test_one_plan_per_customer_and_year(make_plan, people) -> None:
    plan = make_plan()
    with pytest.raises(ValidationError):
        customer_plans.customer_plan_create(
            actor=people["div1.cm"], customer=plan.customer, year=plan.year
        )


def test_contacts_made_are_counted_from_contact_reports_of_the_plans_year(
    make_plan, people
) -> None:
    from guanxi.contactreports import services as reports
    from guanxi.customers import archive

    plan = make_plan()
    contact = archive.contact_create(
        actor=people["hq.manager"], customer=plan.customer, name="李海东", position="采办经理"
    )
    other = archive.contact_create(
        actor=people["hq.manager"], customer=plan.customer, name="周建华"
    )
    customer_plans.plan_row_add(
        actor=people["div1.cm"],
        plan=plan,
        kind=ContactPlanRow,
        our_person=people["div1.cm"],
        their_person=contact,
    )
    for day, theirs, ours in (
        (date(2025, 2, 1), [contact], [people["div1.cm"]]),
        (date(2025, 5, 1), [contact, other], [people["div1.cm"], people["div1.staff"]]),
        (date(2025, 6, 1), [other], [people["div1.cm"]]),  # not with this contact
        (date(2025, 7, 1), [contact], [people["div1.staff"]]),  # not with this person of ours
        (date(2024, 6, 1), [contact], [people["div1.cm"]]),  # another year
    ):
        reports.contact_report_create(
            actor=people["div1.cm"],
            customer=plan.customer,
            key_persons=theirs,
            our_people=ours,
            kind="call",
            contacted_on=day,
            summary="电话沟通合作进展",
        )
    visit = visits.visit_create(
        actor=people["div1.cm"],
        direction="incoming",
        customer=plan.customer,
        theme="来访",
        starts_on=date(2025, 3, 1),
        ends_on=date(2025, 3, 1),
        their_people=[contact],
        our_people=[people["div1.cm"]],
    )
    visits.visit_summarise(actor=people["div1.cm"], visit=visit, version=1, summary="会谈")
    row = contact_rows(plan).get()
    assert row.contacts_made == 2  # this year's reports naming both; a visit needs its report
    assert row.position == "采办经理"


def test_contact_counts_cost_one_query_however_many_rows(make_plan, people) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.customers import archive

    plan = make_plan()
    for n in range(6):
        contact = archive.contact_create(
            actor=people["hq.manager"], customer=plan.customer, name=f"联系人{n}"
        )
        customer_plans.plan_row_add(
            actor=people["div1.cm"],
            plan=plan,
            kind=ContactPlanRow,
            our_person=people["div1.cm"],
            their_person=contact,
        )
    with CaptureQueriesContext(connection) as captured:
        assert [row.contacts_made for row in contact_rows(plan)] == [0] * 6
    assert len(captured) == 1


def test_only_plan_writers_may_write_plans(make_customer, people) -> None:
    customer = make_customer("DIV1")
    with pytest.raises(PermissionDenied):
        customer_plans.customer_plan_create(actor=people["exec"], customer=customer, year=2025)


def test_only_hq_publishes_company_wide_campaigns(people, units) -> None:
    with pytest.raises(ValidationError):
        campaigns.campaign_create(
            actor=people["div1.manager"],
            scope="company",
            unit=units["DIV1"],
            title="x",
            product="y",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 2, 1),
        )
    regional = campaigns.campaign_create(
        actor=people["div1.manager"],
        scope="regional",
        unit=units["DIV1"],
        title="渤海区域推广",
        product="固井",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 2, 1),
    )
    assert regional.pk
    with pytest.raises(PermissionDenied):
        campaigns.campaign_create(
            actor=people["div1.staff"],
            scope="regional",
            unit=units["DIV1"],
            title="x",
            product="y",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 2, 1),
        )


def test_a_published_company_campaign_is_seen_by_every_unit(hq_campaign, people) -> None:
    assert hq_campaign in campaign_list(actor=people["div2.staff"])
    assert hq_campaign in campaign_list(actor=people["branch1.staff"])
    assert hq_campaign not in campaign_list(actor=people["finance"])


def test_units_report_targets_and_hq_sees_the_rollup(hq_campaign, people, make_customer) -> None:
    for unit, actor, status in (
        ("DIV1", "div1.staff", "promoted"),
        ("BASE11", "div1.staff", "promoted"),
        ("DIV2", "div2.staff", "negotiating"),
    ):
        campaigns.target_add(
            actor=people[actor],
            campaign=hq_campaign,
            customer=make_customer(unit),
            intent="high",
            status=status,
        )
    rollup = {
        (r["unit__name"], r["status"]): r["n"]
        for r in campaign_rollup(actor=people["hq.manager"], campaign=hq_campaign)
    }
    assert rollup[("油田技术事业部市场营销部", "negotiating")] == 1
    assert sum(rollup.values()) == 3
    div1_view = campaign_rollup(actor=people["div1.staff"], campaign=hq_campaign)
    assert sum(r["n"] for r in div1_view) == 2  # a division sees its own line only


def test_a_unit_cannot_report_on_another_lines_customer(hq_campaign, people, make_customer) -> None:
    with pytest.raises(PermissionDenied):
        campaigns.target_add(
            actor=people["div1.staff"], campaign=hq_campaign, customer=make_customer("DIV2")
        )


def test_a_draft_campaign_takes_no_targets(people, units, make_customer) -> None:
    draft = campaigns.campaign_create(
        actor=people["hq.manager"],
        scope="company",
        unit=units["HQ"],
        title="草稿",
        product="p",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 2, 1),
    )
    with pytest.raises(ValidationError):
        campaigns.target_add(actor=people["div1.staff"], campaign=draft, customer=make_customer())
