"""Browser tests: Playwright driving Debian's Chromium against the live server."""

from __future__ import annotations

import os
import shutil

import pytest

from guanxi.seeding.demo import DEMO_PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        CHROMIUM is None and os.environ.get("CI") != "true",
        reason="Debian's chromium is not installed (make system-packages)",
    ),
]


@pytest.fixture
def browser_page(live_server, monkeypatch):  # type: ignore[no-untyped-def]
    if CHROMIUM is None:
        pytest.fail("CI needs Debian's chromium for the browser tests")
    # Playwright's sync API runs an event loop in this thread; the ORM calls are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(locale="zh-CN")
        yield page
        browser.close()


@pytest.mark.django_db(transaction=True)
def test_div1_staff_signs_in_and_sees_the_chinese_home_page(
    browser_page, live_server, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("BASE11", name="中海石油（中国）有限公司天津分公司")
    contact = make_key_person(customer, name="周建华")
    page = browser_page
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "div1.staff")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "欢迎" in page.content()
    assert page.get_by_test_id("who").inner_text() == "刘洋"
    page.get_by_role("link", name="客户单位", exact=True).click()
    page.wait_for_url(f"{live_server.url}/customers/")
    page.fill("#q", "zhsy")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=customer.name).click()
    assert page.get_by_test_id("customer-name").inner_text() == customer.name
    page.wait_for_selector("[data-testid=relationship-map][data-ready=true] canvas")
    page.screenshot(path=os.environ.get("GUANXI_SCREENSHOT", "/tmp/guanxi-customer.png"))
    page.get_by_role("link", name=contact.name).first.click()
    assert page.get_by_test_id("contact-name").inner_text() == contact.name
    assert page.get_by_test_id("key-person-profile").is_visible()
    assert page.get_by_test_id("profile-masked").is_visible()  # staff: profile masked (PRV-1)


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_offline_under_the_content_security_policy(
    browser_page, live_server, people
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "hq.staff")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "Guanxi API" in page.locator(".swagger-ui .info .title").inner_text()
    # The whole schema reached the page (Swagger UI renders its operations progressively, a
    # few at a time on a busy machine, so the list is not waited for to the end).
    page.wait_for_function(
        "() => { try { return !!ui.spec().toJS().json.paths['/api/v1/customers/'] }"
        " catch (e) { return false } }",
        timeout=30000,
    )
    page.locator(".opblock-summary-path").first.wait_for(timeout=30000)
    assert blocked == []
