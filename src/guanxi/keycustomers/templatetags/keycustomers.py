"""Money and rates as the forms of 003 附表7 show them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from guanxi.keycustomers.models import yuan as round_yuan

register = template.Library()


@register.filter
def yuan(value: object) -> str:
    """¥1,234,567.00 — rounded to the fen half up; never through float."""
    try:
        amount = round_yuan(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


@register.filter
def percent(value: object) -> str:
    """A stored rate (0.6) shown as a percentage (60%)."""
    try:
        rate = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return ""
    return f"{rate.normalize():f}%"
