"""Browser test: a branch manager turns a form's low rating into an improvement proposal and
submits it to HQ after confirming; HQ accepts it into the company plan and names the
department responsible (000 §17.3–17.4)."""

from __future__ import annotations

import pytest

from guanxi.improvements.models import ImprovementProposal, PlanItem
from tests.e2e.test_browser import CHROMIUM, browser_page  # noqa: F401 - the fixture
from tests.e2e.test_keycustomers import sign_in
from tests.feedback.conftest import make_activity, make_record  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_a_low_rating_becomes_a_proposal_that_hq_takes_into_the_plan(
    browser_page,  # noqa: F811
    live_server,
    units,
    make_record,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    record = make_record(
        unit="BR1",
        by="branch1.staff",
        satisfaction="fair",
        ratings={
            "quality": "good",
            "attitude": "good",
            "responsiveness": "poor",
            "technical": "good",
            "management": "fair",
            "staff": "good",
        },
        remarks={"responsiveness": "设备故障后响应超过 48 小时"},
        requests="",
    )
    page = browser_page
    sign_in(page, live_server, "branch1.manager")
    page.goto(f"{live_server.url}/visit-records/{record.pk}/")
    page.get_by_test_id("to-proposal").click()
    assert "反应速度：差（设备故障后响应超过 48 小时）" in page.content()
    page.fill("#id_title", "缩短设备故障响应时间")
    page.fill("#id_measures", "建立 24 小时值班与备件前置库，故障响应不超过 12 小时。")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("[data-testid=proposal-status]")
    assert "改进方案已保存为草稿" in page.content()
    page.get_by_test_id("submit").click()
    page.get_by_test_id("confirm-button").click()
    page.wait_for_selector("[data-testid=submit-refusal]")
    assert "方案已提交公司市场营销部" in page.content()
    proposal = ImprovementProposal.objects.get()
    assert proposal.status == "submitted"
    assert proposal.unit == units["BR1"]

    page.context.clear_cookies()
    sign_in(page, live_server, "hq.manager")
    page.get_by_test_id("nav-improvements").click()
    page.get_by_role("link", name="缩短设备故障响应时间").click()
    page.select_option("#decision", "accept")
    page.select_option("#department", str(units["BR1"].pk))
    page.get_by_test_id("decide-button").click()
    page.get_by_test_id("confirm-button").click()
    page.wait_for_selector("[data-testid=plan-item]")
    assert "方案已纳入公司整体改进方案" in page.content()
    assert units["BR1"].name in page.inner_text("[data-testid=plan-item]")
    item = PlanItem.objects.get()
    assert item.proposal_id == proposal.pk
    assert item.department == units["BR1"]
    page.get_by_test_id("nav-plan").click()
    assert "缩短设备故障响应时间" in page.inner_text("[data-testid=plan-items]")
