"""Shared makers for key-customer tests: a visit, a customer plan, a published campaign."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from guanxi.keycustomers import campaigns, customer_plans, visits
from guanxi.keycustomers.models import RevenuePlanRow


@pytest.fixture
def make_visit(people, units, make_customer, make_key_person):  # type: ignore[no-untyped-def]
    def make(unit: str = "DIV1", actor: str = "div1.manager", **extra):  # type: ignore[no-untyped-def]
        customer = make_customer(unit, name=extra.pop("customer_name", None))
        contact = make_key_person(customer, name="周建华")
        data = {
            "direction": "outgoing",
            "customer": customer,
            "theme": "渤海湾钻完井一体化服务合作洽谈",
            "starts_on": date(2025, 3, 10),
            "ends_on": date(2025, 3, 11),
            "their_people": [contact],
            "our_people": [people["div1.manager"], people["div1.cm"]],
            "notified_units": [units["BASE11"]],
            "duties": "张志强：主谈；陈静：会议纪要与备参材料",
            "itinerary": [
                visits.Stop(
                    day=date(2025, 3, 10), time="09:30", place="天津塘沽", activity="技术交流会"
                ),
                visits.Stop(
                    day=date(2025, 3, 11), time="14:00", place="渤海石油基地", activity="现场参观"
                ),
            ],
        }
        data.update(extra)
        return visits.visit_create(actor=people[actor], **data)

    return make


@pytest.fixture
def make_plan(people, make_customer, make_key_person):  # type: ignore[no-untyped-def]
    def make(unit: str = "DIV1", year: int = 2025):  # type: ignore[no-untyped-def]
        customer = make_customer(unit)
        plan = customer_plans.customer_plan_create(
            actor=people["div1.cm"] if unit in {"DIV1", "BASE11"} else people["hq.manager"],
            customer=customer,
            year=year,
            summary="巩固渤海湾钻井服务份额，拓展测井业务。",
            strengths="服务响应快，装备齐全",
        )
        customer_plans.plan_row_add(
            actor=people["hq.manager"],
            plan=plan,
            kind=RevenuePlanRow,
            project="渤中19-6 钻井服务",
            contract_amount=Decimal("12345678.90"),
            win_rate=Decimal("0.6"),
            margin=Decimal("0.15"),
        )
        return plan

    return make


@pytest.fixture
def hq_campaign(people, units):  # type: ignore[no-untyped-def]
    campaign = campaigns.campaign_create(
        actor=people["hq.manager"],
        scope="company",
        unit=units["HQ"],
        title="2025 年随钻测井服务全国推广",
        product="随钻测井 LWD",
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 12, 31),
    )
    return campaigns.campaign_publish(
        actor=people["hq.manager"], campaign=campaign, version=campaign.version
    )
