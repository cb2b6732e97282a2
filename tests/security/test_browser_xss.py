"""In a real browser, script stored in the archive shows as text and never runs."""

from __future__ import annotations

import pytest

from guanxi.seeding.demo import DEMO_PASSWORD
from tests.e2e.test_browser import browser_page, pytestmark  # noqa: F401 - the shared fixture
from tests.security.test_xss import PAYLOAD
from tests.security.world import plant


@pytest.fixture(autouse=True)
def _flushable(append_only_flushable: None) -> None:
    """Browser tests run against a live server, so they are transactional."""


@pytest.mark.django_db(transaction=True)
def test_a_stored_script_is_shown_as_text_and_never_runs(  # type: ignore[no-untyped-def]
    browser_page,  # noqa: F811 - the fixture imported above
    live_server,
    people,
    units,
) -> None:
    planted = plant(
        actor=people["hq.manager"], unit=units["DIV1"], marker="浏览器", code_seed=61, text=PAYLOAD
    )
    page = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "div1.manager")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    for path in (f"/customers/{planted.customer.pk}/", f"/contacts/{planted.contact.pk}/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert "<script>alert(1)</script>" in page.inner_text("main"), path

    assert dialogs == []
    assert page.locator("img[src=x]").count() == 0
