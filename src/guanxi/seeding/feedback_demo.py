"""Demo forms: a year of carried-out service visits, care activities and seminars with their
records 服务回访记录表 / 客户关怀记录表 / 研讨会意见反馈表, ratings and signatures.

Everything goes through the services (an unplanned care activity is approved by HQ first, as
000 §14.6 asks), so the demo obeys the same rules as real use. Some forms stay unsigned, and one
was corrected after signing, so its voided signatures show.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from guanxi.activities import services as activities
from guanxi.activities.models import Activity, ActivityStatus
from guanxi.approvals import services as approvals
from guanxi.approvals.models import Status
from guanxi.customers.models import Contact, Customer
from guanxi.feedback import services as feedback
from guanxi.feedback import signing
from guanxi.feedback.models import FormRecord
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.demo_org import Cast

# (kind, days ago, activity name, summary)
SCHEDULE = [
    (
        "visit",
        340,
        "作业结束后服务回访",
        "渤中区块完井作业结束后回访，了解客户对作业质量与进度的评价",
    ),
    ("care", 300, "春节走访慰问", "春节前走访客户单位领导，转达节日问候，交流来年合作设想"),
    ("visit", 250, "年中服务回访", "随钻测井服务半年回访，收集对现场人员与设备的意见"),
    ("seminar", 200, "海上钻完井新技术交流会", "介绍旋转导向与控压钻井新技术及应用案例"),
    ("care", 150, "客户技术骨干座谈", "与客户技术骨干座谈，了解其工作与生活困难"),
    ("visit", 90, "季度服务回访", "固井作业季度回访，确认整改措施落实情况"),
    ("visit", 20, "作业后服务回访", "修井作业结束后一个月内回访（000 §17.2）"),
    # more visits over the year, so the satisfaction analytics (ACT-6) have a trend to draw
    ("visit", 320, "钻井作业月度服务回访", "钻井作业月度回访，了解现场配合与作业时效"),
    ("visit", 280, "完井作业后服务回访", "完井作业结束后回访，收集对作业质量的评价"),
    ("visit", 215, "测井服务回访", "测井作业回访，确认资料质量与交付时间"),
    ("visit", 175, "半年度服务回访", "半年度服务回访，听取客户对服务态度与反应速度的意见"),
    ("visit", 125, "固井作业后服务回访", "固井作业结束后回访，确认水泥返高与质量评价"),
    ("visit", 60, "季度服务回访", "季度服务回访，跟进前期客户意见的整改"),
    ("visit", 40, "作业后服务回访", "修井作业结束后回访，了解客户对人员素质的评价"),
]
# The customer whose satisfaction falls over the year (the early warning, DEM-5, reads it):
# the first customer of the first unit with forms, rated 优 nine months ago and before, 中 until
# four months ago, 差 since.
FALLING = ((270, "good"), (120, "fair"), (0, "poor"))
REQUESTS = [
    "希望缩短设备动员时间，提前一周通报人员安排",
    "建议加强现场HSE培训，作业日报按时提交",
    "希望增加技术交流频次，提供同类井的作业数据对比",
]
OPINIONS = [
    {"text": "希望增加现场演示环节", "unit": "工程技术部"},
    {"text": "建议提供作业风险分析报告模板", "unit": "安全环保部"},
    {"text": "希望讨论合同价格调整机制", "unit": "物资采办部"},
]


def _approve(activity: Activity) -> None:
    """Decide every pending request about the activity, step by step, as its deciders do."""
    for approval in approvals.subject_status(subject=activity).values():
        while approval.status == Status.PENDING:
            step = approval.steps.filter(decision="pending").order_by("position").first()
            member = (
                Membership.objects.filter(unit=step.unit, role=step.role).first() if step else None
            )
            if member is None:
                return
            approval = approvals.approval_decide(
                actor=member.person, approval=approval, approve=True, comment="同意"
            )


def _activity(
    unit: Unit, staff: Person, customer: Customer, kind: str, day: datetime.date, name: str
) -> Activity:
    data = activities.ActivityData(
        name=name,
        date=day,
        place=customer.address[:200] or unit.name,
        customer=customer,
        our_people=[staff],
        cost=Decimal("3800"),
        result="客户对我方服务总体满意",
    )
    activity = activities.activity_record(actor=staff, unit=unit, kind=kind, data=data)
    if activity.status == ActivityStatus.REQUESTED:
        _approve(activity)
        activity.refresh_from_db()
        activity = activities.activity_carry_out(
            actor=staff, activity=activity, version=activity.version, data=data
        )
    return activity


def _form(
    staff: Person,
    activity: Activity,
    summary: str,
    rng: random.Random,
    falling_days: int | None = None,
) -> FormRecord:
    data = feedback.prefill(activity)
    person = Contact.objects.filter(customer=activity.customer, is_key=True).order_by("id").first()
    if person is not None:
        data.visited_person, data.visited_name = person, person.name
        data.visited_position, data.phone, data.mobile = (
            person.position,
            person.phone,
            person.mobile,
        )
        data.key_persons = [person]
    data.summary = summary
    scale = current_policy().feedback
    keys = [o.key for o in scale.ratings]
    if falling_days is not None:
        rating = next(key for days, key in FALLING if falling_days >= days)
        data.satisfaction = rating
        data.ratings = {d.key: rating for d in scale.dimensions}
        data.requests = REQUESTS[0]
    elif activity.kind == "visit":
        data.satisfaction = rng.choice(keys[1:])
        data.ratings = {
            d.key: rng.choice(keys[-2:] if rng.random() < 0.8 else keys) for d in scale.dimensions
        }
        data.requests = rng.choice(REQUESTS)
    elif activity.kind == "care":
        data.satisfaction = rng.choice(keys[1:])
        data.ratings = {d.key: rng.choice(keys) for d in scale.dimensions[:3]}
        data.remarks = {
            scale.dimensions[0].key: "对近期作业进度表示认可",
            scale.dimensions[1].key: "现场人员服务主动",
        }
        data.requests = rng.choice(REQUESTS)
    else:
        data.purpose, data.customer_count = "推介新技术，收集客户需求", rng.randint(8, 30)
        data.customer_list = activity.customer.name if activity.customer else ""
        data.opinions = OPINIONS[: rng.randint(1, 3)]
    return feedback.record_create(actor=staff, kind=activity.kind, activity=activity, data=data)


def _sign(record: FormRecord, staff: Person, manager: Person | None, step: int) -> None:
    def sign(actor: Person, role: str, **extra: Any) -> None:
        record.refresh_from_db()
        signing.record_sign(
            actor=actor,
            record=record,
            version=record.version,
            data=signing.SignData(role=role, **extra),
        )

    if record.kind == "visit":
        sign(staff, "customer", method="paper", signer_name=record.visited_name or "客户代表")
    if step % 3 == 2:  # the newest of each unit waits for its visitor
        return
    sign(staff, "visitor", opinion="客户意见已记录，建议转相关部门跟进")
    if manager is not None and step % 4 != 1:
        sign(manager, "manager", opinion="同意，请按客户建议落实整改")


def _void_one(record: FormRecord, staff: Person) -> None:
    """A form corrected after it was signed: its signatures are kept, voided."""
    record.refresh_from_db()
    data = feedback.FormData(
        **{name: getattr(record, name) for name in feedback.SCALARS},
        key_persons=list(record.key_persons.all()),
        our_people=list(record.our_people.all()),
    )
    data.requests = (data.requests + "；补充：希望提供月度服务质量报告")[:4000]
    feedback.record_update(actor=staff, record=record, version=record.version, data=data)


@transaction.atomic
def load_feedback_demo() -> int:
    """Forms for every unit with a person who fills them in; returns how many were made."""
    if FormRecord.objects.exists():
        return 0
    cast = Cast.load(current_policy())
    rng = random.Random(17)
    today = timezone.localdate()
    made = 0
    falling: int | None = None
    for unit in cast.units.values():
        staff = cast.member(
            unit,
            "feedback.change",
            "activity.change",
            "customer.view",
            lacking="feedback.sign_manager",
        )
        customers = list(Customer.objects.filter(owning_unit=unit).order_by("id")[:4])
        if staff is None or not customers:
            continue
        falling = customers[0].pk if falling is None else falling
        parent = cast.units.get(unit.parent.code) if unit.parent_id and unit.parent else None
        manager = cast.member(unit, "feedback.sign_manager") or (
            cast.member(parent, "feedback.sign_manager") if parent else None
        )
        for step, (kind, days, name, summary) in enumerate(SCHEDULE):
            customer = customers[step % len(customers)]
            activity = _activity(
                unit, staff, customer, kind, today - datetime.timedelta(days=days), name
            )
            days_rated = days if falling == customer.pk and kind != "seminar" else None
            record = _form(staff, activity, summary, rng, days_rated)
            _sign(record, staff, manager, step)
            if step == 0:
                _void_one(record, staff)
            made += 1
    return made
