"""Browser test: the administrator pastes a State Council holiday notice, sees what it gives,
confirms, and the calendar shows the year official with its days off and worked Saturdays."""

from __future__ import annotations

import pytest

from tests.e2e.test_browser import CHROMIUM, browser_page  # noqa: F401 - the fixture
from tests.e2e.test_keycustomers import sign_in
from tests.workdays.notices import NOTICE_2027_SAMPLE

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_the_administrator_confirms_a_notice_and_the_calendar_shows_its_days(
    browser_page,  # noqa: F811
    live_server,
    people,
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    sign_in(page, live_server, "admin")
    page.get_by_test_id("nav-calendar").click()
    page.goto(f"{live_server.url}/calendar/?year=2027")
    assert page.get_by_test_id("unofficial").is_visible()

    page.get_by_test_id("paste-notice").click()
    page.fill("#id_text", NOTICE_2027_SAMPLE)
    page.fill("#id_year", "")
    page.click("[data-testid=notice-form] button[type=submit]")
    preview = page.get_by_test_id("preview-days").inner_text()
    assert "2027-10-09" in preview
    assert "国庆节" in preview
    assert "18" in page.get_by_test_id("preview").inner_text()

    page.click("[data-testid=confirm] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/calendar/?year=2027")
    assert "2027 年的通知已确认" in page.locator("main").inner_text()
    assert page.get_by_test_id("official").is_visible()
    assert page.locator("[data-date='2027-10-04']").get_attribute("data-working") == "0"
    assert page.locator("[data-date='2027-10-09']").get_attribute("data-working") == "1"
    assert "国务院通知" in page.get_by_test_id("days").inner_text()
