"""Exports export what the person asked for (DOC-5): the list's own filters, the export link
that follows the live search, and the confirm step before a large export leaves."""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
from openpyxl import load_workbook

from guanxi.access import exports
from guanxi.access.models import AccessLogEntry
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import Exports

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirm_above(monkeypatch):  # type: ignore[no-untyped-def]
    """The installation's policy with a small export threshold."""

    def set_to(limit: int) -> None:
        policy = dataclasses.replace(
            current_policy(), exports=Exports(confirm_above=limit, clause="000 §20.1", text="x")
        )
        monkeypatch.setattr(exports, "current_policy", lambda: policy)

    return set_to


def names_in(content: bytes) -> list[str]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]


def exported() -> int:
    """How many records the exports registered (one list read names several)."""
    return sum(len(e.returned_ids) for e in AccessLogEntry.objects.filter(channel="export"))


def test_the_export_link_of_a_live_search_holds_only_the_matching_customers(
    page_as, make_customer
) -> None:  # type: ignore[no-untyped-def]
    # given three customers of division 1 and a search as the person types
    wanted = make_customer("DIV1", name="天津港湾工程有限公司")
    make_customer("DIV1", name="湛江海洋石油技术服务有限公司")
    make_customer("BASE11", name="上海蓝海能源科技股份有限公司")
    client = page_as("div1.manager")
    fragment = client.get("/customers/", {"q": "港湾"}, HTTP_HX_REQUEST="true")
    # then the swapped rows carry the export link with the search, out of band
    html = fragment.content.decode()
    link = re.search(r'id="export-link" hx-swap-oob="true">.*?href="([^"]+)"', html, re.S)
    assert link is not None
    assert "q=%E6%B8%AF%E6%B9%BE" in link.group(1)
    # and following it exports only the matching customer, its read alone registered
    answer = client.get(link.group(1).replace("&amp;", "&"))
    assert answer.status_code == 200
    assert names_in(answer.content) == [wanted.name]
    entry = AccessLogEntry.objects.get(channel="export")
    assert entry.returned_ids == [str(wanted.pk)]
    assert json.loads(entry.query)["q"] == "港湾"  # the search that chose the rows


def test_the_full_page_renders_the_export_link_with_its_filters(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1", tier="vip")
    html = page_as("div1.manager").get("/customers/", {"tier": "vip"}).content.decode()
    assert 'href="/customers/export.xlsx?tier=vip' in html
    assert "hx-swap-oob" not in html  # the full page has the link in place, nothing to swap


def test_an_export_at_the_threshold_downloads_at_once(
    page_as, make_customer, confirm_above
) -> None:  # type: ignore[no-untyped-def]
    confirm_above(2)
    make_customer("DIV1")
    make_customer("DIV1")
    answer = page_as("div1.manager").get("/customers/export.xlsx")
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert len(names_in(answer.content)) == 2


def test_a_larger_export_first_says_how_many_records_leave(
    page_as, make_customer, confirm_above
) -> None:  # type: ignore[no-untyped-def]
    # given a threshold of 2 and three customers in the reader's line
    confirm_above(2)
    for _ in range(3):
        make_customer("DIV1")
    client = page_as("div1.manager")
    # when the export link is followed, a page says 3 records will leave, and nothing left
    answer = client.get("/customers/export.xlsx", {"sort": "name"})
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/html")
    page = answer.content.decode()
    assert "3" in re.sub(r"\s+", " ", page.split('data-testid="export-count"')[1][:400])
    assert 'name="confirm" value="3"' in page
    assert 'action="/customers/export.xlsx?sort=name"' in page
    assert exported() == 0
    # when the person confirms, the file holds the three rows and their reads are registered
    confirmed = client.post("/customers/export.xlsx?sort=name", {"confirm": "3"})
    assert len(names_in(confirmed.content)) == 3
    assert exported() == 3


@pytest.mark.parametrize(
    ("method", "data"),
    [
        ("get", {"confirm": "3"}),  # a link that claims a confirmation: GET never confirms
        ("post", {}),
        ("post", {"confirm": "2"}),  # fewer than will leave
        ("post", {"confirm": "lots"}),
    ],
)
def test_a_forged_unconfirmed_large_export_is_refused(
    page_as, make_customer, confirm_above, method: str, data: dict[str, str]
) -> None:  # type: ignore[no-untyped-def]
    confirm_above(2)
    for _ in range(3):
        make_customer("DIV1")
    answer = getattr(page_as("div1.manager"), method)("/customers/export.xlsx", data)
    assert answer["Content-Type"].startswith("text/html")
    assert answer.status_code == (400 if method == "post" else 200)
    assert exported() == 0


def test_the_api_refuses_an_unconfirmed_large_export_with_the_count(
    api_as, make_customer, confirm_above
) -> None:  # type: ignore[no-untyped-def]
    confirm_above(2)
    for _ in range(3):
        make_customer("DIV1")
    client = api_as("div1.manager")
    refused = client.get("/api/v1/customers/export/")
    assert refused.status_code == 409
    assert (refused.json()["count"], refused.json()["confirm_above"]) == (3, 2)
    assert exported() == 0
    answer = client.get("/api/v1/customers/export/", {"confirm": "3"})
    assert answer.status_code == 200
    assert len(names_in(answer.content)) == 3


def test_the_review_report_asks_too_before_a_large_export(
    page_as, api_as, make_customer, confirm_above
) -> None:  # type: ignore[no-untyped-def]
    confirm_above(2)
    for _ in range(3):
        make_customer("DIV1")
    client = page_as("div1.manager")
    asked = client.get("/review/report.xlsx")
    assert 'name="confirm" value="3"' in asked.content.decode()
    assert exported() == 0
    assert api_as("div1.manager").get("/api/v1/review/report/").status_code == 409
    made = client.post("/review/report.xlsx", {"confirm": "3"})
    assert made["Content-Type"].startswith("application/vnd.openxmlformats")
    assert exported() == 3
