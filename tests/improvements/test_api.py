"""The improvement proposals API and pages: the main path, bad input, and queries that do not
grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.improvements.models import ImprovementProposal, PlanItem, ProposalStatus

pytestmark = pytest.mark.django_db


def _count(call) -> int:  # type: ignore[no-untyped-def]
    call()  # the first request of a client also loads its session and caches
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    assert answer.status_code == 200, answer.content
    return len(captured)


def test_a_unit_creates_and_submits_hq_accepts_into_the_plan(api_as, low_form, units) -> None:
    record = low_form()
    staff = api_as("div1.staff")

    created = staff.post(
        "/api/v1/improvement-proposals/",
        {
            "title": "提升随钻数据上传时效",
            "problem": "客户对反应速度评价为差",
            "measures": "优化数据传输流程",
            "new_sources": [
                {"record": record.pk, "kind": "rating", "dimension": "responsiveness"},
                {"record": record.pk, "kind": "request"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft"
    assert body["unit"] == units["DIV1"].pk
    assert [s["quote"] for s in body["sources"]] == [
        "反应速度：差（随钻数据上传慢）",
        "希望缩短作业报告提交周期",
    ]

    pk = body["id"]
    submitted = staff.post(
        f"/api/v1/improvement-proposals/{pk}/submit/", {"version": 1}, format="json"
    )
    assert submitted.json()["status"] == "submitted"
    accepted = api_as("hq.manager").post(
        f"/api/v1/improvement-proposals/{pk}/accept/",
        {"version": 2, "department": units["DIV1"].pk, "deadline": "2099-06-30"},
        format="json",
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["deadline"] == "2099-06-30"
    assert accepted.json()["proposal"] == pk
    items = staff.get("/api/v1/improvement-plan-items/").json()["results"]
    assert [i["id"] for i in items] == [accepted.json()["id"]]


def test_bad_input_is_refused_with_a_message_and_changes_nothing(api_as, low_form) -> None:
    record = low_form()
    staff = api_as("div1.staff")
    no_source = staff.post(
        "/api/v1/improvement-proposals/",
        {"title": "t", "problem": "p", "measures": "m"},
        format="json",
    )
    good_rating = staff.post(
        "/api/v1/improvement-proposals/",
        {
            "title": "t",
            "problem": "p",
            "measures": "m",
            "new_sources": [{"record": record.pk, "kind": "rating", "dimension": "quality"}],
        },
        format="json",
    )
    unseen = api_as("branch1.staff").post(
        "/api/v1/improvement-proposals/",
        {
            "title": "t",
            "problem": "p",
            "measures": "m",
            "new_sources": [{"record": record.pk, "kind": "request"}],
        },
        format="json",
    )
    assert no_source.status_code == 400
    assert "new_sources" in no_source.json()
    assert good_rating.status_code == 400
    assert unseen.status_code == 404
    assert not ImprovementProposal.objects.exists()


def test_returning_needs_a_reason(api_as, make_proposal) -> None:
    proposal = make_proposal()
    api_as("div1.staff").post(
        f"/api/v1/improvement-proposals/{proposal.pk}/submit/", {"version": 1}, format="json"
    )
    answer = api_as("hq.manager").post(
        f"/api/v1/improvement-proposals/{proposal.pk}/return/",
        {"version": 2, "reason": ""},
        format="json",
    )
    assert answer.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_the_proposal_list_costs_the_same_queries_with_more_proposals(
    api_as, page_as, make_proposal
) -> None:
    make_proposal()
    api = api_as("div1.manager")
    few_api = _count(lambda: api.get("/api/v1/improvement-proposals/"))
    few_page = _count(lambda: page_as("div1.manager").get("/improvement-proposals/"))
    for _n in range(4):
        make_proposal()
    assert _count(lambda: api.get("/api/v1/improvement-proposals/")) == few_api
    assert _count(lambda: page_as("div1.manager").get("/improvement-proposals/")) == few_page


def test_the_plan_page_costs_the_same_queries_with_more_items(page_as, people, units) -> None:
    from guanxi.improvements import services

    def add() -> PlanItem:
        return services.item_create(
            actor=people["hq.manager"],
            year=2026,
            title="统一填写要求",
            measures="下发指引",
            department=units["DIV1"],
        )

    add()
    few = _count(lambda: page_as("hq.manager").get("/improvement-plan/?year=2026"))
    for _n in range(4):
        add()
    assert _count(lambda: page_as("hq.manager").get("/improvement-plan/?year=2026")) == few


def test_the_form_page_offers_the_proposal_and_the_create_page_prefills_it(
    page_as, low_form
) -> None:
    record = low_form()
    page = page_as("div1.staff")
    detail = page.get(f"/visit-records/{record.pk}/").content.decode()
    assert f"/improvement-proposals/from-form/{record.pk}/" in detail

    form = page.get(f"/improvement-proposals/from-form/{record.pk}/").content.decode()
    assert "客户满意程度：差" in form
    assert "希望缩短作业报告提交周期" in form

    saved = page.post(
        f"/improvement-proposals/from-form/{record.pk}/",
        {
            "title": "提升反应速度",
            "problem": "反应速度差",
            "measures": "优化流程",
            "sources": ["rating:"],
        },
    )
    assert saved.status_code == 302
    proposal = ImprovementProposal.objects.get()
    assert [s.quote for s in proposal.sources.all()] == ["客户满意程度：差"]


def test_submitting_on_the_page_asks_first_then_says_it_was_done(page_as, make_proposal) -> None:
    proposal = make_proposal()
    page = page_as("div1.staff")
    ask = page.post(f"/improvement-proposals/{proposal.pk}/submit/", {"version": 1})
    assert ask.status_code == 200
    assert 'name="confirmed"' in ask.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DRAFT

    done = page.post(
        f"/improvement-proposals/{proposal.pk}/submit/",
        {"version": 1, "confirmed": "on"},
        follow=True,
    )
    assert "方案已提交公司市场营销部" in done.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED


def test_creating_from_forms_registers_the_forms_it_quotes(api_as, low_form) -> None:
    from guanxi.access.models import AccessLogEntry

    record = low_form()
    before = AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    created = api_as("div1.staff").post(
        "/api/v1/improvement-proposals/",
        {
            "title": "提升随钻数据上传时效",
            "problem": "客户对反应速度评价为差",
            "measures": "优化数据传输流程",
            "new_sources": [{"record": record.pk, "kind": "request"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    read = AccessLogEntry.objects.filter(seq__gt=before, record_type="feedback.formrecord")
    assert [(e.record_id, e.channel) for e in read] == [(str(record.pk), "api")]
