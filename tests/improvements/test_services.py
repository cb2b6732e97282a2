"""Improvement proposals from feedback to the company plan (000 §17.3–17.4, §19.3.3)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.improvements import services
from guanxi.improvements.models import (
    ImprovementProposal,
    ItemStatus,
    OpinionStatus,
    PlanItem,
    ProposalStatus,
    SourceKind,
)
from guanxi.policy.loader import current
from guanxi.versioning import StaleVersion

pytestmark = pytest.mark.django_db


def test_a_form_suggests_its_low_ratings_and_requests_in_the_form_s_words(low_form) -> None:
    record = low_form()

    quotes = [services.quote_of(ref) for ref in services.suggested_sources(record)]

    assert quotes == [
        "客户满意程度：差",
        "反应速度：差（随钻数据上传慢）",
        "希望缩短作业报告提交周期",
    ]


def test_a_good_form_without_requests_offers_nothing(people, make_record) -> None:
    record = make_record(requests="")

    assert services.suggested_sources(record) == []
    assert services.offer_refusal(people["div1.staff"], record) != ""
    assert services.offer_refusal(people["finance"], record) is None


def test_a_unit_draws_up_a_draft_linked_to_its_sources(make_proposal, people) -> None:
    proposal = make_proposal()

    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.unit.code == "DIV1"
    sources = list(proposal.sources.all())
    assert [s.kind for s in sources] == [SourceKind.RATING, SourceKind.RATING, SourceKind.REQUEST]
    assert sources[1].dimension == "responsiveness"
    assert proposal.customer_id == sources[0].record.customer_id
    assert [e.to_status for e in proposal.events.all()] == [ProposalStatus.DRAFT]


def test_a_proposal_needs_a_source_and_its_text(people, low_form) -> None:
    record = low_form()
    with pytest.raises(ValidationError) as no_source:
        services.proposal_create(
            actor=people["div1.staff"],
            unit=record.unit,
            sources=[],
            title="t",
            problem="p",
            measures="m",
        )
    assert "sources" in no_source.value.message_dict
    with pytest.raises(ValidationError) as blank:
        services.proposal_create(
            actor=people["div1.staff"],
            unit=record.unit,
            sources=services.suggested_sources(record),
            title="  ",
            problem="客户反映慢",
            measures="",
        )
    assert set(blank.value.message_dict) == {"title", "measures"}
    assert not ImprovementProposal.objects.exists()


def test_a_rating_that_is_not_low_is_not_a_source(people, low_form) -> None:
    record = low_form()
    good = services.SourceRef(record, SourceKind.RATING, dimension="quality")

    with pytest.raises(ValidationError):
        services.proposal_create(
            actor=people["div1.staff"],
            unit=record.unit,
            sources=[good],
            title="t",
            problem="p",
            measures="m",
        )


def test_another_line_may_not_draw_up_from_a_form_it_does_not_see(people, units, low_form) -> None:
    record = low_form()
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=people["branch1.staff"],
            unit=units["BR1"],
            sources=services.suggested_sources(record),
            title="t",
            problem="p",
            measures="m",
        )


def test_a_division_answers_its_base_s_form_but_a_base_not_the_division_s(
    people, units, low_form
) -> None:
    base_form = low_form(unit="BASE11", by="base11.staff")
    assert services.drawing_unit(people["div1.manager"], base_form) == units["BASE11"]
    division_form = low_form()
    assert services.drawing_unit(people["base11.staff"], division_form) is None


def test_submit_then_hq_accepts_into_this_year_s_plan(make_proposal, people, units) -> None:
    proposal = make_proposal()
    submitted = services.proposal_submit(
        actor=people["div1.staff"], proposal=proposal, version=proposal.version
    )
    assert submitted.status == ProposalStatus.SUBMITTED
    assert submitted.submitted_at

    item = services.proposal_accept(
        actor=people["hq.manager"],
        proposal=submitted,
        version=submitted.version,
        department=units["DIV1"],
    )

    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    assert proposal.decided_by == people["hq.manager"]
    assert item.plan.year == timezone.localdate().year
    assert item.department == units["DIV1"]
    days = current().improvements.deadline_days
    assert item.deadline == timezone.localdate() + datetime.timedelta(days=days)
    assert item.title == proposal.title
    assert item.measures == proposal.measures


def test_only_hq_accepts_and_only_a_submitted_proposal(make_proposal, people, units) -> None:
    proposal = make_proposal()
    with pytest.raises(ValidationError):
        services.proposal_accept(
            actor=people["hq.manager"], proposal=proposal, version=1, department=units["DIV1"]
        )
    services.proposal_submit(actor=people["div1.staff"], proposal=proposal, version=1)
    with pytest.raises(PermissionDenied):
        services.proposal_accept(
            actor=people["div1.manager"], proposal=proposal, version=2, department=units["DIV1"]
        )
    assert not PlanItem.objects.exists()


def test_a_returned_proposal_carries_the_reason_and_can_be_changed_and_resubmitted(
    make_proposal, people
) -> None:
    proposal = make_proposal()
    services.proposal_submit(actor=people["div1.staff"], proposal=proposal, version=1)
    with pytest.raises(ValidationError):
        services.proposal_return(
            actor=people["hq.manager"], proposal=proposal, version=2, reason=" "
        )
    returned = services.proposal_return(
        actor=people["hq.manager"], proposal=proposal, version=2, reason="措施不够具体"
    )
    assert returned.events.last().comment == "措施不够具体"

    changed = services.proposal_update(
        actor=people["div1.staff"], proposal=returned, version=3, measures="明确责任人与完成时间"
    )
    again = services.proposal_submit(actor=people["div1.staff"], proposal=changed, version=4)

    assert again.status == ProposalStatus.SUBMITTED


def test_a_submitted_proposal_cannot_be_edited_and_a_stale_version_is_refused(
    make_proposal, people
) -> None:
    proposal = make_proposal()
    services.proposal_submit(actor=people["div1.staff"], proposal=proposal, version=1)
    with pytest.raises(ValidationError):
        services.proposal_update(
            actor=people["div1.staff"], proposal=proposal, version=2, title="改"
        )
    with pytest.raises(StaleVersion):
        services.proposal_return(
            actor=people["hq.manager"], proposal=proposal, version=1, reason="旧版本"
        )


def test_the_department_reports_progress_to_done_with_what_was_done(
    make_proposal, people, units
) -> None:
    proposal = make_proposal()
    services.proposal_submit(actor=people["div1.staff"], proposal=proposal, version=1)
    item = services.proposal_accept(
        actor=people["hq.manager"], proposal=proposal, version=2, department=units["DIV1"]
    )
    with pytest.raises(PermissionDenied):
        services.item_progress(
            actor=people["branch1.staff"], item=item, version=1, status=ItemStatus.IN_PROGRESS
        )
    with pytest.raises(ValidationError):
        services.item_progress(actor=people["div1.staff"], item=item, version=1, status="done")

    done = services.item_progress(
        actor=people["div1.staff"], item=item, version=1, status="done", note="流程已优化上线"
    )

    assert done.status == ItemStatus.DONE
    assert done.completed_at
    assert not done.is_overdue(timezone.localdate() + datetime.timedelta(days=999))


def test_hq_writes_its_own_item_and_reassigns_it(people, units) -> None:
    today = timezone.localdate()
    item = services.item_create(
        actor=people["hq.manager"],
        year=today.year,
        title="统一回访记录表填写要求",
        measures="下发填写指引",
        department=units["DIV1"],
    )
    moved = services.item_assign(
        actor=people["hq.manager"],
        item=item,
        version=1,
        department=units["BR1"],
        deadline=today + datetime.timedelta(days=30),
    )
    assert moved.department == units["BR1"]
    assert item.proposal is None
    with pytest.raises(ValidationError):
        services.item_assign(
            actor=people["hq.manager"],
            item=moved,
            version=2,
            department=units["BR1"],
            deadline=today - datetime.timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        services.item_create(
            actor=people["div1.manager"],
            year=today.year,
            title="t",
            measures="m",
            department=units["DIV1"],
        )


def test_the_seminar_s_owner_forwards_an_opinion_the_department_answers(
    people, units, make_record
) -> None:
    seminar = make_record(kind="seminar")
    forward = services.opinion_forward(
        actor=people["div1.manager"], record=seminar, opinion=0, department=units["BASE11"]
    )
    assert forward.text == "希望增加现场演示"
    assert forward.proposer == "渤海石油研究院"
    with pytest.raises(PermissionDenied):
        services.opinion_forward(
            actor=people["div1.staff"], record=seminar, opinion=0, department=units["BR1"]
        )
    with pytest.raises(ValidationError):
        services.opinion_forward(
            actor=people["div1.manager"], record=seminar, opinion=3, department=units["BR1"]
        )

    seen = services.opinion_answer(actor=people["base11.staff"], forward=forward, version=1)
    answered = services.opinion_answer(
        actor=people["base11.staff"], forward=seen, version=2, answer="下次研讨会安排现场演示"
    )

    assert seen.status == OpinionStatus.ACKNOWLEDGED
    assert answered.status == OpinionStatus.ANSWERED
    assert answered.answered_by == people["base11.staff"]
    with pytest.raises(PermissionDenied):
        services.opinion_answer(actor=people["branch1.staff"], forward=answered, version=3)
