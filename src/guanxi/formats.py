"""Money as people read it, in one format for pages, documents, workbooks and approval titles.

`12,345.60 元`: thousands separators, two decimals, the unit after the amount, the same in
both interface languages (元 is the unit of the regulation's forms, as ¥ would be). Amounts are
rounded to the fen half up, never through float. Lives below the domains: anything may use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

FEN = Decimal("0.01")
WAN = Decimal(10_000)
# A table reads in 万元 once its largest amount has seven digits before the point.
WAN_FROM = Decimal(1_000_000)
# The number format of a money cell in a workbook: the cell stays a number.
EXCEL_MONEY = "#,##0.00"


class MoneyUnit(StrEnum):
    YUAN = "元"
    WAN = "万元"


def round_fen(value: Decimal) -> Decimal:
    """Money rounded to the fen the way accountants do (half up)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def as_decimal(value: object) -> Decimal | None:
    """The amount as a Decimal; None for an empty or unreadable value (floats via their text)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def money(value: object, unit: MoneyUnit = MoneyUnit.YUAN) -> str:
    """`12,345.60 元`, or in 万元 `1,234.56 万元`; an empty string for no amount."""
    amount = as_decimal(value)
    if amount is None:
        return ""
    if unit is MoneyUnit.WAN:
        amount = amount / WAN
    amount = round_fen(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,.2f} {unit.value}"


def table_unit(amounts: Iterable[object]) -> MoneyUnit:
    """The unit one table of amounts is shown in, the same for every cell of it.

    The rule, fixed rather than a setting: a table whose largest amount (in absolute value)
    reaches 1,000,000 元 is shown in 万元, where `12,345,678.00 元` would read as `1,234.57 万元`;
    smaller amounts stay in 元 to the fen. Used for tables of totals (the company plan).
    """
    values = [abs(a) for a in map(as_decimal, amounts) if a is not None]
    return MoneyUnit.WAN if values and max(values) >= WAN_FROM else MoneyUnit.YUAN
