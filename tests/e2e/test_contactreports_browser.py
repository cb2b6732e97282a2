"""Browser test: from the customer page, div1.staff records a call with a key person; the
report tops the customer's timeline, and the customer manager finds it new on their list."""

from __future__ import annotations

import pytest

from guanxi.contactreports.models import ContactReport
from guanxi.customers.models import Customer
from tests.e2e.test_browser import CHROMIUM, browser_page  # noqa: F401 - the fixture
from tests.e2e.test_keycustomers import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_a_contact_report_from_the_customer_page_tops_the_timeline(
    browser_page,  # noqa: F811
    live_server,
    people,
    make_customer,
    make_key_person,
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="中海石油（中国）有限公司天津分公司")
    Customer.objects.filter(pk=customer.pk).update(manager=people["div1.cm"])
    contact = make_key_person(customer, name="周建华")
    page = browser_page
    sign_in(page, live_server, "div1.staff")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_test_id("record-contact").click()  # in the htmx-loaded timeline section
    page.select_option("#id_kind", "call")
    page.fill("#id_contacted_on", "2025-05-12")
    page.select_option("#id_key_persons", str(contact.pk))
    page.fill("#id_summary", "电话沟通三季度固井作业安排，客户希望提前一周进场。")
    page.fill("#id_follow_up", "下周提交进场计划")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("[data-testid=timeline-entry]")
    first = page.get_by_test_id("timeline-entry").first
    assert "电话沟通三季度固井作业安排" in first.inner_text()
    assert first.get_attribute("data-kind") == "contact_report"
    report = ContactReport.objects.get()
    assert report.manager == people["div1.cm"]

    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.wait_for_selector("[data-testid=timeline-entry]")
    page.locator("[data-testid=timeline-chips] [data-kind=contact_report]").click()
    page.wait_for_selector("[data-testid=timeline-entry][data-kind=contact_report]")
    assert page.get_by_test_id("timeline-entry").count() == 1

    page.get_by_role("button", name="退出").or_(page.get_by_role("button", name="Sign out")).click()
    sign_in(page, live_server, "div1.cm")
    page.get_by_test_id("nav-contact-reports").click()
    page.get_by_test_id("new-for-me").click()
    assert page.get_by_test_id("report-row").count() == 1
