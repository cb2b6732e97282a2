"""Shared helpers: a division's care plan with realistic items, ready to submit."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest

from guanxi.customers.models import Customer
from guanxi.organisation.models import Person, Unit
from guanxi.plans import services
from guanxi.plans.models import Plan

DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def make_plan(
    people: dict[str, Person], units: dict[str, Unit], make_customer: Callable[..., Customer]
) -> Callable[..., Plan]:
    def make(
        unit: str = "DIV1",
        kind: str = "care",
        actor: str = "div1.manager",
        items: int = 2,
        period: str = "month",
        cost: str = "12000",
    ) -> Plan:
        person = people[actor]
        plan = services.plan_open(actor=person, unit=units[unit], kind=kind, period=period, day=DAY)
        customer = make_customer(unit if unit != "HQ" else "DIV1", name=None)
        for n in range(items):
            services.item_add(
                actor=person,
                plan=plan,
                data=services.ItemData(
                    when=DAY + datetime.timedelta(days=n),
                    name=f"春季客户答谢座谈会{n + 1}",
                    place="天津滨海新区",
                    customer=customer,
                    customer_count=6,
                    content="作业结束后回访，了解服务满意程度",
                    gifts="公司纪念品",
                    our_people=[person],
                    cost=Decimal(cost),
                ),
            )
        plan.refresh_from_db()
        return plan

    return make
