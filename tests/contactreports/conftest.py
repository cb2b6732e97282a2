"""Makers for contact-report tests: a customer of DIV1 managed by div1.cm, with key persons,
and reports about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from guanxi.contactreports import services
from guanxi.contactreports.models import ContactReport
from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person


@dataclass
class Managed:
    customer: Customer
    zhou: Contact  # 周建华, the customer's chief engineer
    li: Contact  # 李海东, its purchasing manager


@pytest.fixture
def managed(make_customer, make_key_person, people) -> Managed:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="渤海石油钻采工程有限公司")
    Customer.objects.filter(pk=customer.pk).update(manager=people["div1.cm"])
    customer.refresh_from_db()
    zhou = make_key_person(customer, name="周建华")
    li = make_key_person(customer, name="李海东")
    return Managed(customer=customer, zhou=zhou, li=li)


@pytest.fixture
def report(people: dict[str, Person]) -> Callable[..., ContactReport]:
    def make(customer: Customer, person: Contact, **extra: Any) -> ContactReport:
        data: dict[str, Any] = {
            "kind": "call",
            "contacted_on": date(2025, 5, 12),
            "summary": "电话沟通三季度固井作业安排，客户希望提前一周进场。",
            "follow_up": "下周提交进场计划",
            "our_people": [people["div1.staff"]],
        }
        data.update(extra)
        actor = people[data.pop("actor", "div1.staff")]
        return services.contact_report_create(
            actor=actor, customer=customer, key_persons=[person], **data
        )

    return make
