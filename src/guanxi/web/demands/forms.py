"""Forms for demands, complaints and the monthly report. They only parse input; the services
decide and refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Customer
from guanxi.demands.models import ComplaintChannel, DemandStatus
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.web.keycustomers.forms import AREA, DATE, LIST_LIMIT, VersionedForm

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M"
)


def policy_choices(table: str) -> list[tuple[str, str]]:
    """Categories or severities of the policy, named in the reader's language."""
    rules = getattr(current_policy().demands, table)
    return [(key, rule.name(get_language())) for key, rule in rules.items()]


class DemandForm(VersionedForm):
    title = forms.CharField(label=pgettext_lazy("demand", "Subject"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=())
    severity = forms.ChoiceField(label=_("Severity"), choices=())
    owner = forms.ModelChoiceField(Person.objects.none(), label=_("Owner"))
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = policy_choices("categories")  # type: ignore[attr-defined]
        self.fields["severity"].choices = policy_choices("severities")  # type: ignore[attr-defined]
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class MoveForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=DemandStatus.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class EscalateForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for escalation"), max_length=2000, widget=forms.Textarea(attrs=AREA)
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ComplaintForm(VersionedForm):
    received_at = forms.DateTimeField(
        label=_("Received at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=ComplaintChannel.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs=AREA))


class AnswerForm(VersionedForm):
    answer = forms.CharField(
        label=_("First answer given"), max_length=5000, widget=forms.Textarea(attrs=AREA)
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )


class SubmissionOpenForm(MonthForm):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Unit")
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].widget.attrs["class"] = "form-select"


class EntryForm(VersionedForm):
    customer = forms.ModelChoiceField(Customer.objects.none(), label=_("Strategic customer"))
    progress = forms.CharField(
        label=_("Cooperation progress"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    risks = forms.CharField(label=_("Risks"), required=False, widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args: Any, customers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["customer"]
        field.queryset = customers  # type: ignore[attr-defined]
        field.widget.choices = [("", "—")] + [
            (c.pk, c.name) for c in customers.order_by("name")[:LIST_LIMIT]
        ]


class PersonForm(forms.Form):
    person = forms.ModelChoiceField(Person.objects.none(), label=_("Person"))

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
        self.fields["person"].widget.attrs["class"] = "form-select"
