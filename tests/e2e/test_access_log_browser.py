"""Browser test: the auditor filters the read register by reader and sees the record's name."""

from __future__ import annotations

import os

import pytest

from guanxi.access.lists import register_list
from guanxi.access.models import Channel
from guanxi.access.register import register_read
from guanxi.seeding.demo import DEMO_PASSWORD
from tests.e2e.test_browser import browser_page, pytestmark

__all__ = ["browser_page", "pytestmark"]


@pytest.mark.django_db(transaction=True)
def test_the_auditor_filters_by_reader_and_sees_the_records_name(
    browser_page, live_server, people, make_customer
) -> None:  # type: ignore[no-untyped-def]
    read = make_customer("DIV1", name="渤海钻探工程有限公司")
    other = make_customer("DIV2", name="南海另一位读过的客户")
    listed = [make_customer(code) for code in ("DIV1", "BASE11", "BR1")]
    register_read(actor=people["div1.cm"], obj=read, channel=Channel.PAGE)
    register_read(actor=people["div2.staff"], obj=other, channel=Channel.API)
    register_list(
        actor=people["div1.cm"], objects=listed, channel=Channel.PAGE, query={"q": "钻探"}
    )
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/access-log/")
    page.fill("#id_username", "auditor")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/access-log/")
    table = page.get_by_test_id("access-log")
    assert table.get_by_text("南海另一位读过的客户").count() == 1

    page.fill("#id_reader", "陈静")
    page.get_by_test_id("access-log-filter").locator("button[type=submit]").click()
    page.wait_for_url("**reader=**")
    table.get_by_text("渤海钻探工程有限公司").wait_for()
    assert table.get_by_text("南海另一位读过的客户").count() == 0
    assert page.get_by_test_id("access-log-row").count() == 2
    group = page.get_by_test_id("access-log-group")
    group.locator("summary").click()
    group.get_by_text(listed[0].name).wait_for()
    shots = os.environ.get("GUANXI_SCREENSHOT_DIR", "/tmp")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"{shots}/guanxi-access-log-1280.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=f"{shots}/guanxi-access-log-390.png", full_page=True)
