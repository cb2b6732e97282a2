"""Demo data for key-customer work: visits with summaries and follow-ups, an annual customer
plan per key customer, and a published company-wide campaign with targets. Idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from guanxi.customers.models import Contact, Customer
from guanxi.keycustomers import campaigns, customer_plans, visits
from guanxi.keycustomers.models import (
    ActionPlanRow,
    Campaign,
    ContactPlanRow,
    CustomerPlan,
    RevenuePlanRow,
    VisitPlan,
)
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.demo_org import Cast

THEMES = ["年度高层拜访", "钻完井一体化服务合作洽谈", "技术交流与新产品推介", "合同执行情况沟通"]
PROJECTS = [
    ("渤中19-6 钻井服务", "38000000.00"),
    ("测井技术服务", "6500000.00"),
    ("固井作业服务", "12800000.00"),
]


def _people() -> dict[str, Person]:
    """The HQ manager who leads visits and customer plans, and the customer manager of the first
    line who owns them (cosl: hq.manager and div1.cm), chosen by the policy's grants."""
    cast = Cast.load(current_policy())
    work = ("customer.change", "visit.change", "customer_plan.change")
    lead = cast.member(cast.root, *work)
    lines = [unit for unit in cast.units.values() if unit != cast.root]
    # a customer manager, not the line's department manager (who consolidates its plans)
    owners = [cast.member(u, *work, lacking="plan.consolidate") for u in lines]
    owner = next((p for p in owners if p is not None), None)
    return {"lead": lead, "owner": owner} if lead and owner else {}


def _visit(
    customer: Customer, contact: Contact, people: dict[str, Person], n: int, rng: random.Random
) -> None:
    start = date(2025, 3, 3) + timedelta(days=14 * n)
    manager = people["lead"]
    visit = visits.visit_create(
        actor=manager,
        direction="outgoing" if n % 2 == 0 else "incoming",
        customer=customer,
        theme=rng.choice(THEMES),
        starts_on=start,
        ends_on=start + timedelta(days=1),
        their_people=[contact],
        our_people=[manager, people["owner"]],
        notified_units=list(Unit.objects.filter(pk=customer.owning_unit_id)),
        duties=f"{manager.display_name}：主谈；{people['owner'].display_name}：纪要与备参材料",
        matters="年度合作框架、新技术应用、价格调整",
        itinerary=[visits.Stop(day=start, time="09:30", place="客户总部", activity="座谈会")],
    )
    if n % 3 != 2:
        visits.visit_summarise(
            actor=manager,
            visit=visit,
            version=visit.version,
            summary="双方回顾了上年合作，客户对作业时效表示满意，希望加强技术交流。",
            follow_ups=[
                visits.NewFollowUp(
                    title="提交技术交流方案",
                    owner=people["owner"],
                    due_on=start + timedelta(days=30),
                )
            ],
        )


def _plan(customer: Customer, contact: Contact, people: dict[str, Person]) -> None:
    plan = customer_plans.customer_plan_create(
        actor=people["lead"],
        customer=customer,
        year=2025,
        owner=people["owner"],
        summary="巩固主力服务份额，拓展测井与固井业务。",
        strengths="服务响应快，装备齐全",
        weaknesses="价格竞争力一般",
        opportunities="客户新开调整井",
        threats="民营服务商低价竞争",
        competition="主要竞争对手为两家民营油服企业，价格低 8%～10%。",
        assessment="关系处于成长期，决策层态度积极。",
        objectives="合同额同比增长 15%",
    )
    actor = people["lead"]
    customer_plans.plan_row_add(
        actor=actor,
        plan=plan,
        kind=ContactPlanRow,
        our_person=people["owner"],
        their_person=contact,
        next_contact_on=date(2025, 9, 15),
    )
    customer_plans.plan_row_add(
        actor=actor,
        plan=plan,
        kind=ActionPlanRow,
        action="组织技术交流会",
        owner=people["owner"],
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 4, 30),
    )
    for project, amount in PROJECTS:
        customer_plans.plan_row_add(
            actor=actor,
            plan=plan,
            kind=RevenuePlanRow,
            project=project,
            contract_amount=Decimal(amount),
            win_rate=Decimal("0.6"),
            margin=Decimal("0.18"),
        )


def _campaign(customers: list[Customer], people: dict[str, Person]) -> None:
    hq = Unit.objects.filter(code="HQ").first()
    if hq is None or Campaign.objects.exists():
        return
    manager = people["lead"]
    campaign = campaigns.campaign_create(
        actor=manager,
        scope="company",
        unit=hq,
        title="2025 年随钻测井服务全国推广",
        product="随钻测井 LWD",
        starts_on=date(2025, 4, 1),
        ends_on=date(2025, 12, 31),
        description="面向各油公司推广新一代随钻测井服务，各单位摸排合作意向并及时反馈。",
    )
    campaign = campaigns.campaign_publish(actor=manager, campaign=campaign, version=1)
    for n, customer in enumerate(customers):
        campaigns.target_add(
            actor=manager,
            campaign=campaign,
            customer=customer,
            intent=["high", "medium", "low"][n % 3],
            status=["promoted", "negotiating", "not_started"][n % 3],
        )


@transaction.atomic
def load_keycustomers_demo(per_unit: int = 2, seed: int = 2028) -> dict[str, int]:
    """Visits, plans and a campaign for the first key customers of each unit (call after
    the demo archive is loaded; does nothing if visits already exist)."""
    people = _people()
    if VisitPlan.objects.exists() or not people:
        return {"visits": VisitPlan.objects.count(), "customer_plans": CustomerPlan.objects.count()}
    rng = random.Random(seed)
    chosen: list[tuple[Customer, Contact]] = []
    for unit in Unit.objects.order_by("path"):
        for customer in Customer.objects.filter(owning_unit=unit).order_by("id")[:per_unit]:
            contact = Contact.objects.filter(customer=customer).order_by("-is_key", "id").first()
            if contact is not None:
                chosen.append((customer, contact))
    for n, (customer, contact) in enumerate(chosen):
        _visit(customer, contact, people, n, rng)
        _plan(customer, contact, people)
    _campaign([c for c, _contact in chosen], people)
    return {"visits": VisitPlan.objects.count(), "customer_plans": CustomerPlan.objects.count()}
