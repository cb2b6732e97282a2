"""A plan's printed and exported forms: costs read as money, and stay numbers in Excel."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.documents.test_pdf import pdf_text

pytestmark = pytest.mark.django_db


def test_a_printed_plan_shows_its_costs_as_money(page_as, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(cost="12345.6")

    response = page_as("div1.manager").get(f"/plans/{plan.pk}/print.pdf")

    text = pdf_text(response.content)
    assert "12,345.60 元" in text
    assert "24,691.20 元" in text  # the total of the two items


def test_the_exported_cost_is_a_number_with_a_money_format(page_as, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(cost="12345.6")

    response = page_as("div1.manager").get(f"/plans/{plan.pk}/export.xlsx")

    sheet = load_workbook(io.BytesIO(response.content)).active
    cost = sheet.cell(row=4, column=sheet.max_column)
    assert sheet.cell(row=3, column=sheet.max_column).value == "总计费用（元）"
    assert cost.data_type == "n"
    assert cost.value == pytest.approx(12345.6)
    assert cost.number_format == "#,##0.00"


def test_the_plan_page_shows_costs_as_money(page_as, make_plan) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan(cost="12345.6")

    body = page_as("div1.manager").get(f"/plans/{plan.pk}/").content.decode()

    assert "12,345.60 元" in body
    assert "24,691.20 元" in body


def test_the_company_totals_read_in_wan_yuan_once_they_are_large(page_as, make_plan) -> None:  # type: ignore[no-untyped-def]
    make_plan("HQ", actor="hq.manager", cost="600000")

    body = (
        page_as("hq.manager")
        .get("/plans/company/", {"period": "month", "day": "2026-03-01"})
        .content.decode()
    )

    assert "120.00 万元" in body  # two items of 600,000 元 in the totals tables
    assert "600,000.00 元" in body  # the items themselves stay in 元
