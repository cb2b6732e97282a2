"""Forms for visit plans, customer plans and campaigns. They only parse input; the services
decide and refuse."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Contact, Customer, InformationTopic
from guanxi.keycustomers import models as k
from guanxi.keycustomers.visits import Stop
from guanxi.organisation.models import Person, Unit

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TEXT = {"class": "form-control"}
AREA = {"class": "form-control", "rows": 3}
LIST_LIMIT = 500  # choices shown in a select; validation still checks the full scope


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-control")


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


def people_field(label: Any, *, required: bool = False) -> forms.ModelMultipleChoiceField:  # type: ignore[type-arg]
    return forms.ModelMultipleChoiceField(
        Person.objects.filter(is_active=True).order_by("username"), label=label, required=required
    )


class ItineraryField(forms.CharField):
    """One stop per line: `date | time | place | activity`."""

    def clean(self, value: Any) -> list[Stop]:
        text = super().clean(value) or ""
        stops = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            try:
                day = date.fromisoformat(parts[0])
            except ValueError as error:
                raise forms.ValidationError(
                    _("Line %(n)s: start with a date like 2025-03-10.") % {"n": number}
                ) from error
            rest = [*parts[1:], "", "", ""]
            activity = rest[2] or rest[1] or rest[0]
            if not activity:
                raise forms.ValidationError(_("Line %(n)s: say what happens.") % {"n": number})
            stops.append(
                Stop(day=day, time=rest[0][:32], place=rest[1][:200], activity=activity[:300])
            )
        return stops


class VisitForm(VersionedForm):
    theme = forms.CharField(label=_("Theme"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs=AREA))
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    their_people = forms.ModelMultipleChoiceField(
        Contact.objects.none(), label=_("Their people"), required=False
    )
    visitors = forms.CharField(
        label=_("Other visitors"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    our_people = people_field(_("Our people"))
    itinerary = ItineraryField(
        label=_("Itinerary (one line each: date | time | place | activity)"),
        required=False,
        widget=forms.Textarea(attrs=AREA),
    )
    duties = forms.CharField(
        label=_("Division of duties"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    matters = forms.CharField(
        label=_("Matters to discuss"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    preparations = forms.CharField(
        label=_("Reception preparations"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    notified_units = forms.ModelMultipleChoiceField(
        Unit.objects.filter(is_active=True).order_by("path"),
        label=_("Units to notify by e-mail"),
        required=False,
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["their_people"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = Contact.objects.filter(customer=customer).order_by("name")


class FollowUpLineField(forms.CharField):
    """One follow-up per line: `title | owner username | due date`."""

    def clean(self, value: Any) -> list[tuple[str, Person, date]]:
        text = super().clean(value) or ""
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) != 3:
                raise forms.ValidationError(
                    _("Line %(n)s: write title | owner's username | due date.") % {"n": number}
                )
            owner = Person.objects.filter(username=parts[1], is_active=True).first()
            if owner is None:
                raise forms.ValidationError(_("Line %(n)s: no such person.") % {"n": number})
            try:
                due = date.fromisoformat(parts[2])
            except ValueError as error:
                raise forms.ValidationError(
                    _("Line %(n)s: the due date looks like 2025-03-10.") % {"n": number}
                ) from error
            items.append((parts[0][:300], owner, due))
        return items


class SummaryForm(VersionedForm):
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs=AREA))
    topic = forms.ChoiceField(
        label=_("Archive topic to update"),
        choices=[("", "—"), *InformationTopic.choices],
        required=False,
    )
    information = forms.CharField(
        label=_("Information learned"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    meaning = forms.CharField(
        label=_("Meaning for us"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    follow_ups = FollowUpLineField(
        label=_("Follow-ups (one line each: title | owner's username | due date)"),
        required=False,
        widget=forms.Textarea(attrs=AREA),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Briefing material"))


class FollowUpForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=k.FollowUpStatus.choices)
    progress = forms.CharField(label=_("Progress"), required=False, max_length=5000)


class CustomerPlanForm(VersionedForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    summary = forms.CharField(
        label=_("Plan summary"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    strengths = forms.CharField(
        label=_("Strengths"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    weaknesses = forms.CharField(
        label=_("Weaknesses"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    opportunities = forms.CharField(
        label=_("Opportunities"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    threats = forms.CharField(label=_("Threats"), required=False, widget=forms.Textarea(attrs=AREA))
    competition = forms.CharField(
        label=_("Competition overview"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    assessment = forms.CharField(
        label=_("Situation assessment"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    objectives = forms.CharField(
        label=_("Objectives"), required=False, widget=forms.Textarea(attrs=AREA)
    )
    revenue_notes = forms.CharField(
        label=_("Notes and measures"), required=False, widget=forms.Textarea(attrs=AREA)
    )


class ContactRowForm(VersionedForm):
    our_person = forms.ModelChoiceField(
        Person.objects.filter(is_active=True).order_by("username"), label=_("Our person")
    )
    their_person = forms.ModelChoiceField(Contact.objects.none(), label=_("Their person"))
    position = forms.CharField(label=_("Position"), required=False, max_length=100)
    next_contact_on = forms.DateField(label=_("Next contact date"), required=False, widget=DATE)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["their_person"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Contact.objects.filter(customer=customer).order_by("name")


class ActionRowForm(VersionedForm):
    action = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(
        Person.objects.filter(is_active=True).order_by("username"), label=_("Owner")
    )
    starts_on = forms.DateField(label=_("Start"), widget=DATE)
    ends_on = forms.DateField(label=_("End"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=k.ActionStatus.choices)


class RevenueRowForm(VersionedForm):
    project = forms.CharField(label=_("Project"), max_length=200)
    contract_amount = forms.DecimalField(
        label=_("Contract amount (yuan)"), max_digits=16, decimal_places=2, min_value=0
    )
    win_rate = forms.DecimalField(
        label=_("Win rate (%)"), max_digits=7, decimal_places=2, min_value=0, max_value=100
    )
    margin = forms.DecimalField(
        label=_("Margin (%)"), max_digits=7, decimal_places=2, min_value=0, max_value=100
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key in ("win_rate", "margin"):  # people write percentages; the record keeps a rate
            if data.get(key) is not None:
                data[key] = data[key] / 100
        return data


class CampaignForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    scope = forms.ChoiceField(label=_("Scope"), choices=k.CampaignScope.choices)
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Publishing unit"))
    product = forms.CharField(label=_("Product or service"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs=AREA)
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = units


class TargetForm(VersionedForm):
    customer = forms.ModelChoiceField(Customer.objects.none(), label=_("Customer unit"))
    intent = forms.ChoiceField(label=_("Intent"), choices=k.CampaignIntent.choices)
    status = forms.ChoiceField(label=_("Progress"), choices=k.TargetStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, customers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["customer"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = customers
        field.widget.choices = [("", "—")] + [
            (c.pk, c.name) for c in customers.order_by("name")[:LIST_LIMIT]
        ]


class TargetUpdateForm(VersionedForm):
    intent = forms.ChoiceField(label=_("Intent"), choices=k.CampaignIntent.choices)
    status = forms.ChoiceField(label=_("Progress"), choices=k.TargetStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
