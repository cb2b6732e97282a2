"""The read register page 查阅登记 and its Excel export, as the auditor, a manager and staff."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from guanxi.access.lists import register_list
from guanxi.access.models import AccessLogEntry, Channel
from guanxi.access.register import register_read

pytestmark = pytest.mark.django_db


def test_the_auditor_sees_names_readers_and_channels_in_words(
    page_as, people, make_customer
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="渤海钻探有限公司")
    register_read(actor=people["div1.staff"], obj=customer, channel=Channel.PAGE)
    page = page_as("auditor").get("/access-log/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert page.status_code == 200
    assert "渤海钻探有限公司" in text
    assert "刘洋" in text
    assert "div1.staff" in text
    assert "customers.customer:" not in text
    assert f'href="/customers/{customer.pk}/"' not in text  # the auditor may not open it


def test_a_manager_gets_a_link_staff_are_refused(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="渤海钻探有限公司")
    register_read(actor=people["div1.staff"], obj=customer, channel=Channel.PAGE)
    text = page_as("div1.manager").get("/access-log/").content.decode()
    assert f'href="/customers/{customer.pk}/"' in text
    assert page_as("div1.staff").get("/access-log/").status_code == 403
    assert page_as("div1.staff").get("/access-log/export.xlsx").status_code == 403


def test_a_list_read_is_one_expandable_row(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customers = [make_customer(code) for code in ("DIV1", "DIV2", "BR1")]
    register_list(
        actor=people["hq.manager"], objects=customers, channel=Channel.API, query={"q": "钻"}
    )
    page = page_as("auditor").get("/access-log/")
    text = page.content.decode()
    assert text.count('data-testid="access-log-row"') == 1
    assert text.count('data-testid="access-log-group"') == 1
    assert all(c.name in text for c in customers)


def test_bad_filters_give_a_message_not_an_error(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    register_read(actor=people["div1.staff"], obj=make_customer("DIV1"), channel=Channel.PAGE)
    client = page_as("auditor")
    for query in (
        "record_id=abc",
        "record_id=99999999999999999999999",
        "date_from=2026-13-40",
        "channel=smoke",
        "record_type=nope",
        "date_from=2026-02-02&date_to=2026-01-01",
        "after=-1",
    ):
        page = client.get(f"/access-log/?{query}")
        assert page.status_code == 200, query
        if not query.startswith("after"):
            assert 'role="alert"' in page.content.decode(), query


def test_filter_by_reader_on_the_page(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="只给陈静看的客户")
    other = make_customer("DIV1", name="刘洋看的客户")
    register_read(actor=people["div1.cm"], obj=customer, channel=Channel.PAGE)
    register_read(actor=people["div1.staff"], obj=other, channel=Channel.PAGE)
    text = page_as("auditor").get("/access-log/", {"reader": "陈"}).content.decode()
    assert "只给陈静看的客户" in text
    assert "刘洋看的客户" not in text


def _fill(people, make_customer, n: int) -> None:  # type: ignore[no-untyped-def]
    readers = ["div1.staff", "div1.cm", "hq.manager"]
    for i in range(n):
        customer = make_customer(("DIV1", "DIV2", "BR1")[i % 3])
        reader = people[readers[i % 3]]
        if i % 2:
            register_list(actor=reader, objects=[customer], channel=Channel.API, query={"i": i})
        else:
            register_read(actor=reader, obj=customer, channel=Channel.PAGE)


def _queries(client) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/access-log/").status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_the_entries(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    client = page_as("auditor")
    _fill(people, make_customer, 5)
    few = _queries(client)
    _fill(people, make_customer, 25)
    assert _queries(client) == few


def _sheet(response):  # type: ignore[no-untyped-def]
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(data)).active


def test_the_export_carries_the_filtered_entries_and_is_registered(
    page_as, people, make_customer
) -> None:  # type: ignore[no-untyped-def]
    mine = make_customer("DIV1", name="导出里的客户")
    theirs = make_customer("DIV1", name="不该导出的客户")
    register_read(actor=people["div1.cm"], obj=mine, channel=Channel.PAGE)
    register_read(actor=people["div1.staff"], obj=theirs, channel=Channel.PAGE)
    before = set(AccessLogEntry.objects.values_list("seq", flat=True))
    answer = page_as("auditor").get("/access-log/export.xlsx", {"reader": "div1.cm"})
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    values = [str(c.value) for row in _sheet(answer).iter_rows() for c in row if c.value]
    assert "导出里的客户" in values
    assert "不该导出的客户" not in values
    assert "div1.cm" in values
    assert "div1.staff" not in values
    new = AccessLogEntry.objects.exclude(seq__in=before).get()
    assert (new.channel, new.record_type, new.record_id) == ("export", "access.accesslogentry", "")
    exported = AccessLogEntry.objects.get(seq__in=before, username="div1.cm")
    assert new.returned_ids == [str(exported.seq)]
    assert new.username == "auditor"
    assert "div1.cm" in (new.query or "")


def test_an_export_above_the_policys_number_asks_first(
    page_as, people, make_customer, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from guanxi.access import exports

    customer = make_customer("DIV1")
    for _ in range(4):
        register_read(actor=people["div1.staff"], obj=customer, channel=Channel.PAGE)
    client = page_as("auditor")
    monkeypatch.setattr(exports, "confirm_above", lambda: 3)
    count = AccessLogEntry.objects.count()
    asked = client.get("/access-log/export.xlsx")
    assert asked.status_code == 200
    assert 'data-testid="export-confirm"' in asked.content.decode()
    assert AccessLogEntry.objects.count() == count  # nothing read, nothing registered
    short = client.post("/access-log/export.xlsx", {"confirm": "2"})
    assert short.status_code == 400
    done = client.post("/access-log/export.xlsx", {"confirm": str(count)})
    assert done.status_code == 200
    assert done["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AccessLogEntry.objects.filter(channel="export").count() == 1


def test_dates_are_local_and_to_the_second(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    register_read(actor=people["div1.staff"], obj=make_customer("DIV1"), channel=Channel.PAGE)
    entry = AccessLogEntry.objects.get()
    local = timezone.localtime(entry.at)
    stamp = f'{local:%Y-%m-%d}</span> <span class="text-nowrap">{local:%H:%M:%S}'
    client = page_as("auditor")
    assert stamp in client.get("/access-log/").content.decode()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert stamp not in client.get("/access-log/", {"date_from": tomorrow}).content.decode()
