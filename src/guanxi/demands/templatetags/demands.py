"""The complaint clock as people read it: hours and minutes left, or overdue by."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def clock(left: timedelta | None) -> str:
    if left is None:
        return ""
    minutes = int(abs(left.total_seconds()) // 60)
    text = f"{minutes // 60}:{minutes % 60:02d}"
    if left.total_seconds() < 0:
        return _("overdue by %(time)s h") % {"time": text}
    return _("%(time)s h left") % {"time": text}
