"""Demo data for demands 诉求, complaints 投诉 and the monthly key-customer report: demands of
strategic and VIP customers in the first lines (some escalated, some overdue), complaints (one
answered, one breached and escalated, one on the clock), last month's submissions and a
published report, and the follow-up and contact people. Idempotent; any preset (Cast)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import Customer
from guanxi.demands import complaints, monthly, services
from guanxi.demands.models import Demand
from guanxi.organisation.models import Unit
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.demo_org import Cast

DEMANDS = [
    (
        "contract_risk",
        "major",
        "日费结算价格调整",
        "客户提出下半年作业日费下调 5%，超出本单位定价权限。",
    ),
    (
        "hq_support",
        "urgent",
        "年度高层会谈请求",
        "客户希望总部领导出席年度合作会谈，商定框架协议。",
    ),
    (
        "product_feedback",
        "normal",
        "随钻测井服务反馈",
        "客户反映随钻测井数据上传时效偏慢，建议优化。",
    ),
    ("dispute", "major", "计量数据争议", "三月份作业量计量存在分歧，需双方复核。"),
]
COMPLAINTS = [
    ("phone", "平台作业延误两天，客户要求说明原因并给出补救方案。"),
    ("email", "邮件反映现场人员未按约定时间到场。"),
    ("letter", "来函投诉作业报告提交不及时。"),
]


def _lines(cast: Cast) -> list[Unit]:
    """The first two units below HQ that have customers: a division and one of its bases."""
    lines = [u for u in cast.units.values() if u != cast.root]
    return [u for u in lines if Customer.objects.filter(owning_unit=u).exists()][:3]


def _customers(unit: Unit) -> list[Customer]:
    demands = current_policy().demands
    tiers = [*demands.report_tiers, *demands.escalate_tiers]
    return list(Customer.objects.filter(owning_unit=unit, tier__in=tiers).order_by("pk")[:2])


def _demands(cast: Cast, unit: Unit, customers: list[Customer]) -> None:
    owner = cast.member(unit, "demand.change")
    if owner is None:
        return
    today = timezone.localdate()
    last_month = monthly.month_start(today) - timedelta(days=1)
    for n, (category, severity, title, text) in enumerate(DEMANDS):
        customer = customers[n % len(customers)]
        raised = last_month.replace(day=5 + n) if n % 2 == 0 else today - timedelta(days=n)
        demand = services.demand_create(
            actor=owner,
            customer=customer,
            category=category,
            severity=severity,
            title=title,
            description=text,
            owner=owner,
            raised_on=raised,
            due_on=raised + timedelta(days=10 if n == 0 else 40),
        )
        if n == 2:
            services.demand_move(
                actor=owner, demand=demand, version=demand.version, status="in_progress"
            )
        if n == 3 and not services.escalation_refusal(demand):
            services.demand_escalate(
                actor=owner,
                demand=demand,
                version=demand.version,
                reason="超出本单位权限，可能形成重大风险",
            )


def _complaints(cast: Cast, unit: Unit, customer: Customer) -> None:
    actor = cast.member(unit, "complaint.change")
    if actor is None:
        return
    now = timezone.now()
    for n, (channel, text) in enumerate(COMPLAINTS):
        complaint = complaints.complaint_create(
            actor=actor,
            customer=customer,
            received_at=now - timedelta(hours=(3, 30, 6)[n]),
            channel=channel,
            description=text,
        )
        if n == 2:
            complaints.complaint_answer(
                actor=actor, complaint=complaint, version=1, answer="已致电客户说明原因并致歉。"
            )
    complaints.escalate_breaches()


def _report(cast: Cast, units: list[Unit]) -> None:
    last_month = monthly.month_start(monthly.month_start(timezone.localdate()) - timedelta(days=1))
    for unit in units:
        submitter = cast.member(unit, "monthly_report.submit")
        if submitter is None:
            continue
        part = monthly.submission_open(actor=submitter, unit=unit, month=last_month)
        for customer in monthly.strategic_customers(unit)[:2]:
            part.refresh_from_db()
            monthly.entry_set(
                actor=submitter,
                submission=part,
                version=part.version,
                customer=customer,
                progress="框架协议进入会签阶段，三季度作业量预计增加。",
                risks="客户资金紧张，回款可能延迟。",
            )
        part.refresh_from_db()
        monthly.submission_submit(actor=submitter, submission=part, version=part.version)
    publisher = cast.member(cast.root, "monthly_report.publish")
    if publisher is not None:
        report = monthly.report_generate(actor=publisher, month=last_month)
        monthly.report_publish(actor=publisher, report=report, version=report.version)


def _liaisons(cast: Cast, units: list[Unit]) -> None:
    assigner = cast.member(cast.root, "demand.assign")
    follower = cast.member(cast.root, "demand.view", besides=(assigner,))
    if assigner is None:
        return
    for unit in units:
        contact = cast.member(unit, "monthly_report.submit") or cast.member(unit, "demand.view")
        boss = cast.member(unit, "demand.assign") or assigner
        if contact is not None and may_in_unit(boss, "demand.assign", unit.pk):
            services.unit_contact_set(actor=boss, unit=unit, person=contact)
        for customer in monthly.strategic_customers(unit)[:2]:
            services.follower_set(actor=assigner, customer=customer, person=follower or assigner)


def load_demands_demo() -> int:
    """Load once; a second run adds nothing. Returns the number of demands."""
    if Demand.objects.exists():
        return Demand.objects.count()
    cast = Cast.load(current_policy())
    units = _lines(cast)
    _liaisons(cast, units)
    for unit in units:
        customers = _customers(unit)
        if customers:
            _demands(cast, unit, customers)
            _complaints(cast, unit, customers[0])
    _report(cast, units)
    return Demand.objects.count()
