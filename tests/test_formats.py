"""Money as people read it: one format, rounded like an accountant, never through float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from guanxi.formats import MoneyUnit, money, table_unit
from guanxi.web.templatetags.formats import css_string


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12345.6"), "12,345.60 元"),
        (Decimal("0"), "0.00 元"),
        (Decimal("0.005"), "0.01 元"),  # half up, to the fen
        (Decimal("-1234567.891"), "-1,234,567.89 元"),
        (3000, "3,000.00 元"),
        (0.1 + 0.2, "0.30 元"),  # a float through its text, not its binary value
        ("98765.4", "98,765.40 元"),
    ],
)
def test_it_writes_money_with_separators_two_decimals_and_yuan(value: object, text: str) -> None:
    assert money(value) == text


@pytest.mark.parametrize("value", [None, "", "abc", True, Decimal("NaN"), float("inf")])
def test_it_writes_nothing_for_no_amount(value: object) -> None:
    assert money(value) == ""


def test_it_writes_wan_yuan_to_the_hundred_yuan() -> None:
    assert money(Decimal("12345678"), MoneyUnit.WAN) == "1,234.57 万元"
    assert money(Decimal("4999"), MoneyUnit.WAN) == "0.50 万元"


def test_a_table_reads_in_wan_yuan_from_a_million() -> None:
    assert table_unit([Decimal("999999.99"), None, Decimal("12")]) is MoneyUnit.YUAN
    assert table_unit([Decimal("12"), Decimal("1000000")]) is MoneyUnit.WAN
    assert table_unit([Decimal("-2000000")]) is MoneyUnit.WAN
    assert table_unit([]) is MoneyUnit.YUAN


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2))
def test_the_text_reads_back_as_the_amount(amount: Decimal) -> None:
    text = money(amount)
    assert text.endswith(" 元")
    assert Decimal(text.removesuffix(" 元").replace(",", "")) == amount


def test_the_filters_are_built_into_every_template() -> None:
    template = Template("{{ a|yuan }} / {{ b|money:unit }}")
    rendered = template.render(
        Context({"a": Decimal("1234.5"), "b": Decimal("23456789"), "unit": MoneyUnit.WAN})
    )
    assert rendered == "1,234.50 元 / 2,345.68 万元"


def test_a_css_string_keeps_text_and_escapes_what_would_end_it() -> None:
    assert css_string("机密 · 张三 (zhangsan) · 2026-12-05 10:00") == (
        "机密 · 张三 (zhangsan) · 2026-12-05 10:00"
    )
    assert css_string('a"b\\c</style>\n') == "a\\22 b\\5C c\\3C /style\\3E \\A "
