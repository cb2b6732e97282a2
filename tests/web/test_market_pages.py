"""Market reports (CUS-8, 003 §12.1) and the information-meaning table (003 附表5) pages:
scoped to the reader's line, reads registered, stale saves refused with 409."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from faker import Faker

from guanxi.access.models import AccessLogEntry
from guanxi.customers import archive
from guanxi.customers.models import InformationMeaning, MarketReport

fake = Faker("zh_CN")
Faker.seed(3)


def english(client):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def report(people, units, unit: str = "DIV1", month: date = date(2025, 3, 1), **extra):  # type: ignore[no-untyped-def]
    author = people["hq.manager"]
    return archive.market_report_create(
        actor=author,
        unit=units[unit],
        month=month,
        title=extra.pop("title", f"{fake.company()}行业动态"),
        body=extra.pop("body", fake.paragraph(nb_sentences=5)),
        **extra,
    )


def test_staff_write_a_monthly_report_from_the_page(page_as, people, units) -> None:  # type: ignore[no-untyped-def]
    answer = page_as("div1.staff").post(
        "/market-reports/new/",
        {
            "unit": units["BASE11"].pk,
            "month": "2025-04",
            "title": "渤海油田钻井市场四月动态",
            "body": "中海油天津分公司计划二季度新增钻井平台两座。",
            "major": "on",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:1500]
    made = MarketReport.objects.get(title="渤海油田钻井市场四月动态")
    assert answer["Location"] == f"/market-reports/{made.pk}/"
    assert (made.month, made.unit, made.author, made.major) == (
        date(2025, 4, 1),
        units["BASE11"],
        people["div1.staff"],
        True,
    )


def test_a_bad_month_is_a_form_error_and_writes_nothing(page_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = english(page_as("div1.staff")).post(
        "/market-reports/new/",
        {"unit": units["DIV1"].pk, "month": "2025-13", "title": "标题", "body": "正文"},
    )
    assert answer.status_code == 400
    assert "YYYY-MM" in answer.content.decode()
    assert not MarketReport.objects.exists()


def test_a_unit_outside_the_line_cannot_be_chosen(page_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = page_as("div1.staff").post(
        "/market-reports/new/",
        {"unit": units["DIV2"].pk, "month": "2025-04", "title": "标题", "body": "正文"},
    )
    assert answer.status_code == 400
    assert not MarketReport.objects.exists()


def test_people_without_a_writing_line_may_not_open_the_form(page_as, units) -> None:  # type: ignore[no-untyped-def]
    assert page_as("exec").get("/market-reports/new/").status_code == 403


def test_the_list_filters_by_month_and_unit_within_the_line(page_as, people, units) -> None:  # type: ignore[no-untyped-def]
    march = report(people, units, "DIV1", date(2025, 3, 1), title="三月钻井市场")
    april = report(people, units, "BASE11", date(2025, 4, 1), title="四月塘沽基地")
    other = report(people, units, "DIV2", date(2025, 3, 1), title="油服二部三月")
    client = page_as("div1.staff")

    everything = client.get("/market-reports/").content.decode()
    assert march.title in everything
    assert april.title in everything
    assert other.title not in everything
    in_march = client.get("/market-reports/", {"month": "2025-03"}).content.decode()
    assert march.title in in_march
    assert april.title not in in_march
    at_base = client.get("/market-reports/", {"unit": units["BASE11"].pk}).content.decode()
    assert april.title in at_base
    assert march.title not in at_base
    garbage = client.get("/market-reports/", {"month": "x", "unit": "9" * 30, "after": "9" * 30})
    assert garbage.status_code == 200
    assert client.get("/personal-data-requests/", {"after": "9" * 30}).status_code == 200


def test_the_list_walks_back_by_keyset(page_as, people, units, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from guanxi.web.market import views as market_views

    monkeypatch.setattr(market_views, "PAGE_SIZE", 2)
    made = [report(people, units, title=f"报告{i}") for i in range(3)]
    client = page_as("div1.staff")
    first = client.get("/market-reports/").content.decode()
    assert made[2].title in first
    assert made[0].title not in first
    second = client.get("/market-reports/", {"after": made[1].pk}).content.decode()
    assert made[0].title in second
    assert made[2].title not in second


def test_list_queries_do_not_grow_with_the_reports(page_as, people, units) -> None:  # type: ignore[no-untyped-def]
    client = page_as("div1.staff")
    report(people, units)
    client.get("/market-reports/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/market-reports/").status_code == 200
    for _ in range(12):
        report(people, units, "BASE11")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/market-reports/").status_code == 200
    assert len(many) == len(few)


def test_the_detail_page_registers_the_read(page_as, people, units) -> None:  # type: ignore[no-untyped-def]
    made = report(people, units, "BASE11")
    answer = page_as("div1.staff").get(f"/market-reports/{made.pk}/")
    assert answer.status_code == 200
    assert made.body[:10] in answer.content.decode()
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.record_type, entry.record_id, entry.username) == (
        "customers.marketreport",
        str(made.pk),
        "div1.staff",
    )


def test_it_rejects_other_divisions(page_as, people, units) -> None:  # type: ignore[no-untyped-def]
    made = report(people, units, "DIV2")
    client = page_as("div1.staff")
    assert client.get(f"/market-reports/{made.pk}/").status_code == 404
    assert client.get(f"/market-reports/{made.pk}/edit/").status_code == 404
    assert client.get("/market-reports/999999/").status_code == 404


def test_an_edit_saves_and_bumps_the_version(page_as, people, units) -> None:  # type: ignore[no-untyped-def]
    made = report(people, units)
    answer = page_as("div1.staff").post(
        f"/market-reports/{made.pk}/edit/",
        {"month": "2025-03", "title": "更正后的标题", "body": made.body, "version": 1},
    )
    assert answer.status_code == 302
    made.refresh_from_db()
    assert (made.title, made.version) == ("更正后的标题", 2)


def test_a_stale_edit_is_refused_with_409_and_changes_nothing(page_as, people, units) -> None:  # type: ignore[no-untyped-def]
    made = report(people, units)
    archive.market_report_update(actor=people["div1.manager"], report=made, version=1, title="新")
    answer = english(page_as("div1.staff")).post(
        f"/market-reports/{made.pk}/edit/",
        {"month": "2025-03", "title": "旧版本上的修改", "body": made.body, "version": 1},
    )
    assert answer.status_code == 409
    assert "Someone else saved this record" in answer.content.decode()
    made.refresh_from_db()
    assert (made.title, made.version) == ("新", 2)


# ------------------------------------------------------------------ information-meaning table


def test_the_table_shows_the_four_topics_of_the_form(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    answer = english(page_as("div1.staff")).get(f"/customers/{customer.pk}/information/")
    assert answer.status_code == 200
    body = answer.content.decode()
    for topic in ("industry", "plans", "organisation", "investment"):
        assert f'data-topic="{topic}"' in body
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.record_id == str(customer.pk)


def test_a_row_is_filled_in_with_its_source_level(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    client = english(page_as("div1.cm"))
    answer = client.post(
        f"/customers/{customer.pk}/information/investment/",
        {
            "information": "计划2026年投资12亿元建设LNG接收站二期。",
            "meaning": "二期工程施工招标预计明年一季度启动，应提前准备资质。",
            "source": "visit",
            "version": 0,
        },
    )
    assert answer.status_code == 302
    row = InformationMeaning.objects.get(customer=customer, topic="investment")
    assert (row.source, row.version) == ("visit", 1)
    table = client.get(f"/customers/{customer.pk}/information/").content.decode()
    assert "LNG" in table
    assert "level 3" in table


def test_an_unknown_source_or_topic_is_refused(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    client = page_as("div1.staff")
    bad = client.post(
        f"/customers/{customer.pk}/information/plans/",
        {"information": "x", "source": "rumour", "version": 0},
    )
    assert bad.status_code == 400
    assert client.get(f"/customers/{customer.pk}/information/gossip/").status_code == 404
    assert not InformationMeaning.objects.exists()


def test_two_editors_of_one_row_give_one_save_and_one_409(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    archive.information_set(
        actor=people["div1.manager"], customer=customer, topic="plans", information="先写的"
    )
    answer = page_as("div1.staff").post(
        f"/customers/{customer.pk}/information/plans/",
        {"information": "后写的，基于空白表", "version": 0},
    )
    assert answer.status_code == 409
    row = InformationMeaning.objects.get(customer=customer, topic="plans")
    assert (row.information, row.version) == ("先写的", 1)


def test_executives_read_the_table_but_may_not_edit(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    client = page_as("exec")
    page = client.get(f"/customers/{customer.pk}/information/")
    assert page.status_code == 200
    assert f"/customers/{customer.pk}/information/plans/" not in page.content.decode()
    assert client.get(f"/customers/{customer.pk}/information/plans/").status_code == 403
    assert page_as("div2.staff").get(f"/customers/{customer.pk}/information/").status_code == 404


# ------------------------------------------------------------------ customer page links


def test_the_customer_page_links_the_history_table_and_score(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    body = english(page_as("div1.staff")).get(f"/customers/{customer.pk}/").content.decode()
    assert f"/history/customer/{customer.pk}/" in body
    assert f"/customers/{customer.pk}/information/" in body
    assert 'data-testid="completeness"' in body
    assert 'href="/review/"' in body
    assert 'href="/market-reports/"' in body


def add(people, customer, make_key_person, count: int) -> None:  # type: ignore[no-untyped-def]
    topics = ["industry", "plans", "organisation", "investment"]
    for i in range(count):
        make_key_person(customer, name=fake.name())
        archive.information_set(
            actor=people["div1.manager"],
            customer=customer,
            topic=topics[i % 4],
            information=fake.sentence(),
        )


def test_the_customer_page_queries_stay_constant(  # type: ignore[no-untyped-def]
    page_as, people, make_customer, make_key_person, list_read_queries
) -> None:
    customer = make_customer("DIV1")
    add(people, customer, make_key_person, 1)
    client = page_as("div1.staff")
    client.get(f"/customers/{customer.pk}/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/customers/{customer.pk}/").status_code == 200
    add(people, customer, make_key_person, 7)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/customers/{customer.pk}/").status_code == 200
    assert len(many) == len(few)
    # the page registers two reads: the customer, and the contacts and departments it lists
    assert len(few) <= 25 + 2 * list_read_queries
