"""Demo plans, activities and approvals: every state a person meets in the first week.

Called by the demo loader after customers and the archive exist: `load_plans(units, people)`.
Everything goes through the services, so the demo obeys the same rules as real use.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from guanxi.activities import services as activities
from guanxi.approvals import services as approvals
from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person, Unit
from guanxi.plans import services as plans
from guanxi.plans.models import Plan
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.demo_org import Cast

CARE_ITEMS = [
    ("春节前客户高层走访慰问", "天津滨海新区", "公司台历、茶叶礼盒", Decimal("18000")),
    ("渤海作业区客户技术交流晚宴", "天津塘沽", "公司纪念品", Decimal("45000")),
    ("三八节女性客户代表座谈", "北京朝阳区", "丝巾", Decimal("6500")),
]
SEMINAR_ITEMS = [
    ("海上钻完井提速提效技术研讨会", "天津滨海新区", "会议纪念品", Decimal("68000")),
    ("深水固井与完井新工艺交流会", "湛江坡头区", "技术资料汇编", Decimal("42000")),
]
VISIT_CONTENT = [
    "钻井作业结束后回访，了解作业质量与进度评价",
    "听取客户对固井服务反应速度的意见",
    "回访测井作业，收集对技术水平与人员素质的反馈",
]


def _customers(unit: Unit, count: int) -> list[Customer]:
    return list(Customer.objects.filter(owning_unit=unit).order_by("id")[:count])


def _key_persons(customer: Customer) -> list[Contact]:
    return list(Contact.objects.filter(customer=customer, is_key=True)[:2])


def _care_plan(
    unit: Unit, actor: Person, day: datetime.date, period: str = "month", kind: str = "care"
) -> Plan:
    plan = plans.plan_open(actor=actor, unit=unit, kind=kind, period=period, day=day)
    rows = SEMINAR_ITEMS if kind == "seminar" else CARE_ITEMS
    for n, (customer, (name, place, gifts, cost)) in enumerate(
        zip(_customers(unit, len(rows)), rows, strict=False)
    ):
        plans.item_add(
            actor=actor,
            plan=plan,
            data=plans.ItemData(
                when=plan.starts + datetime.timedelta(days=5 + 7 * n),
                name=name,
                place=place,
                customer=customer,
                customer_count=4 + n,
                key_persons=_key_persons(customer),
                gifts=gifts,
                documents="技术交流材料、公司业绩手册" if kind == "seminar" else "",
                our_people=[actor],
                cost=cost,
            ),
        )
    plan.refresh_from_db()
    return plan


def _visit_plan(unit: Unit, actor: Person, day: datetime.date) -> Plan:
    plan = plans.plan_open(actor=actor, unit=unit, kind="visit", period="quarter", day=day)
    for n, (customer, content) in enumerate(zip(_customers(unit, 3), VISIT_CONTENT, strict=False)):
        plans.item_add(
            actor=actor,
            plan=plan,
            data=plans.ItemData(
                when=plan.starts + datetime.timedelta(days=10 + 20 * n),
                customer=customer,
                key_persons=_key_persons(customer),
                content=content,
                our_people=[actor],
            ),
        )
    plan.refresh_from_db()
    return plan


@dataclass(frozen=True)
class Players:
    """The demo people who plan, by what the policy lets them do (cosl: div1.manager,
    div1.staff, branch1.manager, hq.manager, hq.staff, finance)."""

    first: Unit  # the first unit that submits plans
    other: Unit  # a unit of another line (another kind where there is one)
    planner: Person  # plans for the first unit
    staff: Person  # a second planner of the first unit
    other_planner: Person
    approver: Person  # accepts plans at HQ
    keeper: Person  # keeps HQ's own plans, and those of units without a login
    finance: Person  # writes activities off
    units: list[Unit]
    actors: dict[int, Person]  # who plans for each planning unit


PLANS = ("plan.change", "customer.view")


def _need(person: Person | None, what: str) -> Person:
    if person is None:
        raise LookupError(f"the demo organisation has nobody who {what}")
    return person


def players(units: dict[str, Unit], people: dict[str, Person]) -> Players:
    cast = Cast.load(current_policy())
    lines = cast.units_for_plans("care") or [u for u in cast.units.values() if u != cast.root]
    first = lines[0]
    other = next((u for u in lines if u.kind != first.kind), lines[min(1, len(lines) - 1)])
    approver = _need(cast.member(cast.root, "plan.consolidate"), "accepts plans at HQ")
    planner = _need(cast.member(first, *PLANS) or cast.member(None, *PLANS), "plans")
    keeper = _need(cast.member(cast.root, *PLANS, besides=(approver,)), "plans at HQ")
    return Players(
        first=first,
        other=other,
        planner=planner,
        staff=cast.member(first, *PLANS, besides=(planner,)) or planner,
        other_planner=cast.member(other, *PLANS) or planner,
        approver=approver,
        keeper=keeper,
        finance=_need(cast.member(None, "activity.write_off"), "writes activities off"),
        units=lines,
        actors={unit.pk: cast.member(unit, *PLANS) or keeper for unit in lines},
    )


@transaction.atomic
def load_plans(units: dict[str, Unit], people: dict[str, Person]) -> int:
    """Plans in every state, activities and approvals; returns how many plans it made."""
    if Plan.objects.exists():
        return 0
    day = timezone.localdate()
    cast = players(units, people)
    hq, first, branch = cast.approver, cast.planner, cast.other_planner
    accepted = _care_plan(cast.first, first, day)
    accepted = plans.plan_submit(actor=first, plan=accepted, version=accepted.version)
    accepted = plans.plan_accept(actor=hq, plan=accepted, version=accepted.version)
    waiting = _visit_plan(cast.first, cast.staff, day)
    plans.plan_submit(actor=cast.staff, plan=waiting, version=waiting.version)
    returned = _care_plan(cast.other, branch, day)
    returned = plans.plan_submit(actor=branch, plan=returned, version=returned.version)
    plans.plan_return(
        actor=hq,
        plan=returned,
        version=returned.version,
        comment="晚宴费用偏高，请压缩至三万元以内并补充客户人员职务",
    )
    root = next(iter(units.values()))
    _care_plan(root, cast.keeper, day)
    _quarter_and_year(root, cast, day)
    _activities(root, cast, accepted)
    today = timezone.localdate()
    approvals.delegation_create(
        actor=hq,
        delegate=cast.keeper,
        starts=today + datetime.timedelta(days=20),
        ends=today + datetime.timedelta(days=27),
        note="赴下属单位检查工作期间",
    )
    return Plan.objects.count()


# (quarter care plan, year seminar plan) of each planning unit in turn
OUTCOMES = [
    ("accepted", "accepted"),
    ("submitted", "accepted"),
    ("accepted", "submitted"),
    ("returned", "draft"),
    ("submitted", "accepted"),
]


def _quarter_and_year(root: Unit, cast: Players, day: datetime.date) -> None:
    """Every planning unit's care plan for the quarter and seminar plan for the year, in every
    state.

    A unit without a demo login of its own has its plans kept by HQ marketing staff, as HQ does
    when a unit sends its plan on paper."""
    hq, keeper = cast.approver, cast.keeper
    for index, unit in enumerate(cast.units):
        actor = cast.actors[unit.pk]
        states = OUTCOMES[index % len(OUTCOMES)]
        for (period, kind), state in zip(
            (("quarter", "care"), ("year", "seminar")), states, strict=True
        ):
            plan = _care_plan(unit, actor, day, period=period, kind=kind)
            if state == "draft":
                continue
            plan = plans.plan_submit(actor=actor, plan=plan, version=plan.version)
            if state == "accepted":
                plans.plan_accept(actor=hq, plan=plan, version=plan.version)
            elif state == "returned":
                plans.plan_return(
                    actor=hq,
                    plan=plan,
                    version=plan.version,
                    comment="请补充每项活动的客户人员职务，并说明技术交流晚宴的必要性",
                )
    _care_plan(root, keeper, day, period="quarter")
    _care_plan(root, keeper, day, period="year", kind="seminar")


def _activities(root: Unit, cast: Players, accepted: Plan) -> None:
    staff = cast.staff
    items = list(accepted.items.order_by("when", "id"))
    today = timezone.localdate()  # what was carried out took place by today, within the month
    for item in items[:2]:
        activities.activity_record(
            actor=staff,
            plan_item=item,
            data=activities.ActivityData(
                name=item.name,
                date=min(item.when, today),
                place=item.place,
                customer=item.customer,
                our_people=list(dict.fromkeys([staff, cast.planner])),
                cost=item.cost,
                result="客户高层出席，对我方作业质量评价较高，提出下季度增加一口调整井的意向",
            ),
        )
    cheap = activities.activity_record(
        actor=staff,
        plan_item=items[-1],
        data=activities.ActivityData(
            name=items[-1].name,
            date=min(items[-1].when, today),
            place=items[-1].place,
            cost=Decimal("5800"),
            our_people=[staff],
            result="座谈气氛融洽，收集到两条服务改进建议",
        ),
    )
    activities.activity_write_off(actor=cast.finance, activity=cheap, version=cheap.version)
    activities.activity_record(
        actor=staff,
        unit=cast.first,
        kind="care",
        data=activities.ActivityData(
            name="客户单位总工程师住院探望",
            date=timezone.localdate() + datetime.timedelta(days=3),
            place="天津医科大学总医院",
            cost=Decimal("1200"),
            our_people=[staff],
        ),
    )
    activities.activity_record(
        actor=cast.keeper,
        unit=root,
        kind="seminar",
        data=activities.ActivityData(
            name="海上钻完井新技术研讨会",
            date=timezone.localdate() + datetime.timedelta(days=40),
            place="北京燕郊总部",
            cost=Decimal("86000"),
            our_people=[cast.keeper],
        ),
    )
