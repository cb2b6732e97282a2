"""Browser test: a division's customer manager registers a VIP customer's demand and escalates
it to HQ after confirming; a complaint is answered and its clock stops."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from guanxi.demands import complaints
from guanxi.demands.models import Complaint, Demand
from tests.e2e.test_browser import CHROMIUM, browser_page  # noqa: F401 - the fixture
from tests.e2e.test_keycustomers import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.mark.django_db(transaction=True)
def test_a_demand_is_registered_and_escalated_and_a_complaint_answered(
    browser_page,  # noqa: F811
    live_server,
    people,
    units,
    make_customer,
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="中海石油（中国）有限公司湛江分公司", tier="vip")
    page = browser_page
    sign_in(page, live_server, "div1.cm")
    page.get_by_test_id("nav-demands").click()
    page.get_by_test_id("new-demand").click()
    page.fill("input[name=q]", "湛江分公司")
    page.press("input[name=q]", "Enter")
    page.get_by_role("link", name=customer.name).click()
    page.fill("#id_title", "钻井日费结算价格调整")
    page.select_option("#id_category", "contract_risk")
    page.select_option("#id_severity", "major")
    page.select_option("#id_owner", str(people["div1.cm"].pk))
    due = timezone.localdate() + datetime.timedelta(days=10)
    page.fill("#id_due_on", due.isoformat())
    page.fill("#id_description", "客户提出下半年日费下调 5%，超出事业部定价权限。")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("[data-testid=demand-status]")
    assert "诉求已登记" in page.content()
    page.fill("#reason", "超出事业部定价权限，需总部协调")
    page.click("[data-testid=escalate] button[type=submit]")
    page.click("[data-testid=confirm] button[type=submit]")
    page.wait_for_selector("[data-testid=escalated-to]")
    assert units["HQ"].name in page.inner_text("[data-testid=escalated-to]")
    demand = Demand.objects.get()
    assert (demand.status, demand.escalated_to_id) == ("escalated", units["HQ"].pk)
    assert "超出事业部定价权限，需总部协调" in page.inner_text("[data-testid=history]")

    complaint = complaints.complaint_create(
        actor=people["div1.staff"],
        customer=customer,
        received_at=timezone.now() - datetime.timedelta(hours=2),
        channel="phone",
        description="平台作业延误，客户要求说明原因。",
    )
    page.goto(f"{live_server.url}/complaints/")
    page.get_by_role("link", name=customer.name).click()
    assert "剩余" in page.inner_text("[data-testid=clock]")
    page.fill("#id_answer", "已致电客户说明延误原因并致歉。")
    page.click("[data-testid=answer] button[type=submit]")
    page.click("[data-testid=confirm] button[type=submit]")
    page.wait_for_selector("[data-testid=answered]")
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert (complaint.status, complaint.answered_by) == ("answered", people["div1.cm"])
