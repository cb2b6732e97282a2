"""The quarterly archive review (CUS-13; 003 §12.5, §13.3, §13.4): scores, pages, report."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from guanxi.access.models import AccessLogEntry
from guanxi.customers import archive, review
from guanxi.customers.models import (
    BACKGROUND_FIELDS,
    BUSINESS_FIELDS,
    CLASSIFICATION_FIELDS,
    COMMS_FIELDS,
    Customer,
)
from guanxi.organisation.models import Person
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import REVIEW_FIELDS

NOW = datetime.datetime(2026, 5, 20, 10, 0, tzinfo=datetime.UTC)


def fill_fields(customer: Customer, manager: Person | None) -> None:
    """Every required field of the customer unit itself filled in (not its people)."""
    policy = current_policy()
    values: dict[str, Any] = {
        name: "x@example.com" if name == "email" else "已填写"
        for name in (*BUSINESS_FIELDS, *COMMS_FIELDS, *BACKGROUND_FIELDS)
    }
    values.update({key: policy.dimensions[key].options[0].key for key in CLASSIFICATION_FIELDS})
    Customer.objects.filter(pk=customer.pk).update(manager=manager, **values)


def complete_archive(customer: Customer, people: dict[str, Person], make_key_person: Any) -> None:
    fill_fields(customer, people["div1.cm"])
    make_key_person(customer)  # a department, a key contact and their place on the map


def expected_score(present: int) -> int:
    total = len(current_policy().review.required)
    return (present * 200 + total) // (2 * total)


@pytest.fixture(autouse=True)
def page_agrees_with_the_review(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every completeness these tests compute in SQL is also computed the customer page's way
    (from the loaded archive, no query) and must be the same."""
    from guanxi.customers.selectors import customer_archive

    in_sql = review.customer_completeness

    def both(customer: Customer) -> review.Completeness:
        expected = in_sql(customer)
        fresh = Customer.objects.get(pk=customer.pk)
        reader = Person.objects.filter(is_superuser=False).first() or Person.objects.first()
        loaded = customer_archive(actor=reader, customer=fresh)  # type: ignore[arg-type]
        assert review.archive_completeness(fresh, loaded) == expected
        return expected

    monkeypatch.setattr(review, "customer_completeness", both)


def test_the_allow_list_matches_the_customer_model() -> None:
    three_part = (*BUSINESS_FIELDS, *COMMS_FIELDS, *BACKGROUND_FIELDS, *CLASSIFICATION_FIELDS)
    assert set(three_part) <= set(REVIEW_FIELDS)
    fields = {f.name for f in Customer._meta.get_fields()}
    computed = {"contacts", "key_persons", "relationships", "departments"}
    assert set(REVIEW_FIELDS) - computed <= fields


def test_a_complete_archive_scores_100_and_misses_nothing(  # type: ignore[no-untyped-def]
    people, make_customer, make_key_person
) -> None:
    customer = make_customer("DIV1")
    complete_archive(customer, people, make_key_person)
    done = review.customer_completeness(customer)
    assert (done.score, done.missing, done.stale) == (100, (), False)


def test_a_bare_customer_misses_every_item_but_its_credit_code(make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    done = review.customer_completeness(customer)
    required = current_policy().review.required
    assert [item for item, _label in done.missing] == [n for n in required if n != "credit_code"]
    assert done.score == expected_score(1)
    assert all(label for _item, label in done.missing)


def test_a_key_person_missing_from_the_map_is_named(  # type: ignore[no-untyped-def]
    people, make_customer, make_key_person
) -> None:
    customer = make_customer("DIV1")
    complete_archive(customer, people, make_key_person)
    archive.contact_create(actor=people["hq.manager"], customer=customer, name="李四", is_key=True)
    done = review.customer_completeness(customer)
    assert [item for item, _label in done.missing] == ["relationships"]
    assert done.score == expected_score(len(current_policy().review.required) - 1)


def test_an_erased_contact_no_longer_counts(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    actor = people["hq.manager"]
    contact = archive.contact_create(actor=actor, customer=customer, name="张三", purpose="维护")
    assert "contacts" not in dict(review.customer_completeness(customer).missing)
    archive.contact_erase(actor=actor, contact=contact)
    assert "contacts" in dict(review.customer_completeness(customer).missing)


@pytest.mark.parametrize(("extra", "stale"), [(-1, False), (0, False), (1, True)])
def test_an_archive_goes_stale_after_the_policy_days(  # type: ignore[no-untyped-def]
    people, make_customer, extra: int, stale: bool
) -> None:
    days = current_policy().review.stale_after_days + extra
    with time_machine.travel(NOW - datetime.timedelta(days=days), tick=False):
        customer = make_customer("DIV1")
    with time_machine.travel(NOW, tick=False):
        done = review.customer_completeness(customer)
        row = review.review_rows(actor=people["hq.manager"]).get(pk=customer.pk)
        listed = review.completeness_of(row)
    assert (done.days_since_update, done.stale) == (days, stale)
    assert (listed.days_since_update, listed.stale) == (days, stale)


def test_the_list_is_least_complete_first_and_filters(  # type: ignore[no-untyped-def]
    people, make_customer, make_key_person
) -> None:
    full, bare, half = make_customer("DIV1"), make_customer("BASE11"), make_customer("DIV1")
    complete_archive(full, people, make_key_person)
    fill_fields(half, people["div1.cm"])
    actor = people["hq.manager"]
    assert list(review.review_rows(actor=actor)) == [bare, half, full]
    assert list(review.review_rows(actor=actor, only_incomplete=True)) == [bare, half]
    assert list(review.review_rows(actor=actor, manager=people["div1.cm"].pk)) == [half, full]
    assert list(review.review_rows(actor=actor, manager=review.NO_MANAGER)) == [bare]
    base = bare.owning_unit
    assert list(review.review_rows(actor=actor, unit=base)) == [bare]
    assert list(review.review_rows(actor=actor, unit=full.owning_unit)) == [bare, half, full]


def test_the_summary_groups_by_customer_manager(  # type: ignore[no-untyped-def]
    people, make_customer, make_key_person
) -> None:
    full, bare = make_customer("DIV1"), make_customer("DIV1")
    complete_archive(full, people, make_key_person)
    fill_fields(bare, people["div1.cm"])
    make_customer("DIV2")
    Customer.objects.filter(pk=bare.pk).update(updated_at=timezone.now() - datetime.timedelta(400))
    rows = {row.manager_id: row for row in review.manager_summary(actor=people["hq.manager"])}
    cm = rows[people["div1.cm"].pk]
    partial = review.customer_completeness(bare).score
    assert (cm.name, cm.customers, cm.incomplete, cm.stale) == ("陈静", 2, 1, 1)
    assert cm.average_score == round((100 + partial) / 2, 1)
    assert (rows[None].customers, rows[None].incomplete, rows[None].stale) == (1, 1, 0)


def test_a_division_reader_sees_only_their_line(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    mine, base = make_customer("DIV1"), make_customer("BASE11")
    make_customer("DIV2")
    assert set(review.review_rows(actor=people["div1.staff"])) == {mine, base}
    summary = review.manager_summary(actor=people["div1.staff"])
    assert sum(row.customers for row in summary) == 2
    assert list(review.review_rows(actor=people["finance"])) == []
    assert review.manager_summary(actor=people["finance"]) == []


def test_the_period_follows_the_policy_cadence() -> None:
    quarter = review.review_period(datetime.date(2026, 5, 20), 3)
    assert (quarter.start, quarter.end) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert (quarter.label("zh-hans"), quarter.label("en")) == ("2026年第2季度", "2026 Q2")
    half = review.review_period(datetime.date(2026, 11, 2), 6)
    assert (half.end, half.label("zh-hans"), half.label("en")) == (
        datetime.date(2026, 12, 31),
        "2026年下半年",
        "2026 H2",
    )


def test_a_page_walks_every_row_once_in_score_order(  # type: ignore[no-untyped-def]
    people, make_customer, make_key_person
) -> None:
    made = [make_customer("DIV1") for _ in range(5)]
    complete_archive(made[2], people, make_key_person)
    rows = review.review_rows(actor=people["hq.manager"])
    seen, after = [], None
    while True:
        page = review.review_page(rows, after=after, size=2)
        seen += [row.customer.pk for row in page.rows]
        if not page.next_after:
            break
        after = page.next_after
    assert seen == [c.pk for c in rows]
    assert seen[-1] == made[2].pk
    assert len(seen) == 5


# ---------------------------------------------------------------- the report


def sheets(data: bytes) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(data))
    first, second = book.worksheets
    return list(first.iter_rows(values_only=True)), list(second.iter_rows(values_only=True))


def test_the_report_needs_the_export_permission(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1")
    with pytest.raises(PermissionDenied):
        review.review_workbook(actor=people["div1.staff"], language="en", address=None)
    assert AccessLogEntry.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_the_report_lists_rows_managers_and_registers_each_read(  # type: ignore[no-untyped-def]
    people, make_customer, make_key_person
) -> None:
    full, bare = make_customer("DIV1"), make_customer("BASE11", name="=HYPERLINK(1)有限公司")
    complete_archive(full, people, make_key_person)
    make_customer("DIV2")
    data = review.review_workbook(actor=people["div1.manager"], language="en", address="10.1.2.3")
    customers, managers = sheets(data)
    title, period = customers[0][0], review.current_period()
    kind = "季度档案检查报告" if period.months == 3 else "档案检查报告"
    assert title.startswith(f"信息管理员{kind} · {period.label('zh')} · 导出人 张志强 · 2026-05-20")
    assert managers[0][0] == title
    assert customers[1][:4] == (
        "Customer unit",
        "Owning unit",
        "Customer manager",
        "Completeness (%)",
    )
    body = customers[2:]
    assert [row[0] for row in body] == ["'=HYPERLINK(1)有限公司", full.name]
    assert body[0][4]
    assert body[0][7] == period.end.isoformat()
    assert (body[1][3], body[1][4] or "", body[1][7] or "") == (100, "", "")
    assert sorted(row[0] for row in managers[2:]) == sorted(["No manager", "陈静"])
    entries = AccessLogEntry.objects.order_by("seq")
    assert sorted(i for e in entries for i in e.returned_ids) == sorted(
        [str(bare.pk), str(full.pk)]
    )
    assert len(entries) == 2  # one list read per owning unit (DIV1, BASE11), not per row
    assert {(e.record_id, e.channel, e.address) for e in entries} == {("", "export", "10.1.2.3")}


# ---------------------------------------------------------------- pages


def test_the_page_shows_scores_summary_and_clause(  # type: ignore[no-untyped-def]
    page_as, people, make_customer, make_key_person
) -> None:
    full, bare = make_customer("DIV1"), make_customer("DIV1")
    complete_archive(full, people, make_key_person)
    answer = page_as("div1.manager").get("/review/")
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.index(bare.name) < html.index(full.name)
    assert f"/customers/{full.pk}/" in html
    assert current_policy().review.clause in html
    assert current_policy().review.text in html
    assert 'data-testid="manager-table"' in html
    assert "/review/report.xlsx" in html
    assert review.current_period().label("zh-hans") in html


def test_the_page_is_scoped_and_hides_the_report_from_staff(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    mine, other = make_customer("DIV1"), make_customer("DIV2")
    html = page_as("div1.staff").get("/review/").content.decode()
    assert mine.name in html
    assert other.name not in html
    assert "/review/report.xlsx" not in html
    outside = page_as("div1.staff").get("/review/", {"unit": other.owning_unit_id})
    assert mine.name not in outside.content.decode()


@pytest.mark.parametrize(
    ("who", "page", "report"),
    [
        ("hq.manager", 200, 200),
        ("hq.info", 200, 200),
        ("div1.manager", 200, 200),
        ("div1.staff", 200, 403),
        ("finance", 403, 403),
        ("auditor", 403, 403),
    ],
)
def test_who_may_open_the_page_and_the_report(  # type: ignore[no-untyped-def]
    page_as, make_customer, who: str, page: int, report: int
) -> None:
    make_customer("DIV1")
    client = page_as(who)
    assert client.get("/review/").status_code == page
    answer = client.get("/review/report.xlsx")
    assert answer.status_code == report
    if report == 200:
        assert answer["Content-Disposition"].startswith("attachment;")


def test_the_page_report_refuses_a_unit_outside_the_line(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    other = make_customer("DIV2")
    answer = page_as("div1.manager").get("/review/report.xlsx", {"unit": other.owning_unit_id})
    assert answer.status_code == 404
    assert AccessLogEntry.objects.count() == 0


def test_signed_out_visitors_go_to_the_login(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/review/").status_code == 302


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_page_query_count_does_not_grow_with_customers(  # type: ignore[no-untyped-def]
    page_as, people, make_customer, make_key_person
) -> None:
    make: Callable[..., Customer] = make_customer
    client = page_as("div1.manager")
    for customer in [make("DIV1") for _ in range(5)]:
        make_key_person(customer)
    few = _queries(client, "/review/")
    for _ in range(20):
        make("BASE11")
    assert _queries(client, "/review/") == few


def test_the_zhongtong_report_is_quarterly(people, settings) -> None:  # type: ignore[no-untyped-def]
    from guanxi.policy.loader import load

    zhongtong = load(settings.GUANXI_POLICY_DIR / "zhongtong.toml")
    period = review.review_period(NOW.date(), zhongtong.review.review_every_months)
    title = review.report_title(people["hq.info"], period, NOW)
    assert title.startswith("信息管理员季度档案检查报告 · 2026年第2季度 · 导出人 周敏 · ")
