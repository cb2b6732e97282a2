"""The API of demands, complaints and monthly reports: scoped, registered, refusals clear."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from guanxi.access.models import AccessLogEntry
from guanxi.demands import complaints, monthly

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 20, 4, 0, tzinfo=datetime.UTC)


def _last() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


@time_machine.travel(NOW, tick=False)
def test_a_demand_is_registered_and_escalated_through_the_api(
    api_as, make_customer, people, units
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", tier="vip")
    client = api_as("div1.cm")
    created = client.post(
        "/api/v1/demands/",
        {
            "customer": customer.pk,
            "category": "hq_support",
            "severity": "major",
            "title": "需总部出面协调资源",
            "description": "客户希望总部领导出席年度合作会谈。",
            "owner": people["div1.cm"].pk,
            "due_on": "2026-04-30",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    escalated = client.post(
        f"/api/v1/demands/{pk}/escalate/", {"version": 1, "reason": "超出事业部权限"}, format="json"
    )
    assert escalated.status_code == 200, escalated.content
    body = escalated.json()
    assert (body["status"], body["escalated_to"]) == ("escalated", units["HQ"].pk)
    assert [e["to_status"] for e in body["events"]] == ["open", "escalated"]


def test_an_unknown_category_is_a_clear_400(api_as, make_customer, people) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.cm").post(
        "/api/v1/demands/",
        {
            "customer": make_customer().pk,
            "category": "gossip",
            "severity": "major",
            "title": "x",
            "description": "y",
            "owner": people["div1.cm"].pk,
            "due_on": "2026-04-30",
        },
        format="json",
    )
    assert answer.status_code == 400
    assert "category" in answer.json()


def test_another_lines_demand_is_not_found_and_registers_nothing(
    api_as, make_customer, make_demand
) -> None:  # type: ignore[no-untyped-def]
    demand = make_demand(make_customer("DIV1"))
    before = _last()
    assert api_as("div2.staff").get(f"/api/v1/demands/{demand.pk}/").status_code == 404
    assert (
        api_as("div2.staff")
        .post(
            f"/api/v1/demands/{demand.pk}/escalate/",
            {"version": 1, "reason": "越线"},
            format="json",
        )
        .status_code
        == 404
    )
    assert _last() == before


def test_a_stale_version_answers_409(api_as, make_customer, make_demand) -> None:  # type: ignore[no-untyped-def]
    demand = make_demand(make_customer("DIV1"))
    client = api_as("div1.cm")
    assert (
        client.patch(
            f"/api/v1/demands/{demand.pk}/", {"title": "新", "version": 1}, format="json"
        ).status_code
        == 200
    )
    stale = client.patch(
        f"/api/v1/demands/{demand.pk}/", {"title": "旧", "version": 1}, format="json"
    )
    assert stale.status_code == 409


def test_a_complaint_shows_its_clock_and_is_answered(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    client = api_as("div1.staff")
    with time_machine.travel(NOW, tick=False):
        created = client.post(
            "/api/v1/complaints/",
            {
                "customer": make_customer("DIV1").pk,
                "received_at": "2026-03-20T09:00:00+08:00",
                "channel": "phone",
                "description": "作业船舶靠泊延误，客户不满。",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        assert created.json()["seconds_left"] == 21 * 3600
        pk = created.json()["id"]
        answered = client.post(
            f"/api/v1/complaints/{pk}/answer/",
            {"version": 1, "answer": "已电话致歉"},
            format="json",
        )
    assert answered.status_code == 200, answered.content
    assert (answered.json()["status"], answered.json()["seconds_left"]) == ("answered", None)


def test_a_breached_complaint_is_listed_as_breached(api_as, make_customer, people) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        complaint = complaints.complaint_create(
            actor=people["div1.staff"],
            customer=make_customer("DIV1"),
            received_at=NOW - datetime.timedelta(hours=30),
            channel="email",
            description="邮件投诉无人回复",
        )
        complaints.escalate_breaches()
    rows = api_as("div1.staff").get("/api/v1/complaints/", {"breached": "1"}).json()["results"]
    assert [(r["id"], r["breached"]) for r in rows] == [(complaint.pk, True)]


def test_the_monthly_report_downloads_registered_and_watermarked(
    api_as, make_customer, make_demand, people
) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        make_demand(make_customer("DIV1", tier="strategic"), raised_on=datetime.date(2026, 3, 2))
        generated = api_as("hq.manager").post(
            "/api/v1/monthly-reports/", {"month": "2026-03-01"}, format="json"
        )
        assert generated.status_code == 201, generated.content
        report = generated.json()
        future = api_as("hq.manager").post(
            "/api/v1/monthly-reports/", {"month": "2026-05-01"}, format="json"
        )
        assert future.status_code == 400
    before = _last()
    refused = api_as("div1.staff").get(f"/api/v1/monthly-reports/{report['id']}/xlsx/")
    assert refused.status_code == 404  # a draft is HQ's only
    assert _last() == before
    answer = api_as("hq.manager").get(f"/api/v1/monthly-reports/{report['id']}/xlsx/")
    assert answer.status_code == 200
    assert AccessLogEntry.objects.filter(seq__gt=before, channel="document").exists()
    monthly.report_publish(
        actor=people["hq.manager"],
        report=monthly.MonthlyReport.objects.get(pk=report["id"]),
        version=report["version"],
    )
    assert api_as("div1.staff").get(f"/api/v1/monthly-reports/{report['id']}/").status_code == 200
    assert (
        api_as("div1.staff").get(f"/api/v1/monthly-reports/{report['id']}/pdf/").status_code == 403
    )


def test_a_unit_fills_and_submits_its_monthly_part_through_the_api(
    api_as, make_customer, make_demand, units
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", tier="strategic")
    with time_machine.travel(NOW, tick=False):
        demand = make_demand(customer, raised_on=datetime.date(2026, 3, 2))
        client = api_as("div1.manager")
        opened = client.post(
            "/api/v1/monthly-submissions/",
            {"unit": units["DIV1"].pk, "month": "2026-03-11"},
            format="json",
        )
        assert opened.status_code == 201, opened.content
        part = opened.json()
        assert (part["month"], part["due_on"], part["status"]) == (
            "2026-03-01",
            "2026-03-27",  # the 28th is a Saturday: due the working day before (000 §27)
            "draft",
        )
        again = client.post(
            "/api/v1/monthly-submissions/",
            {"unit": units["DIV1"].pk, "month": "2026-03-01"},
            format="json",
        )
        assert again.json()["id"] == part["id"]  # one part per unit and month
        written = client.post(
            f"/api/v1/monthly-submissions/{part['id']}/entries/",
            {
                "version": part["version"],
                "customer": customer.pk,
                "progress": "二季度框架合同已进入评审",
                "risks": "对方预算压缩",
            },
            format="json",
        )
        assert written.status_code == 200, written.content
        assert [(e["customer"], e["risks"]) for e in written.json()["entries"]] == [
            (customer.pk, "对方预算压缩")
        ]
        submitted = client.post(
            f"/api/v1/monthly-submissions/{part['id']}/submit/",
            {"version": written.json()["version"]},
            format="json",
        )
    assert submitted.status_code == 200, submitted.content
    assert (submitted.json()["status"], submitted.json()["late"]) == ("submitted", False)
    demand.refresh_from_db()
    assert demand.reported_at is not None
    listed = api_as("hq.manager").get("/api/v1/monthly-submissions/").json()["results"]
    assert [row["id"] for row in listed] == [part["id"]]
    assert api_as("div2.staff").get("/api/v1/monthly-submissions/").json()["results"] == []


def test_monthly_part_refusals_change_nothing(api_as, make_customer, units) -> None:  # type: ignore[no-untyped-def]
    outsider = make_customer("DIV2", tier="strategic")
    with time_machine.travel(NOW, tick=False):
        client = api_as("div1.manager")
        future = client.post(
            "/api/v1/monthly-submissions/",
            {"unit": units["DIV1"].pk, "month": "2026-05-01"},
            format="json",
        )
        assert future.status_code == 400
        assert "month" in future.json()
        foreign_unit = client.post(
            "/api/v1/monthly-submissions/",
            {"unit": units["DIV2"].pk, "month": "2026-03-01"},
            format="json",
        )
        assert foreign_unit.status_code == 400
        assert "unit" in foreign_unit.json()
        part = client.post(
            "/api/v1/monthly-submissions/",
            {"unit": units["DIV1"].pk, "month": "2026-03-01"},
            format="json",
        ).json()
        before = _last()
        other_line = client.post(
            f"/api/v1/monthly-submissions/{part['id']}/entries/",
            {"version": part["version"], "customer": outsider.pk, "progress": "越线"},
            format="json",
        )
        assert other_line.status_code == 400
        assert (
            api_as("div2.staff")
            .post(f"/api/v1/monthly-submissions/{part['id']}/submit/", {"version": 1})
            .status_code
            == 404
        )
        assert _last() == before  # refused requests register no read
        stale = client.post(
            f"/api/v1/monthly-submissions/{part['id']}/submit/", {"version": 99}, format="json"
        )
        assert stale.status_code == 409
    assert monthly.MonthlySubmission.objects.get(pk=part["id"]).status == "draft"
    assert not monthly.SubmissionEntry.objects.exists()


def test_hq_names_follow_up_people_and_units_their_contacts(
    api_as, make_customer, people, units
) -> None:  # type: ignore[no-untyped-def]
    strategic = make_customer("DIV1", tier="strategic")
    named = api_as("hq.manager").post(
        "/api/v1/strategic-followers/",
        {"customer": strategic.pk, "person": people["hq.staff"].pk},
        format="json",
    )
    assert named.status_code == 201, named.content
    assert named.json()["person"] == people["hq.staff"].pk
    renamed = api_as("hq.manager").post(
        "/api/v1/strategic-followers/",
        {"customer": strategic.pk, "person": people["hq.manager"].pk},
        format="json",
    )
    assert renamed.status_code == 201
    rows = api_as("div1.manager").get("/api/v1/strategic-followers/").json()["results"]
    assert [(r["customer"], r["person"]) for r in rows] == [(strategic.pk, people["hq.manager"].pk)]
    assert api_as("div2.staff").get("/api/v1/strategic-followers/").json()["results"] == []
    refused = api_as("div1.manager").post(
        "/api/v1/strategic-followers/",
        {"customer": strategic.pk, "person": people["div1.staff"].pk},
        format="json",
    )
    assert refused.status_code == 403
    ordinary = api_as("hq.manager").post(
        "/api/v1/strategic-followers/",
        {"customer": make_customer("DIV1", tier="vip").pk, "person": people["hq.staff"].pk},
        format="json",
    )
    assert ordinary.status_code == 400
    assert "customer" in ordinary.json()

    contact = api_as("div1.manager").post(
        "/api/v1/unit-contacts/",
        {"unit": units["DIV1"].pk, "person": people["div1.staff"].pk},
        format="json",
    )
    assert contact.status_code == 201, contact.content
    outsider = api_as("div1.manager").post(
        "/api/v1/unit-contacts/",
        {"unit": units["DIV1"].pk, "person": people["div2.staff"].pk},
        format="json",
    )
    assert outsider.status_code == 400
    assert "person" in outsider.json()
    other_unit = api_as("div1.manager").post(
        "/api/v1/unit-contacts/",
        {"unit": units["DIV2"].pk, "person": people["div2.staff"].pk},
        format="json",
    )
    assert other_unit.status_code == 400
    assert "unit" in other_unit.json()
    rows = api_as("div1.manager").get("/api/v1/unit-contacts/").json()["results"]
    assert [(r["unit"], r["person"]) for r in rows] == [(units["DIV1"].pk, people["div1.staff"].pk)]
