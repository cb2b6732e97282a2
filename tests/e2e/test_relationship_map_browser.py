"""Browser tests of the relationship map (CUS-4): a name that looks like markup is shown as text
in the tooltip and runs nothing; two loads draw the nodes in the same places; the legend is there.
"""

from __future__ import annotations

import pytest

from guanxi.customers import archive
from tests.e2e.test_browser import browser_page, pytestmark  # the shared fixture and marks
from tests.e2e.test_market_privacy_browser import sign_in

__all__ = ["browser_page", "pytestmark"]
MARKUP_NAME = "<img src=x onerror=alert(1)>"
READY = "[data-testid=relationship-map][data-ready=true] canvas"

POSITIONS = """() => {
  const chart = echarts.getInstanceByDom(document.getElementById('relationship-map'));
  const data = chart.getModel().getSeriesByIndex(0).getData();
  const out = [];
  for (let i = 0; i < data.count(); i++) { out.push([data.getId(i), data.getItemLayout(i)]); }
  return out;
}"""
SHOW_TIP = """(name) => {
  const box = document.getElementById('relationship-map');
  const chart = echarts.getInstanceByDom(box);
  const data = chart.getModel().getSeriesByIndex(0).getData();
  let index = -1;
  for (let i = 0; i < data.count(); i++) { if (data.getName(i) === name) { index = i; } }
  chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: index });
  return index;
}"""
TOOLTIP = """(role) => {
  const box = document.getElementById('relationship-map');
  const tip = Array.from(box.querySelectorAll(':scope > div')).find(
    (d) => d.textContent.includes(role));
  return tip ? { text: tip.textContent, images: tip.querySelectorAll('img').length } : null;
}"""


def tooltip_of(page, role: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The tooltip holding `role`, polled from Python: the page's CSP forbids eval."""
    for _attempt in range(50):
        tip = page.evaluate(TOOLTIP, role)
        if tip is not None:
            return tip  # type: ignore[no-any-return]
        page.wait_for_timeout(100)
    raise AssertionError("no tooltip")


@pytest.mark.django_db(transaction=True)
def test_a_markup_name_shows_as_text_in_the_tooltip_and_runs_nothing(  # type: ignore[no-untyped-def]
    browser_page, live_server, people, make_customer, make_key_person
) -> None:
    customer = make_customer("DIV1", name="中海石油（中国）有限公司湛江分公司")
    make_key_person(customer, name=MARKUP_NAME)
    dialogs: list[str] = []
    page = browser_page
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server.url, "div1.staff")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.wait_for_selector(READY)
    assert page.evaluate(SHOW_TIP, MARKUP_NAME) >= 0
    tip = tooltip_of(page, "决策者")
    assert tip["images"] == 0
    assert MARKUP_NAME in str(tip["text"])
    assert page.locator("img[src=x]").count() == 0
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert dialogs == []


@pytest.mark.django_db(transaction=True)
def test_two_loads_draw_the_same_picture_with_its_legend(  # type: ignore[no-untyped-def]
    browser_page, live_server, people, make_customer, make_key_person
) -> None:
    customer = make_customer("DIV1", name="中海石油（中国）有限公司深圳分公司")
    for name, role, state in (
        ("周建华", "decision_maker", "positive"),
        ("李明", "advisor", "neutral"),
        ("王芳", "blocker", "negative"),
    ):
        contact = make_key_person(customer, name=name)
        archive.relationship_set(
            actor=people["hq.manager"],
            contact=contact,
            buying_role=role,
            state=state,
            holders=[people["div1.manager"], people["div1.cm"]],
            version=contact.relationship.version,
        )
    page = browser_page
    sign_in(page, live_server.url, "div1.staff")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.wait_for_selector(READY)
    first = page.evaluate(POSITIONS)
    page.reload()
    page.wait_for_selector(READY)
    assert page.evaluate(POSITIONS) == first
    assert len(first) == 5  # three key persons, two of our people
    states = page.get_by_test_id("map-legend-states").inner_text()
    roles = page.get_by_test_id("map-legend-roles").inner_text()
    for label in ("积极", "中立", "悲观", "尚未建立关系", "我方人员"):
        assert label in states
    for label in ("决策者", "顾问人员", "使用者", "阻拦者", "支持者"):
        assert label in roles
