"""Demo data for contact reports: a year (2025) of reports for the key customers of the
key-customer demo, those customers' manager, and a next contact date for each. Idempotent."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from guanxi.access.scope import may_in_unit
from guanxi.contactreports import services
from guanxi.contactreports.models import ContactReport
from guanxi.customers.models import Contact, Customer
from guanxi.customers.services import customer_update
from guanxi.keycustomers.models import CustomerPlan
from guanxi.organisation.models import Person
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.demo_org import Cast

YEAR = 2025  # the year of the demo's customer plans, so their contact counts fill
SUMMARIES = [
    "电话沟通三季度固井作业安排，客户希望提前一周进场。",
    "会面介绍随钻测井新装备，对方总工程师表示可安排现场试用。",
    "微信确认下月技术交流会的时间与参会人员。",
    "致函说明合同价格调整依据，客户采办部已收悉。",
    "拜访客户作业区，了解新调整井的钻井计划和服务需求。",
    "电话回访上月完井作业，客户对作业时效满意，提出资料交付再提速。",
]
FOLLOW_UPS = ["一周内提交进场计划", "准备技术交流材料", "", "跟进合同补充协议", ""]


def _allowed(people: list[Person], permission: str, customer: Customer) -> list[Person]:
    return [p for p in people if may_in_unit(p, permission, customer.owning_unit_id)]


def _manager(plan: CustomerPlan, lead: Person) -> Customer:
    """The plan's owner becomes the customer's manager, who receives its reports, where the
    owner works on the customer's line; elsewhere the lead does."""
    customer = plan.customer
    manager = (_allowed([plan.owner], "customer.view", customer) or [lead])[0]
    if customer.manager_id == manager.pk:
        return customer
    return customer_update(actor=lead, customer=customer, version=customer.version, manager=manager)


def _reports(
    customer: Customer, people: list[Person], ours: list[Person], rng: random.Random
) -> int:
    """Two reports a month, written in turn by `people`, with `ours` taking part."""
    contacts = list(Contact.objects.filter(customer=customer).order_by("-is_key", "id")[:3])
    kinds = list(current_policy().contact_kinds)
    if not contacts or not kinds or not people:
        return 0
    made = 0
    for month in range(1, 13):
        for _ in range(2):
            day = date(YEAR, month, rng.randint(1, 28))
            author = people[made % len(people)]
            services.contact_report_create(
                actor=author,
                customer=customer,
                key_persons=[rng.choice(contacts)],
                our_people=ours,
                kind=kinds[made % len(kinds)],
                contacted_on=day,
                summary=rng.choice(SUMMARIES),
                follow_up=rng.choice(FOLLOW_UPS),
            )
            made += 1
    return made


@transaction.atomic
def load_contactreports_demo(seed: int = 2029) -> dict[str, int]:
    """Reports and next contact dates for the customers with a customer plan (call after the
    key-customer demo; does nothing if reports already exist)."""
    if ContactReport.objects.exists():
        return {"contact_reports": ContactReport.objects.count()}
    rng = random.Random(seed)
    today = timezone.localdate()
    plans = CustomerPlan.objects.select_related("customer", "owner").order_by("id")
    cast = Cast.load(current_policy())
    lead = cast.member(cast.root, "customer.change", "contact_report.change", "next_contact.set")
    if lead is None:
        return {"contact_reports": 0}
    for n, plan in enumerate(plans):
        customer = _manager(plan, lead)
        writers = _allowed([plan.owner, lead], "contact_report.change", customer)
        _reports(customer, writers, list({*writers, plan.owner}), rng)
        setter = _allowed([plan.owner, lead], "next_contact.set", customer)
        if not setter:
            continue
        services.next_contact_set(
            actor=setter[0],
            customer=customer,
            version=0,
            next_contact_on=today + timedelta(days=7 + 5 * n),
            note="回访固井作业，商谈下年度框架协议",
        )
    return {"contact_reports": ContactReport.objects.count()}
