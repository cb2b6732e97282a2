"""Browser test: typing in the customer search box and narrowing the list (CUS-10)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from guanxi.customers import archive
from guanxi.seeding.demo import DEMO_PASSWORD
from tests.e2e.test_browser import browser_page, pytestmark

__all__ = ["browser_page", "pytestmark"]


@pytest.mark.django_db(transaction=True)
def test_div1_staff_types_pinyin_initials_a_contact_phone_and_filters_by_tier(
    browser_page,
    live_server,
    people,
    make_customer,
) -> None:  # type: ignore[no-untyped-def]
    cnooc = make_customer("BASE11", name="中海油田服务股份有限公司", tier="strategic")
    port = make_customer("DIV1", name="天津港湾工程有限公司", tier="ordinary")
    make_customer("DIV2", name="中海标记另一条线有限公司", tier="strategic")
    archive.contact_create(
        actor=people["hq.manager"], customer=port, name="欧阳建华", mobile="13920018866"
    )
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/customers/")
    page.fill("#id_username", "div1.staff")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/")
    table = page.get_by_test_id("customer-table")

    page.fill("#q", "zhyt")  # htmx searches as the person types, no button
    page.wait_for_url("**q=zhyt**")
    table.get_by_role("link", name=cnooc.name).wait_for()
    assert table.get_by_role("link").count() == 1

    page.fill("#q", "8866")  # the last digits of a contact's mobile
    page.wait_for_url("**q=8866**")
    table.get_by_role("link", name=port.name).wait_for()
    assert table.get_by_role("link").count() == 1

    page.fill("#q", "中海")  # the other division's 中海 customer never shows
    page.wait_for_url("**q=**")
    table.get_by_role("link", name=cnooc.name).wait_for()
    assert table.get_by_role("link").count() == 1

    page.fill("#q", "")
    page.select_option("select[name=tier]", "ordinary")
    page.wait_for_url("**tier=ordinary**")
    table.get_by_role("link", name=port.name).wait_for()
    assert table.get_by_role("link").count() == 1

    page.select_option("select[name=tier]", "")
    page.select_option("select[name=sort]", "name")
    page.wait_for_url("**sort=name**")
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=customer-table] tbody a').length === 2"
    )
    assert table.get_by_role("link").all_inner_texts() == [port.name, cnooc.name]


@pytest.mark.django_db(transaction=True)
def test_a_manager_types_a_search_and_the_export_holds_only_what_the_list_shows(
    browser_page, live_server, people, make_customer
) -> None:  # type: ignore[no-untyped-def]
    wanted = make_customer("DIV1", name="天津港湾工程有限公司")
    make_customer("DIV1", name="湛江海洋石油技术服务有限公司")
    make_customer("BASE11", name="上海蓝海能源科技股份有限公司")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/?next=/customers/")
    page.fill("#id_username", "div1.manager")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/customers/")

    page.fill("#q", "港湾")  # htmx swaps the rows, and the export link with them
    page.wait_for_url("**q=**")
    page.get_by_test_id("customer-table").get_by_role("link", name=wanted.name).wait_for()
    page.wait_for_function("document.querySelector('[data-testid=export]').href.includes('q=')")
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    with open(download.value.path(), "rb") as file:  # the saved download has no suffix
        book = load_workbook(file)
    names = [row[0] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)]
    assert names == [wanted.name]
