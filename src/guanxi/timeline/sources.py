"""The timeline sources of the apps that came before it: activities carried out (service
visits, care, seminars), plan items, key-customer visits and dealings. Later apps register
their own in their AppConfig.ready() (contact reports: guanxi.contactreports.timeline)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from guanxi.activities.models import Activity
from guanxi.customers.models import Dealing
from guanxi.formats import money
from guanxi.keycustomers.models import VisitPlan
from guanxi.plans.models import Kind, PlanItem
from guanxi.timeline.registry import Source, register

SHORT = 140  # characters of free text an entry shows


def _short(text: str) -> str:
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"


# An activity carried out, by the kind of its plan (000 附表一–三's service visit, care, seminar).
ACTIVITY_LABELS = {
    Kind.VISIT: _("Service visit"),
    Kind.CARE: _("Customer care"),
    Kind.SEMINAR: _("Seminar"),
}


def _activity_source(kind: Kind) -> Source:
    return Source(
        key=kind.value,
        label=ACTIVITY_LABELS[kind],
        rows=lambda customer_id: Activity.objects.filter(customer_id=customer_id, kind=kind),
        date_field="date",
        permission="activity.view",
        unit_field="unit",
        url=lambda a: reverse("activity-detail", args=[a.pk]),
        title=lambda a: a.name,
        detail=lambda a: _short(a.result),
    )


for _kind in Kind:
    register(_activity_source(_kind))

register(
    Source(
        key="plan_item",
        label=_("Plan item"),
        rows=lambda customer_id: PlanItem.objects.filter(customer_id=customer_id).select_related(
            "plan"
        ),
        date_field="when",
        permission="plan.view",
        unit_field="plan__unit",
        url=lambda item: reverse("plan-detail", args=[item.plan_id]),
        title=lambda item: item.name or item.plan.get_kind_display(),
        detail=lambda item: _short(item.content),
    )
)

register(
    Source(
        key="key_visit",
        label=_("Key-customer visit"),
        rows=lambda customer_id: VisitPlan.objects.filter(customer_id=customer_id).select_related(
            "customer"
        ),
        date_field="starts_on",
        permission="visit.view",
        unit_field="customer__owning_unit",
        url=lambda visit: reverse("keycustomers:visit-detail", args=[visit.pk]),
        title=lambda visit: f"{visit.get_direction_display()}：{visit.theme}",
        detail=lambda visit: _short(visit.summary) or visit.get_status_display(),
    )
)

register(
    Source(
        key="dealing",
        label=_("Dealing"),
        rows=lambda customer_id: Dealing.objects.filter(customer_id=customer_id).select_related(
            "customer"
        ),
        date_field="created_at",
        permission="customer.view",
        unit_field="customer__owning_unit",
        url=lambda d: reverse("customer-detail", args=[d.customer_id]) + f"#dealing-{d.pk}",
        title=lambda d: d.title,
        detail=lambda d: " · ".join(
            part for part in (d.get_status_display(), money(d.amount) if d.amount else "") if part
        ),
    )
)
