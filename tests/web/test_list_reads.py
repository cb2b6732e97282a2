"""A list page registers one list read naming the rows it showed; a refused print none."""

from __future__ import annotations

import json

from guanxi.access.models import AccessLogEntry


def test_the_customer_list_registers_the_rows_it_shows(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    shown = [make_customer("DIV1"), make_customer("BASE11")]
    answer = page_as("hq.manager").get("/customers/")
    assert answer.status_code == 200
    entries = list(AccessLogEntry.objects.filter(channel="page"))
    assert sorted(i for e in entries for i in e.returned_ids) == sorted(str(c.pk) for c in shown)
    assert {e.record_id for e in entries} == {""}


def test_a_search_narrowed_to_one_customer_registers_just_that_one(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    wanted = make_customer("DIV1", name="天津港湾工程有限公司")
    make_customer("DIV1", name="湛江海洋石油技术服务有限公司")
    page_as("hq.manager").get("/customers/", {"q": "港湾"}, HTTP_HX_REQUEST="true")
    entry = AccessLogEntry.objects.get(channel="page")
    assert entry.returned_ids == [str(wanted.pk)]
    assert json.loads(entry.query)["q"] == "港湾"


def test_an_empty_list_registers_nothing(page_as) -> None:  # type: ignore[no-untyped-def]
    assert page_as("hq.manager").get("/customers/", {"q": "没有这个"}).status_code == 200
    assert AccessLogEntry.objects.count() == 0
