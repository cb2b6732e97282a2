"""Contact reports on the customer's timeline: one registration (see guanxi.timeline)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.contactreports.models import ContactReport
from guanxi.contactreports.selectors import REPORT_PERMISSION, REPORT_UNIT
from guanxi.policy.labels import policy_label
from guanxi.timeline.registry import Source, register

SHORT = 140


def _title(report: ContactReport) -> str:
    return policy_label("contact_kinds", report.kind)


def _detail(report: ContactReport) -> str:
    text = report.summary
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


register(
    Source(
        key="contact_report",
        label=_("Contact report"),
        rows=lambda customer_id: ContactReport.objects.filter(customer_id=customer_id),
        date_field="contacted_on",
        permission=REPORT_PERMISSION,
        unit_field=REPORT_UNIT,
        url=lambda report: reverse("contactreports:report-detail", args=[report.pk]),
        title=_title,
        detail=_detail,
    )
)
