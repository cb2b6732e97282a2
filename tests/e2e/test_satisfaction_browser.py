"""Browser test: HQ's manager opens the satisfaction analytics from the menu and sees the trend
and the units side by side drawn (ECharts canvases) with their tables; the customer page
draws the customer's trend in its lazily loaded section."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tests.e2e.test_browser import CHROMIUM, browser_page  # noqa: F401 - the fixture
from tests.e2e.test_keycustomers import sign_in
from tests.feedback.conftest import make_activity  # noqa: F401 - a fixture of `rate`
from tests.satisfaction.conftest import rate  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_hq_sees_the_satisfaction_charts_and_tables(
    browser_page,  # noqa: F811
    live_server,
    people,
    make_customer,
    rate,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    customer = make_customer("DIV1", name="中海石油（中国）有限公司天津分公司")
    for months, rating in [(8, "good"), (5, "fair"), (1, "poor")]:
        day = today - datetime.timedelta(days=30 * months)
        rate(rating, day=day, customer=customer)
        rate("good", "fair", day=day, unit="DIV2", by="div2.staff")
    page = browser_page
    sign_in(page, live_server, "hq.manager")
    page.get_by_test_id("nav-satisfaction").click()
    page.wait_for_selector("[data-testid=trend-chart][data-ready=true] canvas")
    page.wait_for_selector("[data-testid=unit-chart][data-ready=true] canvas")
    units = page.get_by_test_id("unit-table").inner_text()
    assert "钻井事业部" in units
    assert "油田技术事业部" in units
    assert "6" in page.get_by_test_id("satisfaction-forms").inner_text()
    assert "总体满意度" in page.get_by_test_id("satisfaction-totals").inner_text()

    page.select_option("#s-period", "quarter")
    page.click("[data-testid=satisfaction-filters] button[type=submit]")
    page.wait_for_selector("[data-testid=trend-chart][data-ready=true] canvas")
    assert "季度" in page.get_by_test_id("trend-table").inner_text()

    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.wait_for_selector("[data-testid=customer-trend-chart][data-ready=true] canvas")
    assert "差" in page.get_by_test_id("latest-ratings").inner_text()
