"""Demands and complaints on the customer's timeline: one registration each (guanxi.timeline)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.demands.models import Complaint, Demand
from guanxi.timeline.registry import Source, register

SHORT = 140


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


register(
    Source(
        key="demand",
        label=_("Demand"),
        rows=lambda customer_id: Demand.objects.filter(customer_id=customer_id),
        date_field="raised_on",
        permission="demand.view",
        unit_field="owning_unit",
        url=lambda demand: reverse("demands:demand-detail", args=[demand.pk]),
        title=lambda demand: demand.title,
        detail=lambda demand: str(demand.get_status_display()),
    )
)
register(
    Source(
        key="complaint",
        label=_("Complaint"),
        rows=lambda customer_id: Complaint.objects.filter(customer_id=customer_id),
        date_field="received_at",
        permission="complaint.view",
        unit_field="owning_unit",
        url=lambda complaint: reverse("demands:complaint-detail", args=[complaint.pk]),
        title=lambda complaint: _short(complaint.description),
        detail=lambda complaint: str(complaint.get_status_display()),
    )
)
