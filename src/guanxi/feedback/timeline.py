"""The filled-in forms on the customer's timeline, one source per form (guanxi.timeline).

Each form reads through its own proxy model, so the read register names the form's kind."""

from __future__ import annotations

from django.urls import reverse

from guanxi.feedback.models import CareRecord, FormKind, FormRecord, SeminarFeedback, VisitRecord
from guanxi.timeline.registry import Source, register

# (source key, proxy model, label, url name prefix: the GLOSSARY's paths)
FORMS = (
    ("visit_record", VisitRecord, FormKind.VISIT.label, "visit-record"),
    ("care_record", CareRecord, FormKind.CARE.label, "care-record"),
    ("seminar_feedback", SeminarFeedback, FormKind.SEMINAR.label, "seminar-feedback"),
)


def _source(key: str, model: type[FormRecord], label: object, route: str) -> Source:
    return Source(
        key=key,
        label=label,  # type: ignore[arg-type]
        rows=lambda customer_id: model.objects.filter(customer_id=customer_id).select_related(
            "activity"
        ),
        date_field="date",
        permission="feedback.view",
        unit_field="unit",
        url=lambda record: reverse(f"{route}-detail", args=[record.pk]),
        title=lambda record: record.activity.name,
    )


for form in FORMS:
    register(_source(*form))
