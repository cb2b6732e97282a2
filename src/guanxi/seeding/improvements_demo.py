"""Demo data for improvement proposals 改进方案 and the company plan (000 §17.3–17.4, §19.3.3):
proposals in every state drawn from the demo's forms, this year's company plan with items
(one HQ wrote itself, one in progress), and a seminar opinion forwarded to a department.
Idempotent; any preset (Cast)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from guanxi.feedback.models import FormKind, FormRecord
from guanxi.improvements import services
from guanxi.improvements.models import ImprovementProposal, ItemStatus
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.demo_org import Cast

MEASURES = [
    "组织现场作业人员专项培训，作业报告在完工后 3 个工作日内提交客户。",
    "建立月度服务质量回访机制，由客户经理牵头跟踪整改。",
    "优化随钻数据传输流程，数据上传时效压缩到 2 小时以内。",
    "作业计划变更时提前 24 小时书面通知客户，并说明原因。",
]


def _forms(unit: Unit) -> list[FormRecord]:
    records = FormRecord.objects.filter(unit=unit).exclude(kind=FormKind.SEMINAR)
    return [
        r
        for r in records.select_related("unit", "customer", "activity").order_by("pk")[:8]
        if services.suggested_sources(r)
    ]


def _propose(staff: Person, unit: Unit, record: FormRecord, n: int) -> ImprovementProposal:
    sources = services.suggested_sources(record)[:2]
    return services.proposal_create(
        actor=staff,
        unit=unit,
        sources=sources,
        title=f"{record.activity.name}后的改进方案",
        problem="\n".join(services.quote_of(ref) for ref in sources),
        measures=MEASURES[n % len(MEASURES)],
    )


def _unit_proposals(cast: Cast, unit: Unit, boss: Person) -> int:
    staff = cast.member(unit, "improvement.change", "feedback.view")
    forms = _forms(unit)
    if staff is None or len(forms) < 4:
        return 0
    proposals = [_propose(staff, unit, record, n) for n, record in enumerate(forms[:4])]
    _draft, submitted, accepted, returned = proposals
    for proposal in (submitted, accepted, returned):
        services.proposal_submit(actor=staff, proposal=proposal, version=proposal.version)
    item = services.proposal_accept(
        actor=boss,
        proposal=accepted,
        version=accepted.version + 1,
        department=unit,
        comment="请按期完成并报告",
    )
    services.item_progress(
        actor=staff, item=item, version=item.version, status=ItemStatus.IN_PROGRESS
    )
    services.proposal_return(
        actor=boss,
        proposal=returned,
        version=returned.version + 1,
        reason="措施不够具体，请补充完成时间和责任人。",
    )
    return len(proposals)


def _forward_opinion(cast: Cast) -> None:
    for record in (
        FormRecord.objects.filter(kind=FormKind.SEMINAR).select_related("unit").order_by("pk")
    ):
        owner = cast.member(record.unit, "improvement.consolidate")
        if owner is None or not record.opinions:
            continue
        department = next(
            (u for u in cast.units.values() if u.parent_id == cast.root.pk), record.unit
        )
        services.opinion_forward(
            actor=owner, record=record, opinion=0, department=department, note="请研究并答复客户。"
        )
        return


def load_improvements_demo() -> int:
    if ImprovementProposal.objects.exists():
        return 0
    cast = Cast.load(current_policy())
    boss = cast.member(cast.root, "improvement.consolidate")
    if boss is None:
        return 0
    made = 0
    lines = [u for u in cast.units.values() if u != cast.root]
    for unit in lines:
        made += _unit_proposals(cast, unit, boss)
        if made >= 8:
            break
    below = next((u for u in lines if u.parent_id == cast.root.pk), cast.root)
    services.item_create(
        actor=boss,
        year=timezone.localdate().year,
        title="统一各单位服务回访记录表的填写与签字要求",
        measures="结合公司市场营销部自身得到的反馈，下发填写指引并抽查执行情况。",
        department=below,
        deadline=timezone.localdate() + timedelta(days=60),
    )
    _forward_opinion(cast)
    return made
