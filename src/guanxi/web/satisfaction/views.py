"""Satisfaction analytics pages (ACT-6): a unit's page with the units below it side by side
(HQ sees every unit), and the satisfaction section of the customer page (htmx, lazily).

Both count through the access module (`feedback.view` over the executing unit, as the form
lists) and register the read once the page is rendered: one entry per unit whose forms were
counted (see `guanxi.satisfaction.selectors.register`). A refused request (bad filter 400,
customer out of sight 404, no permission 403) registers nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from guanxi.access.models import Channel
from guanxi.access.register import read_of
from guanxi.access.scope import may, visible, visible_units
from guanxi.customers.models import Customer
from guanxi.feedback.layout import TITLES
from guanxi.satisfaction import display, selectors
from guanxi.satisfaction.filters import PARAMETERS, filters_from
from guanxi.web.feedback.views import url as form_url
from guanxi.web.reads import find, record_read

UNIT_CHOICES = 500


def _query(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET[name] for name in PARAMETERS if request.GET.get(name)}


def _customer_name(request: HttpRequest, pk: int | None) -> str:
    if pk is None:
        return ""
    customers = visible(request.user, Customer.objects.all(), "customer.view")
    return customers.filter(pk=pk).values_list("name", flat=True).first() or str(pk)


def _context(request: HttpRequest, result: selectors.Satisfaction | None) -> dict[str, Any]:
    language = request.LANGUAGE_CODE
    context: dict[str, Any] = {
        "ratings": display.rating_names(language),
        "dimensions": [display.dimension_name(k, language) for k in selectors.dimension_keys()],
        "kinds": [(kind, TITLES[kind]) for kind in selectors.RATED_KINDS],
        "periods": [("month", _("month")), ("quarter", _("quarter")), ("year", _("year"))],
        "units": visible_units(request.user, selectors.PERMISSION)
        .order_by("path")
        .values_list("pk", "name")[:UNIT_CHOICES],
        "result": result,
    }
    if result is not None:
        context |= {
            "totals": display.dimension_rows(result, language),
            "trend": display.trend_rows(result),
            "unit_rows": display.unit_rows(result),
            "chart": display.chart_data(result, language),
            "customer_name": _customer_name(request, result.filters.customer),
        }
    return context


@login_required
def satisfaction_page(request: HttpRequest) -> HttpResponse:
    """The satisfaction of the forms of one's line: by dimension, period and unit."""
    if not may(request.user, selectors.PERMISSION):
        raise PermissionDenied
    try:
        filters = filters_from(request.GET, actor=request.user, strict=False)
    except ValidationError as error:
        context = _context(request, None) | {"errors": error.message_dict, "query": request.GET}
        return render(request, "satisfaction/page.html", context, status=400)
    result = selectors.satisfaction_summary(actor=request.user, filters=filters)
    context = _context(request, result) | {"filters": filters, "query": request.GET}
    response = render(request, "satisfaction/page.html", context)
    selectors.register(
        actor=request.user,
        result=result,
        channel=Channel.PAGE,
        request=request,
        query=_query(request),
    )
    return response


@login_required
def customer_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The satisfaction section of the customer page: the trend by quarter over every form of
    the customer the reader may see, and its newest ratings."""
    customer = find(request, Customer.objects.all(), "customer.view", pk=pk)
    if not may(request.user, selectors.PERMISSION):
        return render(
            request, "satisfaction/_customer.html", {"customer": customer, "hidden": True}
        )
    filters = selectors.SatisfactionFilters(customer=customer.pk, period="quarter")
    result = selectors.satisfaction_summary(actor=request.user, filters=filters)
    latest = selectors.latest_rated(actor=request.user, customer_id=customer.pk)
    language = request.LANGUAGE_CODE
    response = render(
        request,
        "satisfaction/_customer.html",
        {
            "customer": customer,
            "result": result,
            "totals": display.dimension_rows(result, language),
            "chart": display.chart_data(result, language),
            "latest": latest,
            "latest_rows": _latest_rows(latest, language),
            "latest_url": form_url(latest.kind, "detail", latest.pk) if latest else "",
            "ratings": display.rating_names(language),
            "json_id": f"satisfaction-customer-{customer.pk}",
        },
    )
    selectors.register(
        actor=request.user,
        result=result,
        channel=Channel.PAGE,
        request=request,
        query={"customer_id": str(customer.pk)},
    )
    if latest is not None:
        record_read(request, [read_of(latest, selectors.UNIT_FIELD)], channel=Channel.PAGE)
    return response


def _latest_rows(record: Any, language: str) -> list[tuple[str, str]]:
    """(dimension, rating name) of the newest rated form, overall first."""
    if record is None:
        return []
    names = {key: name for key, name, _score in display.rating_names(language)}
    given = {"": record.satisfaction, **(record.ratings or {})}
    return [
        (display.dimension_name(key, language), names.get(given.get(key) or "", "—"))
        for key in selectors.dimension_keys()
    ]
