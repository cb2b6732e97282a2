"""Browser tests of the main paths of market reports and personal-data requests (CUS-8, PRV-1).

Selectors use URLs and test ids, not the new strings, so the tests hold in either language.
"""

from __future__ import annotations

import pytest

from guanxi.customers import archive
from guanxi.customers.models import Contact, MarketReport, PersonalDataRequest
from guanxi.seeding.demo import DEMO_PASSWORD
from tests.e2e.test_browser import browser_page, pytestmark  # the shared fixture and marks

__all__ = ["browser_page", "pytestmark"]


def sign_in(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{url}/")


@pytest.mark.django_db(transaction=True)
def test_staff_add_a_monthly_market_report(browser_page, live_server, people, units) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    sign_in(page, live_server.url, "div1.staff")
    page.click("nav a[href='/market-reports/']")
    page.wait_for_url(f"{live_server.url}/market-reports/")
    page.click("a[href='/market-reports/new/']")
    page.select_option("#id_unit", str(units["BASE11"].pk))
    page.fill("#id_month", "2025-04")
    page.fill("#id_title", "渤海湾钻井市场四月动态")
    page.fill("#id_body", "中海油天津分公司二季度计划新增两座自升式钻井平台作业。")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_selector("[data-testid=market-report-title]")
    assert page.get_by_test_id("market-report-title").inner_text() == "渤海湾钻井市场四月动态"
    report = MarketReport.objects.get()
    assert (report.unit_id, report.month.isoformat()) == (units["BASE11"].pk, "2025-04-01")
    page.click("nav a[href='/market-reports/']")
    assert (
        page.get_by_test_id("market-report-table")
        .get_by_text("渤海湾钻井市场四月动态")
        .is_visible()
    )


@pytest.mark.django_db(transaction=True)
def test_a_manager_records_and_carries_out_a_deletion_request(  # type: ignore[no-untyped-def]
    browser_page, live_server, people, make_customer, make_key_person
) -> None:
    contact = make_key_person(make_customer("DIV1", name="中海油田服务股份有限公司"), name="高建军")
    page = browser_page
    sign_in(page, live_server.url, "div1.manager")
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    page.get_by_test_id("personal-request").click()
    page.select_option("#id_kind", "delete")
    page.fill("#id_requested_by", "高建军本人")
    page.fill("#id_verification", "现场核对身份证原件")
    page.fill("#id_details", "书面申请删除个人信息")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_selector("[data-testid=complete]")
    page.fill("#id_outcome", "已删除姓名、电话与个人背景资料")
    page.get_by_test_id("complete").click()
    page.wait_for_selector("[data-testid=request-outcome]")
    erased = Contact.objects.get(pk=contact.pk)
    assert erased.erased_at is not None
    assert erased.name == archive.ERASED_NAME
    assert PersonalDataRequest.objects.get().done_by == people["div1.manager"]
    page.goto(f"{live_server.url}/contacts/{contact.pk}/")
    assert page.get_by_test_id("contact-name").inner_text() == archive.ERASED_NAME
