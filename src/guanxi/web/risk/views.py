"""Pages of the relationship risk warnings 客户关系危机预警 (DEM-5; 001): the at-risk list,
highest score first, and the risk panel of a customer's page. Both read the stored signals
through the access module and register what they show."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from guanxi.access.models import Channel
from guanxi.access.register import read_of
from guanxi.access.scope import may, visible_units
from guanxi.customers.selectors import customer_get
from guanxi.params import int_param
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import WARNING_PARTS
from guanxi.risk import selectors as sel
from guanxi.risk.models import RiskSignal
from guanxi.web.reads import page_read, record_read

PAGE_SIZE = 25
UNIT_CHOICES = 500


def _part_names() -> list[tuple[str, str]]:
    names = {field.name: str(field.verbose_name) for field in RiskSignal._meta.fields}
    return [(key, names[key]) for key in WARNING_PARTS]


@login_required
def risk_list_page(request: HttpRequest) -> HttpResponse:
    if not may(request.user, sel.PERMISSION):
        raise PermissionDenied
    tiers = current_policy().tiers
    tier = request.GET.get("tier", "")[:32]
    part = request.GET.get("part", "")[:32]
    filters = sel.RiskFilters(
        unit=int_param(request.GET, "unit"),
        tier=tier if tier in tiers else "",
        part=part if part in WARNING_PARTS else "",
    )
    page = sel.signal_page(
        sel.signal_list(actor=request.user, filters=filters),
        after=request.GET.get("after"),
        size=PAGE_SIZE,
        unit_ids=sel.units_of_list(request.user, filters),
    )
    names = sel.contact_names(page.items)
    language = get_language()
    response = render(
        request,
        "risk/list.html",
        {
            "page": page,
            "rows": [(s, sel.explain(s, names)) for s in page.items],
            "filters": filters,
            "tiers": [(t.key, t.name(language)) for t in current_policy().tiers_by_rank()],
            "tier_names": {t.key: t.name(language) for t in tiers.values()},
            "parts": _part_names(),
            "units": visible_units(request.user, sel.PERMISSION)
            .order_by("path")
            .values_list("pk", "name")[:UNIT_CHOICES],
            "rules": current_policy().early_warning,
        },
    )
    # each row shows and links a customer: the customers' reads are what the page registers
    page_read(request, [signal.customer for signal in page.items], query=request.GET)
    return response


@login_required
def customer_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The risk panel of a customer's page (loaded by htmx, or opened on its own)."""
    customer = customer_get(actor=request.user, pk=pk, channel=Channel.PAGE, request=request)
    signal = None
    if may(request.user, sel.PERMISSION, customer):
        signal = RiskSignal.objects.filter(customer=customer).first()
    if signal is not None:
        record_read(request, [read_of(signal, sel.UNIT_FIELD)], channel=Channel.PAGE)
    parts = sel.explain(signal, sel.contact_names([signal])) if signal else []
    return render(
        request,
        "risk/_panel.html",
        {
            "customer": customer,
            "signal": signal,
            "parts": parts,
            "may_see": may(request.user, sel.PERMISSION, customer),
        },
    )
