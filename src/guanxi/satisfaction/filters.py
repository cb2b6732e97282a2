"""The analytics' filters read from a query string, the same for the page and the API.

Anything that does not read as a filter is refused with a message in the reader's language
(a ValidationError naming the parameter): a unit outside the reader's line is refused like a
unit that does not exist, so the answer does not tell which units exist elsewhere.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from guanxi.access.scope import User, scope_of
from guanxi.params import parse_int
from guanxi.satisfaction.selectors import PERIODS, PERMISSION, RATED_KINDS, SatisfactionFilters

# A page opened without dates shows the last year, month by month (a UI default, not a rule).
DEFAULT_MONTHS = 12
PARAMETERS = ("unit", "customer", "kind", "from", "to", "period")


def default_start(today: datetime.date) -> datetime.date:
    """The first day of the month `DEFAULT_MONTHS - 1` months before today's."""
    months = today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1)
    return datetime.date(months // 12, months % 12 + 1, 1)


def _date(params: Mapping[str, Any], name: str, errors: dict[str, str]) -> datetime.date | None:
    text = str(params.get(name) or "").strip()
    if not text:
        return None
    try:
        day = parse_date(text[:10]) if len(text) <= 10 else None
    except ValueError:
        day = None
    if day is None or day.year < 1900:
        errors[name] = _("Give a date as YYYY-MM-DD.")
    return day


def _id(params: Mapping[str, Any], name: str, errors: dict[str, str], strict: bool) -> int | None:
    """An id; one that is no id at all is refused (`strict`, the API) or dropped (the pages,
    as every list page drops a filter that is not a number)."""
    text = str(params.get(name) or "").strip()
    if not text:
        return None
    value = parse_int(text)
    if value is None and strict:
        errors[name] = _("Give the id of a record, a whole number.")
    return value


def filters_from(
    params: Mapping[str, Any], *, actor: User, default_dates: bool = True, strict: bool = True
) -> SatisfactionFilters:
    """The filters `params` ask for; ValidationError({parameter: message}) when any is wrong
    (an id that is not a number only when `strict`)."""
    errors: dict[str, str] = {}
    unit = _id(params, "unit", errors, strict)
    customer = _id(params, "customer", errors, strict)
    date_from, date_to = _date(params, "from", errors), _date(params, "to", errors)
    kind = str(params.get("kind") or "")
    period = str(params.get("period") or "month")
    if unit is not None and "unit" not in errors and not scope_of(actor).covers(PERMISSION, unit):
        errors["unit"] = _("Choose a unit of your organisation line.")
    if kind and kind not in RATED_KINDS:
        errors["kind"] = _("Choose the service visit records or the care records.")
    if period not in PERIODS:
        errors["period"] = _("Choose month, quarter or year.")
    if date_from and date_to and date_from > date_to:
        errors["to"] = _("The end of the period comes before its start.")
    if errors:
        raise ValidationError(errors)
    if default_dates and date_from is None and date_to is None and customer is None:
        date_from = default_start(timezone.localdate())
    return SatisfactionFilters(
        unit=unit,
        customer=customer,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        period=period,
    )
