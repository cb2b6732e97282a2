"""The API of visits, customer plans and campaigns: scoped, versioned, refusals are 4xx."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.access.models import AccessLogEntry
from guanxi.outbox.models import Message

pytestmark = pytest.mark.django_db


def test_creating_a_visit_plan_queues_the_notices(
    api_as, make_customer, make_key_person, people, units
) -> None:
    customer = make_customer("DIV1")
    contact = make_key_person(customer)
    answer = api_as("div1.manager").post(
        "/api/v1/visit-plans/",
        {
            "direction": "outgoing",
            "customer": customer.pk,
            "theme": "年度高层拜访",
            "starts_on": "2025-05-06",
            "ends_on": "2025-05-07",
            "their_people": [contact.pk],
            "our_people": [people["div1.manager"].pk],
            "notified_units": [units["BASE11"].pk],
            "itinerary": [
                {"day": "2025-05-06", "time": "10:00", "place": "天津", "activity": "会谈"}
            ],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["itinerary"][0]["activity"] == "会谈"
    assert Message.objects.count() == 2


def test_a_contact_of_another_customer_is_refused(api_as, make_customer, make_key_person) -> None:
    customer, other = make_customer("DIV1"), make_customer("DIV1")
    answer = api_as("div1.manager").post(
        "/api/v1/visit-plans/",
        {
            "direction": "incoming",
            "customer": customer.pk,
            "theme": "来访",
            "starts_on": "2025-05-06",
            "ends_on": "2025-05-06",
            "their_people": [make_key_person(other).pk],
        },
        format="json",
    )
    assert answer.status_code == 400


def test_a_customer_out_of_scope_is_not_found_as_a_reference(api_as, make_customer) -> None:
    answer = api_as("div1.manager").post(
        "/api/v1/visit-plans/",
        {
            "direction": "incoming",
            "customer": make_customer("DIV2").pk,
            "theme": "来访",
            "starts_on": "2025-05-06",
            "ends_on": "2025-05-06",
        },
        format="json",
    )
    assert answer.status_code == 400


def test_summarise_and_stale_version(api_as, make_visit, people) -> None:
    visit = make_visit()
    api = api_as("div1.manager")
    url = f"/api/v1/visit-plans/{visit.pk}/summarise/"
    body = {
        "version": visit.version,
        "summary": "会谈顺利",
        "follow_ups": [
            {"title": "寄送报价", "owner": people["div1.cm"].pk, "due_on": "2025-04-01"}
        ],
    }
    answer = api.post(url, body, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "done"
    assert len(answer.json()["follow_ups"]) == 1
    assert api.post(url, body, format="json").status_code == 409
    mine = api_as("div1.cm").get("/api/v1/follow-ups/", {"mine": "1", "open": "1"})
    assert [row["title"] for row in mine.json()["results"]] == ["寄送报价"]


def test_a_follow_up_without_version_is_refused(api_as, make_visit, people) -> None:
    visit = make_visit()
    from guanxi.keycustomers.visits import follow_up_add

    item = follow_up_add(
        actor=people["div1.manager"],
        visit=visit,
        title="t",
        owner=people["div1.cm"],
        due_on="2025-04-01",
    )
    api = api_as("div1.cm")
    assert (
        api.patch(f"/api/v1/follow-ups/{item.pk}/", {"status": "done"}, format="json").status_code
        == 400
    )
    done = api.patch(
        f"/api/v1/follow-ups/{item.pk}/", {"status": "done", "version": 1}, format="json"
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done"


def test_material_upload_and_download_as_attachment(api_as, make_visit, page_as) -> None:
    visit = make_visit()
    api = api_as("div1.manager")
    bad = api.post(
        f"/api/v1/visit-plans/{visit.pk}/materials/",
        {"file": SimpleUploadedFile("x.pdf", b"<html>")},
        format="multipart",
    )
    assert bad.status_code == 400
    good = api.post(
        f"/api/v1/visit-plans/{visit.pk}/materials/",
        {"file": SimpleUploadedFile("备参.pdf", b"%PDF-1.7 test")},
        format="multipart",
    )
    assert good.status_code == 201, good.content
    before = AccessLogEntry.objects.count()
    response = page_as("div1.staff").get(good.json()["download"])
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert AccessLogEntry.objects.count() == before + 2  # the visit and the material
    assert page_as("div2.staff").get(good.json()["download"]).status_code == 404


def test_customer_plan_detail_has_rows_and_totals(api_as, make_plan) -> None:
    plan = make_plan()
    body = api_as("div1.staff").get(f"/api/v1/customer-plans/{plan.pk}/").json()
    assert body["totals"] == {
        "contract_amount": "12345678.90",
        "expected_revenue": "7407407.34",
        "profit": "1111111.10",
    }
    assert body["revenue_rows"][0]["win_rate"] == "0.6000"


def test_revenue_rows_via_the_api_are_computed_and_versioned(api_as, make_plan) -> None:
    plan = make_plan()
    api = api_as("div1.cm")
    made = api.post(
        "/api/v1/revenue-plan-rows/",
        {
            "plan": plan.pk,
            "project": "固井",
            "contract_amount": "1000.00",
            "win_rate": "0.3333",
            "margin": "0.2",
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["expected_revenue"] == "333.30"
    row = made.json()["id"]
    bad = api.post(
        "/api/v1/revenue-plan-rows/",
        {"plan": plan.pk, "project": "x", "contract_amount": "-1", "win_rate": "2", "margin": "0"},
        format="json",
    )
    assert bad.status_code == 400
    assert (
        api.patch(
            f"/api/v1/revenue-plan-rows/{row}/", {"version": 9, "margin": "0.1"}, format="json"
        ).status_code
        == 409
    )
    assert api.delete(f"/api/v1/revenue-plan-rows/{row}/?version=1").status_code == 204
    assert (
        api_as("exec")
        .post(
            "/api/v1/revenue-plan-rows/",
            {
                "plan": plan.pk,
                "project": "x",
                "contract_amount": "1",
                "win_rate": "0.1",
                "margin": "0.1",
            },
            format="json",
        )
        .status_code
        == 403
    )


def test_campaign_publish_rollup_and_targets(api_as, units, make_customer) -> None:
    hq = api_as("hq.manager")
    made = hq.post(
        "/api/v1/campaigns/",
        {
            "title": "LNG 冷能利用推广",
            "scope": "company",
            "unit": units["HQ"].pk,
            "product": "冷能利用",
            "starts_on": "2025-04-01",
            "ends_on": "2025-12-31",
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert api_as("div1.staff").get(f"/api/v1/campaigns/{pk}/").status_code == 404  # a draft
    assert (
        hq.post(f"/api/v1/campaigns/{pk}/publish/", {"version": 1}, format="json").status_code
        == 200
    )
    assert (
        hq.post(f"/api/v1/campaigns/{pk}/publish/", {"version": 2}, format="json").status_code
        == 400
    )
    target = api_as("div1.staff").post(
        "/api/v1/campaign-targets/",
        {
            "campaign": pk,
            "customer": make_customer("DIV1").pk,
            "intent": "high",
            "status": "promoted",
        },
        format="json",
    )
    assert target.status_code == 201, target.content
    rollup = hq.get(f"/api/v1/campaigns/{pk}/rollup/").json()
    assert rollup[0]["n"] == 1
    assert rollup[0]["status"] == "promoted"
    division = api_as("div1.manager").post(
        "/api/v1/campaigns/",
        {
            "title": "x",
            "scope": "company",
            "unit": units["DIV1"].pk,
            "product": "y",
            "starts_on": "2025-04-01",
            "ends_on": "2025-12-31",
        },
        format="json",
    )
    assert division.status_code == 400


def test_the_schema_lists_the_endpoints(api_as) -> None:
    schema = api_as("hq.manager").get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/visit-plans/",
        "/api/v1/customer-plans/",
        "/api/v1/campaigns/",
        "/api/v1/visit-plans/{id}/summarise/",
        "/api/v1/campaigns/{id}/rollup/",
    ):
        assert path in schema["paths"]
