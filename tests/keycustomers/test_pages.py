"""Pages: Chinese first, scoped, stale saves answer 409, query counts do not grow."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings

from guanxi.keycustomers import visits
from guanxi.keycustomers.models import VisitPlan
from guanxi.outbox.models import Message

pytestmark = pytest.mark.django_db


def english(client):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_visit_plan_is_made_through_the_pages(
    page_as, make_customer, make_key_person, people, units
) -> None:
    customer = make_customer("DIV1", name="中海石油（中国）有限公司天津分公司")
    contact = make_key_person(customer)
    client = page_as("div1.manager")
    picker = client.get("/keycustomers/visits/new/", {"direction": "outgoing", "q": "天津分公司"})
    assert customer.name in picker.content.decode()
    answer = client.post(
        f"/keycustomers/visits/new/?direction=outgoing&customer={customer.pk}",
        {
            "theme": "渤海湾合作拜访",
            "starts_on": "2025-03-10",
            "ends_on": "2025-03-11",
            "their_people": [contact.pk],
            "our_people": [people["div1.manager"].pk],
            "notified_units": [units["BASE11"].pk],
            "itinerary": "2025-03-10 | 09:30 | 天津塘沽 | 技术交流会",
        },
    )
    assert answer.status_code == 302
    visit = VisitPlan.objects.get()
    assert visit.itinerary.get().activity == "技术交流会"
    assert Message.objects.count() == 2
    detail = client.get(answer["Location"])
    assert "技术交流会" in detail.content.decode()


def test_a_bad_itinerary_line_is_a_form_error(page_as, make_customer) -> None:
    customer = make_customer("DIV1")
    client = english(page_as("div1.manager"))
    answer = client.post(
        f"/keycustomers/visits/new/?customer={customer.pk}",
        {
            "theme": "t",
            "starts_on": "2025-03-10",
            "ends_on": "2025-03-10",
            "itinerary": "明天 | 开会",
        },
    )
    assert answer.status_code == 400
    assert "start with a date" in answer.content.decode()
    assert not VisitPlan.objects.exists()


def test_summary_page_with_follow_up_and_stale_409(page_as, make_visit) -> None:
    visit = make_visit()
    client = page_as("div1.manager")
    url = f"/keycustomers/visits/{visit.pk}/summary/"
    data = {
        "version": visit.version,
        "summary": "会谈纪要",
        "follow_ups": "提交方案 | div1.cm | 2025-04-01",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    mine = page_as("div1.cm").get("/keycustomers/follow-ups/")
    assert "提交方案" in mine.content.decode()


def test_other_lines_get_404(page_as, make_visit, make_plan) -> None:
    visit, plan = make_visit(), make_plan()
    client = page_as("div2.staff")
    assert client.get(f"/keycustomers/visits/{visit.pk}/").status_code == 404
    assert client.get(f"/keycustomers/customer-plans/{plan.pk}/").status_code == 404


def test_the_plan_page_shows_totals_in_yuan(page_as, make_plan) -> None:
    plan = make_plan()
    page = page_as("div1.staff").get(f"/keycustomers/customer-plans/{plan.pk}/").content.decode()
    assert "12,345,678.90 元" in page
    assert "7,407,407.34 元" in page
    assert "60%" in page


def test_revenue_row_form_takes_percentages(page_as, make_plan) -> None:
    plan = make_plan()
    client = page_as("div1.cm")
    answer = client.post(
        f"/keycustomers/customer-plans/{plan.pk}/rows/revenue/",
        {
            "revenue-project": "测井",
            "revenue-contract_amount": "2000000",
            "revenue-win_rate": "50",
            "revenue-margin": "20",
        },
    )
    assert answer.status_code == 302
    row = plan.revenue_rows.get(project="测井")
    assert str(row.expected_revenue) == "1000000.00"
    assert str(row.profit) == "200000.00"


def test_a_revenue_row_is_changed_in_percentages_and_a_stale_save_is_409(
    page_as, make_plan
) -> None:
    plan = make_plan()
    row = plan.revenue_rows.get()
    client = page_as("div1.cm")
    url = f"/keycustomers/customer-plans/{plan.pk}/rows/revenue/{row.pk}/"
    form = client.get(url).content.decode()
    assert 'value="60"' in form  # the stored rate 0.6 is shown as a percentage
    assert 'value="15"' in form
    data = {
        "revenue-project": row.project,
        "revenue-contract_amount": "10000000",
        "revenue-win_rate": "50",
        "revenue-margin": "20",
        "revenue-version": row.version,
    }
    assert client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert (str(row.win_rate), str(row.expected_revenue), str(row.profit)) == (
        "0.5000",
        "5000000.00",
        "1000000.00",
    )
    stale = client.post(url, data | {"revenue-win_rate": "90"})
    assert stale.status_code == 409
    row.refresh_from_db()
    assert str(row.win_rate) == "0.5000"


def test_the_customer_plan_prints_and_exports_registered_and_watermarked(
    page_as, make_plan
) -> None:
    import io

    from openpyxl import load_workbook

    from guanxi.access.models import AccessLogEntry

    plan = make_plan()
    row = plan.revenue_rows.get()
    refused = page_as("div1.cm").get(f"/keycustomers/customer-plans/{plan.pk}/print.pdf")
    assert refused.status_code == 403  # sees the plan, holds no plan.export
    client = page_as("div1.manager")
    printed = client.get(f"/keycustomers/customer-plans/{plan.pk}/print.pdf")
    assert printed.status_code == 200
    assert printed.content.startswith(b"%PDF")
    exported = client.get(f"/keycustomers/customer-plans/{plan.pk}/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    cells = [str(c) for r in sheet.iter_rows(values_only=True) for c in r if c is not None]
    assert "张志强" in cells[0]  # the watermark names the reader
    assert "渤中19-6 钻井服务" in cells
    assert "7407407.34" in cells  # expected revenue = 12,345,678.90 × 60 %
    revenue = next(r for r in sheet.iter_rows() if r[1].value == "渤中19-6 钻井服务")
    amount, rate, expected = revenue[2], revenue[3], revenue[4]
    assert (amount.data_type, amount.number_format) == ("n", "#,##0.00")  # money stays a number
    assert (expected.data_type, expected.number_format) == ("n", "#,##0.00")
    assert (rate.value, rate.number_format) == (0.6, "0.##%")
    logged = AccessLogEntry.objects.filter(
        record_type="keycustomers.revenueplanrow", record_id=str(row.pk)
    )
    assert set(logged.values_list("channel", flat=True)) >= {"document", "export"}


def test_the_visit_plan_prints_registered_with_its_people(page_as, make_visit) -> None:
    from guanxi.access.models import AccessLogEntry

    visit = make_visit()
    client = page_as("div1.manager")
    page = client.get(f"/keycustomers/visits/{visit.pk}/").content.decode()
    assert 'data-testid="visit-pdf"' in page
    printed = client.get(f"/keycustomers/visits/{visit.pk}/print.pdf")
    assert printed.status_code == 200
    assert printed.content.startswith(b"%PDF")
    assert printed["Content-Disposition"].startswith("attachment")
    documents = AccessLogEntry.objects.filter(channel="document")
    assert documents.filter(record_type="keycustomers.visitplan", record_id=str(visit.pk)).exists()
    for person in visit.their_people.all():
        assert documents.filter(record_type="customers.contact", record_id=str(person.pk)).exists()


def _more_visits(make_customer, people, count: int) -> None:
    for n in range(count):
        visits.visit_create(
            actor=people["div1.manager"],
            direction="incoming",
            customer=make_customer("DIV1"),
            theme=f"来访 {n}",
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 1, 1),
        )


@pytest.mark.parametrize("count", [2, 12])
def test_list_pages_query_count_does_not_grow(
    page_as,
    make_customer,
    people,
    count,
    django_assert_max_num_queries,
    hq_campaign,
    list_read_queries,
) -> None:
    _more_visits(make_customer, people, count)
    client = page_as("div1.staff")
    client.get("/keycustomers/visits/")
    limit = 12 + list_read_queries
    with django_assert_max_num_queries(limit):
        assert client.get("/keycustomers/visits/").status_code == 200
    with django_assert_max_num_queries(limit):
        assert client.get("/keycustomers/campaigns/").status_code == 200
    with django_assert_max_num_queries(limit):
        assert client.get("/keycustomers/follow-ups/").status_code == 200


@pytest.mark.parametrize("rows", [1, 8])
def test_plan_detail_query_count_does_not_grow(
    page_as, make_plan, people, rows, django_assert_max_num_queries
) -> None:
    from decimal import Decimal

    from guanxi.keycustomers import customer_plans
    from guanxi.keycustomers.models import RevenuePlanRow

    plan = make_plan()
    for n in range(rows):
        customer_plans.plan_row_add(
            actor=people["div1.cm"],
            plan=plan,
            kind=RevenuePlanRow,
            project=f"项目{n}",
            contract_amount=Decimal("100.00"),
            win_rate=Decimal("0.5"),
            margin=Decimal("0.1"),
        )
    client = page_as("div1.cm")
    client.get(f"/keycustomers/customer-plans/{plan.pk}/")
    with django_assert_max_num_queries(24):
        assert client.get(f"/keycustomers/customer-plans/{plan.pk}/").status_code == 200
