"""The plan, activity and approval pages, walked by the personas."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from guanxi.access.models import AccessLogEntry
from guanxi.plans import services
from guanxi.plans.models import PlanStatus

pytestmark = pytest.mark.django_db


def _english(client):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_division_opens_a_plan_and_adds_a_row_with_htmx(page_as, units, make_customer) -> None:
    customer = make_customer("DIV1")
    client = _english(page_as("div1.staff"))
    response = client.post(
        "/plans/",
        {"unit": units["DIV1"].pk, "kind": "care", "period": "month", "day": "2026-03-05"},
    )
    assert response.status_code == 302
    url = response["Location"]
    page = client.get(url)
    assert page.status_code == 200
    assert b"Add an item" in page.content
    added = client.post(
        f"{url}items/",
        {
            "when": "2026-03-18",
            "name": "三八节女职工慰问",
            "place": "天津",
            "customer": customer.pk,
            "customer_count": 3,
            "cost": "6000",
        },
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200
    assert "三八节女职工慰问" in added.content.decode()


def test_a_bad_row_shows_errors_and_saves_nothing(page_as, make_plan) -> None:
    plan = make_plan(items=0)
    client = _english(page_as("div1.staff"))
    response = client.post(
        f"/plans/{plan.pk}/items/", {"when": "2030-01-01", "name": "x", "cost": "-1"}
    )
    assert response.status_code == 400
    assert plan.items.count() == 0


def test_submit_then_hq_accepts_on_the_consolidation_page(page_as, make_plan, people) -> None:
    plan = make_plan()
    client = page_as("div1.staff")
    assert client.post(f"/plans/{plan.pk}/submit/", {"version": plan.version}).status_code == 302
    plan.refresh_from_db()
    hq = _english(page_as("hq.manager"))
    page = hq.get("/plans/consolidation/", {"kind": "care", "period": "month", "day": "2026-03-01"})
    assert page.status_code == 200
    assert plan.unit.name in page.content.decode()
    assert hq.post(f"/plans/{plan.pk}/accept/", {"version": plan.version}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    company = hq.get("/plans/company/", {"period": "month", "day": "2026-03-01"})
    assert "春季客户答谢座谈会1" in company.content.decode()


def test_a_stale_accept_is_a_409_page(page_as, make_plan, people) -> None:
    plan = make_plan()
    plan = services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    response = page_as("hq.manager").post(
        f"/plans/{plan.pk}/accept/", {"version": plan.version - 1}
    )
    assert response.status_code == 409


def test_other_lines_get_404(page_as, make_plan) -> None:
    plan = make_plan()
    assert page_as("div2.staff").get(f"/plans/{plan.pk}/").status_code == 404
    assert page_as("div1.staff").get("/plans/consolidation/").status_code == 403


def test_pdf_and_excel_are_registered_and_watermarked(page_as, make_plan, people) -> None:
    plan = make_plan()
    client = page_as("div1.manager")
    before = AccessLogEntry.objects.count()
    pdf = client.get(f"/plans/{plan.pk}/print.pdf")
    assert pdf.status_code == 200
    assert pdf.content[:4] == b"%PDF"
    xlsx = client.get(f"/plans/{plan.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "div1.manager" in sheet["A1"].value
    assert AccessLogEntry.objects.filter(channel="document").count() >= 3
    assert AccessLogEntry.objects.filter(channel="export").count() >= 3
    assert AccessLogEntry.objects.count() > before
    assert page_as("div1.staff").get(f"/plans/{plan.pk}/print.pdf").status_code == 403


def test_the_company_plan_prints(page_as, make_plan) -> None:
    make_plan("HQ", actor="hq.manager")
    response = page_as("hq.manager").get(
        "/plans/company/print.pdf", {"period": "month", "day": "2026-03-01"}
    )
    assert response.status_code == 200
    assert response.content[:4] == b"%PDF"


def test_activity_approval_and_write_off_pages(page_as, units, people) -> None:
    client = _english(page_as("div1.staff"))
    response = client.post(
        "/activities/new/",
        {
            "unit": units["DIV1"].pk,
            "kind": "care",
            "name": "端午节客户慰问",
            "date": "2026-06-10",
            "cost": "3000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity_url = response["Location"]
    hq = _english(page_as("hq.manager"))
    inbox = hq.get("/approvals/")
    assert "端午节客户慰问" in inbox.content.decode()
    approval = people["hq.manager"]  # noqa: F841 - the persona deciding
    from guanxi.approvals.models import Approval

    pk = Approval.objects.get().pk
    assert hq.get(f"/approvals/{pk}/").status_code == 200
    assert hq.post(f"/approvals/{pk}/approve/", {"comment": "同意"}).status_code == 302
    assert Approval.objects.get().status == "approved"
    assert page_as("div2.staff").get(f"/approvals/{pk}/").status_code == 404
    page = _english(page_as("div1.staff")).get(activity_url)
    assert b"Record that it took place" in page.content


def test_the_delegation_page(page_as, people) -> None:
    client = page_as("hq.manager")
    assert client.get("/approvals/delegations/").status_code == 200
    response = client.post(
        "/approvals/delegations/",
        {
            "delegate": people["hq.staff"].pk,
            "starts": "2026-07-01",
            "ends": "2026-07-15",
            "note": "年休假",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        "/approvals/delegations/",
        {"delegate": people["hq.staff"].pk, "starts": "2026-07-15", "ends": "2026-07-01"},
    )
    assert bad.status_code == 400


def test_pages_answer_every_persona(page_as, people) -> None:
    for name in people:
        client = page_as(name)
        for url in ("/plans/", "/activities/", "/approvals/"):
            assert client.get(url).status_code in (200, 403), (name, url)


def _edit_post(item, **changes):  # type: ignore[no-untyped-def]
    data = {
        "when": item.when.isoformat(),
        "name": item.name,
        "place": item.place,
        "customer": item.customer_id,
        "customer_count": item.customer_count,
        "content": item.content,
        "gifts": item.gifts,
        "cost": str(item.cost),
        "version": item.version,
    }
    data.update(changes)
    return data


def test_a_row_is_corrected_on_its_own_page(page_as, make_plan) -> None:
    plan = make_plan(items=1)
    item = plan.items.get()
    client = _english(page_as("div1.staff"))
    url = f"/plans/{plan.pk}/items/{item.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    assert item.name in page.content.decode()
    saved = client.post(url, _edit_post(item, cost="9000", place="天津塘沽"))
    assert saved.status_code == 302
    item.refresh_from_db()
    assert (str(item.cost), item.place) == ("9000.00", "天津塘沽")
    plan_version = plan.version
    plan.refresh_from_db()
    assert plan.version > plan_version


def test_a_stale_row_save_shows_both_versions_and_changes_nothing(page_as, make_plan) -> None:
    plan = make_plan(items=1)
    item = plan.items.get()
    client = _english(page_as("div1.staff"))
    url = f"/plans/{plan.pk}/items/{item.pk}/edit/"
    assert client.post(url, _edit_post(item, place="天津塘沽")).status_code == 302
    late = client.post(url, _edit_post(item, place="北京朝阳"))  # the version loaded before
    assert late.status_code == 409
    body = late.content.decode()
    assert 'data-testid="saved-version"' in body
    assert "天津塘沽" in body  # the saved version
    assert "北京朝阳" in body  # the editor's version, still in the form
    item.refresh_from_db()
    assert item.place == "天津塘沽"


def test_a_row_of_a_submitted_plan_or_with_bad_input_is_not_changed(
    page_as, make_plan, people
) -> None:
    plan = make_plan(items=1)
    item = plan.items.get()
    client = _english(page_as("div1.staff"))
    url = f"/plans/{plan.pk}/items/{item.pk}/edit/"
    bad = client.post(url, _edit_post(item, cost="很多", when="2030-01-01"))
    assert bad.status_code == 400
    services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    refused = client.post(url, _edit_post(item, cost="1"))
    assert refused.status_code == 409
    item.refresh_from_db()
    assert str(item.cost) == "12000.00"
    assert page_as("div2.staff").get(url).status_code == 404


def test_the_inbox_pages_through_what_waits(page_as, units, people) -> None:  # type: ignore[no-untyped-def]
    """Many requests waiting on HQ: the inbox shows a page of them, newest first, and the
    "more" link the rest; never all at once."""
    import datetime

    from guanxi.activities import services as activities
    from guanxi.web.plans.activity_views import INBOX_PAGE_SIZE as PAGE_SIZE

    for n in range(PAGE_SIZE + 3):
        activities.activity_record(
            actor=people["div1.staff"],
            unit=units["DIV1"],
            kind="care",
            data=activities.ActivityData(name=f"第{n}次客户走访", date=datetime.date(2026, 6, 10)),
        )
    hq = page_as("hq.manager")
    first = hq.get("/approvals/")
    html = first.content.decode()
    inbox = html.split('data-testid="requests"')[0]  # the inbox table, not the requests list
    shown = [n for n in range(PAGE_SIZE + 3) if f"第{n}次客户走访 (" in inbox]
    assert shown == list(range(3, PAGE_SIZE + 3))  # the newest page
    step = first.context["waiting"].next_after
    assert f'href="?waiting_after={step}"' in html
    rest = hq.get(f"/approvals/?waiting_after={step}").content.decode()
    rest = rest.split('data-testid="requests"')[0]
    assert [n for n in range(PAGE_SIZE + 3) if f"第{n}次客户走访 (" in rest] == [0, 1, 2]
