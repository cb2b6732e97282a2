"""Browser: a division manager submits the quarter's care plan, HQ returns it, it is corrected,
resubmitted, accepted and consolidated into the company plan; then the over-threshold activity
is refused write-off until HQ approves it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from guanxi.activities.models import Activity
from guanxi.plans.models import Plan
from guanxi.seeding.demo import DEMO_PASSWORD
from tests.e2e.test_browser import browser_page, pytestmark  # noqa: F401 - fixture and marks


def sign_in(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{url}/")


@pytest.mark.django_db(transaction=True)
def test_plan_to_company_plan_and_costly_write_off(
    browser_page,  # noqa: F811 - the imported fixture
    live_server,
    people,
    units,
    make_customer,
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="中海石油（中国）有限公司湛江分公司")
    page, url = browser_page, live_server.url
    first = timezone.localdate().replace(day=1).isoformat()

    sign_in(page, url, "div1.manager")
    page.get_by_test_id("nav-plans").click()
    page.select_option("#id_unit", str(units["DIV1"].pk))
    page.select_option("#id_kind", "care")
    page.select_option("#id_period", "quarter")
    page.fill("#id_day", first)
    page.locator("[data-testid=plan-open] button[type=submit]").click()
    page.wait_for_selector("[data-testid=item-form]")
    form = page.locator("[data-testid=item-form]")
    form.locator("#id_when").fill(first)
    form.locator("#id_name").fill("南海作业区客户答谢会")
    form.locator("#id_place").fill("湛江")
    form.locator("#id_customer").select_option(str(customer.pk))
    form.locator("#id_cost").fill("52000")
    page.get_by_test_id("add-item").click()
    page.wait_for_selector("text=南海作业区客户答谢会")
    page.get_by_test_id("submit-plan").click()
    page.wait_for_load_state()
    plan = Plan.objects.get(unit=units["DIV1"])
    assert plan.status == "submitted"
    quarter = f"kind=care&period=quarter&day={first}"

    sign_in(page, url, "hq.manager")
    page.goto(f"{url}/plans/consolidation/?{quarter}")
    row = page.get_by_test_id("consolidation")
    row.locator("input[name=comment]").fill("答谢会费用偏高，请压减到四万元以内")
    row.locator("button", has_text="退回").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == "returned"

    sign_in(page, url, "div1.manager")
    page.goto(f"{url}/plans/{plan.pk}/")
    assert "压减到四万元以内" in page.get_by_test_id("return-comment").inner_text()
    page.get_by_test_id(f"edit-item-{plan.items.get().pk}").click()
    page.locator("[data-testid=item-edit-form] #id_cost").fill("45000")
    page.get_by_test_id("save-item").click()
    page.wait_for_selector("[data-testid=plan-totals]")
    assert "45,000.00 元" in page.get_by_test_id("plan-totals").inner_text()
    page.get_by_test_id("submit-plan").click()
    page.wait_for_load_state()
    plan.refresh_from_db()
    assert (plan.status, plan.revision) == ("submitted", 2)

    sign_in(page, url, "hq.manager")
    page.goto(f"{url}/plans/consolidation/?{quarter}")
    page.get_by_test_id(f"accept-{plan.pk}").click()
    page.wait_for_load_state()
    page.goto(f"{url}/plans/company/?period=quarter&day={first}")
    assert "南海作业区客户答谢会" in page.get_by_test_id("company-items").inner_text()
    assert "45,000.00 元" in page.get_by_test_id("company-by-unit").inner_text()

    sign_in(page, url, "div1.staff")
    page.goto(f"{url}/activities/new/")
    page.select_option("#id_plan_item", str(plan.items.get().pk))
    page.fill("#id_name", "南海作业区客户答谢会")
    page.fill("#id_date", first)
    page.fill("#id_cost", "45000")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_selector("[data-testid=activity-status]")
    activity = Activity.objects.get()

    sign_in(page, url, "finance")
    page.goto(f"{url}/activities/{activity.pk}/")
    page.get_by_test_id("write-off").click()
    page.wait_for_selector("[data-testid=refused]")

    sign_in(page, url, "hq.manager")
    page.get_by_test_id("nav-approvals").click()
    page.locator("[data-testid=inbox] a").first.click()
    page.get_by_test_id("approve").click()
    page.wait_for_selector("[data-testid=approval-status]")

    sign_in(page, url, "finance")
    page.goto(f"{url}/activities/{activity.pk}/")
    page.get_by_test_id("write-off").click()
    page.wait_for_load_state()
    activity.refresh_from_db()
    assert activity.status == "written_off"
