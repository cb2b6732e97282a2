"""Rates as the forms of 003 附表7 show them; money is the built-in `yuan` filter
(guanxi.web.templatetags.formats)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def percent(value: object) -> str:
    """A stored rate (0.6) shown as a percentage (60%)."""
    try:
        rate = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return ""
    return f"{rate.normalize():f}%"
