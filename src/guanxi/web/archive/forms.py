"""Forms for editing the archive. Choices come from the policy and the access scope; the
rules themselves stay in the services, which every form save goes through."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.access.scope import User, visible, visible_units
from guanxi.customers import models as m
from guanxi.organisation.models import Person
from guanxi.policy.loader import current as current_policy


def _choices(rules: Any, language: str, blank: bool = True) -> list[tuple[str, str]]:
    options = [(rule.key, rule.name(language)) for rule in rules]
    return [("", "—"), *options] if blank else options


class VersionedForm(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)


class CustomerForm(VersionedForm):
    duplicate_reason = forms.CharField(
        label=_("Reason for a similar name"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = m.Customer
        fields = [
            "name",
            "credit_code",
            "owning_unit",
            "tier",
            *m.CLASSIFICATION_FIELDS,
            "cooperation_since",
            "manager",
            "source",
            *m.BUSINESS_FIELDS,
            *m.COMMS_FIELDS,
            *m.BACKGROUND_FIELDS,
        ]
        widgets = {
            field: forms.Textarea(attrs={"rows": 2})
            for field in (
                "profile",
                "capability",
                "teams",
                "equipment",
                "past_cooperation",
                "credit_status",
                "business_scope",
                "history",
                "needs",
            )
        }

    def __init__(self, *args: Any, actor: User, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = current_policy()
        self.fields["owning_unit"].queryset = visible_units(  # type: ignore[attr-defined]
            actor, "customer.create"
        ).order_by("path")
        self.fields["manager"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        ).order_by("username")
        self.fields["tier"] = forms.ChoiceField(
            label=_("tier"), choices=_choices(policy.tiers_by_rank(), language, blank=False)
        )
        for key in m.CLASSIFICATION_FIELDS:
            dimension = policy.dimensions[key]
            self.fields[key] = forms.ChoiceField(
                label=dimension.name(language),
                required=False,
                choices=_choices(dimension.options, language),
            )
        self.fields["source"] = forms.ChoiceField(
            label=_("information source"),
            required=False,
            choices=_choices(policy.sources.values(), language),
        )
        for field in self.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )


class ContactForm(VersionedForm):
    class Meta:
        model = m.Contact
        fields = [
            "department",
            "name",
            "position",
            "phone",
            "mobile",
            "home_phone",
            "email",
            "is_key",
            "purpose",
            "consent_at",
            "consent_note",
            "source",
            "hobbies",
            "birthplace",
            "birth_date",
            "journals",
            "native_place",
            "education",
            "family",
            "schools",
            "associations",
            "work_history",
            "profile_other",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "consent_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            **{
                f: forms.Textarea(attrs={"rows": 2})
                for f in (
                    "hobbies",
                    "journals",
                    "family",
                    "schools",
                    "associations",
                    "work_history",
                    "profile_other",
                )
            },
        }

    def __init__(
        self, *args: Any, customer: m.Customer, profile: bool, language: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = customer.departments.all()  # type: ignore[attr-defined]
        self.fields["source"] = forms.ChoiceField(
            label=_("information source"),
            required=False,
            choices=_choices(current_policy().sources.values(), language),
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        if not profile:  # without contact.view_profile the profile is neither shown nor edited
            for field in m.PROFILE_FIELDS:
                self.fields.pop(field, None)


class RelationshipForm(forms.Form):
    buying_role = forms.ChoiceField(
        label=_("buying role"),
        choices=m.BuyingRole.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    state = forms.ChoiceField(
        label=_("relationship state"),
        choices=m.RelationshipState.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    holders = forms.ModelMultipleChoiceField(
        label=_("held by"),
        queryset=Person.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )
    concerns = forms.CharField(
        label=_("issues and concerns"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    note = forms.CharField(
        label=_("note on this change"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DepartmentForm(VersionedForm):
    class Meta:
        model = m.CustomerDepartment
        fields = ["parent", "kind", "name", "location", *m.COMMS_FIELDS, "profile", "history"]

    def __init__(self, *args: Any, customer: m.Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = customer.departments.exclude(  # type: ignore[attr-defined]
            pk=self.instance.pk or 0
        )


class DealingForm(VersionedForm):
    class Meta:
        model = m.Dealing
        fields = [
            "department",
            "kind",
            "status",
            "title",
            "contract_number",
            "amount",
            "signed_on",
            "our_unit",
            "description",
        ]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, customer: m.Customer, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = customer.departments.all()  # type: ignore[attr-defined]
        self.fields["our_unit"].queryset = visible_units(  # type: ignore[attr-defined]
            actor, "customer.change"
        ).order_by("path")


class OperationForm(VersionedForm):
    class Meta:
        model = m.Operation
        fields = ["dealing", "name", "location", "executing_unit", "started_on", "ended_on"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, customer: m.Customer, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dealing"].queryset = visible(  # type: ignore[attr-defined]
            actor, customer.dealings.all(), "customer.view", "customer__owning_unit"
        )
        self.fields["executing_unit"].queryset = visible_units(  # type: ignore[attr-defined]
            actor, "customer.change"
        ).order_by("path")
