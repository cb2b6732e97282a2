"""The stored risk signal: each part found set-based, weighed by the policy, put into words."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from guanxi.customers import archive
from guanxi.customers.models import Customer
from guanxi.demands import complaints, services
from guanxi.policy.loader import current
from guanxi.risk.models import RiskSignal
from guanxi.risk.refresh import refresh, refresh_customer
from guanxi.risk.selectors import contact_names, explain

pytestmark = pytest.mark.django_db


def _age(customer: Customer, days: int) -> None:
    created = timezone.now() - datetime.timedelta(days=days)
    Customer.objects.filter(pk=customer.pk).update(created_at=created)


def _words(signal: RiskSignal) -> list[str]:
    with translation.override("zh-hans"):
        return [part.text for part in explain(signal, contact_names([signal]))]


def test_a_customer_contacted_lately_with_nothing_open_has_no_signal(make_customer, rate) -> None:
    customer = make_customer("DIV1", tier="vip")
    rate(customer, "good", days_ago=5)

    refresh()

    assert not RiskSignal.objects.filter(customer=customer).exists()


def test_falling_satisfaction_compares_the_last_forms_with_the_ones_before(
    make_customer, rate
) -> None:
    customer = make_customer("DIV1", tier="vip")
    for days, value in (
        (60, "good"),
        (50, "good"),
        (40, "fair"),
        (30, "poor"),
        (20, "fair"),
        (10, "poor"),
    ):
        rate(customer, value, days_ago=days)

    signal = refresh_customer(customer.pk)

    assert signal is not None
    assert signal.satisfaction == current().early_warning.parts["satisfaction"].weight
    assert _words(signal) == ["满意度下降：近3次平均 1.3，此前 2.7"]


def test_steady_satisfaction_or_too_few_forms_raise_nothing(make_customer, rate) -> None:
    steady = make_customer("DIV1", tier="vip")
    few = make_customer("DIV1", tier="vip")
    for days in (40, 30, 20, 10):
        rate(steady, "fair", days_ago=days)
    for days, value in ((30, "good"), (20, "poor"), (10, "poor")):
        rate(few, value, days_ago=days)

    refresh()

    assert not RiskSignal.objects.filter(customer__in=[steady, few]).exists()


def test_a_negative_decision_maker_is_named(make_customer, make_key_person, people, rate) -> None:
    customer = make_customer("DIV1", tier="vip")
    rate(customer, "good", days_ago=3)
    contact = make_key_person(customer, name="张伟")
    archive.relationship_set(
        actor=people["hq.manager"],
        contact=contact,
        buying_role="decision_maker",
        state="negative",
        holders=[people["div1.manager"]],
        note="对上次作业延误不满",
        version=contact.relationship.version,
    )

    signal = refresh_customer(customer.pk)

    assert signal is not None
    assert signal.relationship == 25
    assert _words(signal) == ["决策者 张伟 关系悲观"]


def test_overdue_demands_and_breached_complaints_weigh_more_than_open_ones(
    make_customer, people, rate
) -> None:
    customer = make_customer("DIV1", tier="vip")
    rate(customer, "good", days_ago=3)
    today = timezone.localdate()
    for n in range(2):
        services.demand_create(
            actor=people["div1.staff"],
            customer=customer,
            category="contract_risk",
            severity="major",
            title=f"价格调整诉求{n}",
            description="客户要求下调日费",
            owner=people["div1.cm"],
            raised_on=today - datetime.timedelta(days=30),
            due_on=today - datetime.timedelta(days=5),
        )
    now = timezone.now()
    complaints.complaint_create(
        actor=people["div1.staff"],
        customer=customer,
        received_at=now - datetime.timedelta(hours=30),
        channel="phone",
        description="平台作业延误两天",
    )
    complaints.complaint_create(
        actor=people["div1.staff"],
        customer=customer,
        received_at=now - datetime.timedelta(hours=2),
        channel="email",
        description="现场人员未按时到场",
    )

    signal = refresh_customer(customer.pk)

    rules = current().early_warning
    assert signal is not None
    assert signal.overdue_demands == 2 * rules.parts["overdue_demands"].weight
    assert signal.complaints == rules.breached_weight + rules.parts["complaints"].weight
    assert _words(signal) == ["2 项诉求逾期", "2 项投诉未答复（1 项已超时）"]


def test_silence_counts_from_the_last_contact_against_the_tier_s_days(make_customer, rate) -> None:
    allowed = current().early_warning.silence_days["vip"]
    silent = make_customer("DIV1", tier="vip")
    rate(silent, "good", days_ago=allowed + 30)
    never = make_customer("DIV1", tier="vip")
    _age(never, allowed + 1)
    new = make_customer("DIV1", tier="vip")

    refresh()

    signal = RiskSignal.objects.get(customer=silent)
    assert _words(signal) == [f"已 {allowed + 30} 天无联系（允许 {allowed} 天）"]
    assert RiskSignal.objects.filter(customer=never).exists()
    assert not RiskSignal.objects.filter(customer=new).exists()


def test_a_refresh_keeps_the_row_of_a_customer_still_at_risk_and_drops_a_recovered_one(
    make_customer, rate
) -> None:
    allowed = current().early_warning.silence_days["vip"]
    customer = make_customer("DIV1", tier="vip")
    _age(customer, allowed + 10)
    refresh()
    first = RiskSignal.objects.get(customer=customer)

    refresh()
    assert RiskSignal.objects.get(customer=customer).pk == first.pk

    rate(customer, "good", days_ago=1)
    refresh()
    assert not RiskSignal.objects.filter(customer=customer).exists()


def test_the_score_is_the_sum_of_the_parts_and_the_unit_and_tier_are_copied(
    make_customer, rate
) -> None:
    customer = make_customer("BASE11", tier="strategic")
    _age(customer, 400)

    refresh()

    signal = RiskSignal.objects.get(customer=customer)
    assert signal.unit_id == customer.owning_unit_id
    assert signal.tier == "strategic"
    parts = ("satisfaction", "relationship", "overdue_demands", "silence", "complaints")
    assert signal.score == sum(getattr(signal, p) for p in parts) == signal.silence
