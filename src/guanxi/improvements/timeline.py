"""A proposal about a customer on the customer's timeline: one registration (guanxi.timeline)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.improvements.models import ImprovementProposal
from guanxi.timeline.registry import Source, register

register(
    Source(
        key="improvement",
        label=_("Improvement proposal"),
        rows=lambda customer_id: ImprovementProposal.objects.filter(customer_id=customer_id),
        date_field="created_at",
        permission="improvement.view",
        unit_field="unit",
        url=lambda proposal: reverse("improvements:proposal-detail", args=[proposal.pk]),
        title=lambda proposal: proposal.title,
        detail=lambda proposal: str(proposal.get_status_display()),
    )
)
