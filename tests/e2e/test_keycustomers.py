"""Browser test: a division manager plans an outgoing visit, the e-mails are queued, the
summary opens a follow-up; the customer plan shows its revenue totals in yuan."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guanxi.keycustomers import customer_plans
from guanxi.keycustomers.models import RevenuePlanRow, VisitPlan
from guanxi.outbox.models import Message
from guanxi.seeding.demo import DEMO_PASSWORD
from tests.e2e.test_browser import CHROMIUM, browser_page  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


def sign_in(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.django_db(transaction=True)
def test_a_visit_plan_is_made_notified_and_summarised(
    browser_page,  # noqa: F811
    live_server,
    people,
    units,
    make_customer,
    make_key_person,
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="中海石油（中国）有限公司天津分公司")
    contact = make_key_person(customer, name="周建华")
    page = browser_page
    sign_in(page, live_server, "div1.manager")
    page.get_by_test_id("nav-key-customers").click()
    page.get_by_test_id("new-outgoing").click()
    page.fill("input[name=q]", "天津分公司")
    page.press("input[name=q]", "Enter")
    page.get_by_role("link", name=customer.name).click()
    page.fill("#id_theme", "渤海湾钻完井一体化合作拜访")
    page.fill("#id_starts_on", "2025-03-10")
    page.fill("#id_ends_on", "2025-03-11")
    page.select_option("#id_their_people", str(contact.pk))
    page.select_option("#id_our_people", str(people["div1.manager"].pk))
    page.select_option("#id_notified_units", str(units["BASE11"].pk))
    page.fill("#id_itinerary", "2025-03-10 | 09:30 | 天津塘沽 | 技术交流会")
    page.fill("#id_duties", "张志强：主谈")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("[data-testid=visit-status]")
    assert "技术交流会" in page.content()
    visit = VisitPlan.objects.get()
    assert set(Message.objects.values_list("recipient", flat=True)) == {
        "base11.staff@guanxi.example",
        "div1.manager@guanxi.example",
    }
    page.fill("#id_summary", "双方同意四月开展技术交流。")
    page.fill("#id_follow_ups", "提交技术方案 | div1.cm | 2025-04-01")
    page.click("[data-testid=summary-form] button[type=submit]")
    page.wait_for_selector("[data-testid=visit-summary]")
    assert "提交技术方案" in page.get_by_test_id("follow-ups").inner_text()
    visit.refresh_from_db()
    assert visit.status == "done"


@pytest.mark.django_db(transaction=True)
def test_the_customer_plan_shows_revenue_totals_in_yuan(
    browser_page,  # noqa: F811
    live_server,
    people,
    make_customer,
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    plan = customer_plans.customer_plan_create(
        actor=people["div1.cm"], customer=customer, year=2025
    )
    customer_plans.plan_row_add(
        actor=people["div1.cm"],
        plan=plan,
        kind=RevenuePlanRow,
        project="渤中19-6 钻井服务",
        contract_amount=Decimal("12345678.90"),
        win_rate=Decimal("0.6"),
        margin=Decimal("0.15"),
    )
    page = browser_page
    sign_in(page, live_server, "div1.cm")
    page.goto(f"{live_server.url}/keycustomers/customer-plans/{plan.pk}/")
    page.fill("#id_revenue-project", "测井服务")
    page.fill("#id_revenue-contract_amount", "1000000")
    page.fill("#id_revenue-win_rate", "50")
    page.fill("#id_revenue-margin", "20")
    page.click("[data-testid=add-revenue] button[type=submit]")
    page.wait_for_selector("text=测井服务")
    assert page.get_by_test_id("total-revenue").inner_text() == "7,907,407.34 元"
    assert page.get_by_test_id("total-profit").inner_text() == "1,211,111.10 元"
