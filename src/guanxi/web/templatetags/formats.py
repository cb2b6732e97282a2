"""Template filters for money and documents; built into every template (settings.TEMPLATES).

{{ plan.cost|yuan }}                  12,345.60 元
{{ row.cost_total|money:cost_unit }}  in the unit chosen for the whole table (table_unit)
content: "{{ text|css_string }}";     a CSS string, inside a <style> element
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from guanxi.formats import MoneyUnit
from guanxi.formats import money as money_text

register = template.Library()

# Characters that end or break a CSS string, or the <style> element holding it.
_CSS_SPECIAL = frozenset("\\\"'<>&")


@register.filter
def yuan(value: object) -> str:
    """An amount in 元 with thousands separators and two decimals; empty for no amount."""
    return money_text(value)


@register.filter
def money(value: object, unit: object = MoneyUnit.YUAN) -> str:
    """An amount in the table's unit (元 or 万元, see guanxi.formats.table_unit)."""
    chosen = MoneyUnit.WAN if str(unit) in (MoneyUnit.WAN, MoneyUnit.WAN.name) else MoneyUnit.YUAN
    return money_text(value, chosen)


@register.filter
def css_string(value: object) -> SafeString:
    """Text for the inside of a double-quoted CSS string, e.g. `content: "…"` in @page.

    CSS escapes are a backslash and hex digits ended by a space (`\\2D `); JavaScript's
    `\\u002D` (escapejs) means "u002D" to CSS. HTML escaping is wrong here too: entities are
    not decoded inside <style>. So quotes, backslashes, markup characters and control
    characters become CSS hex escapes and everything else is kept as it is.
    """
    out = []
    for char in str(value):
        if char in _CSS_SPECIAL or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):X} ")
        else:
            out.append(char)
    # every character that could end the string is escaped above
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703
