"""Forms for contact reports and the next contact date. They parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Contact, Customer
from guanxi.policy.loader import current as current_policy
from guanxi.web.keycustomers.forms import AREA, DATE, VersionedForm, people_field


def kind_choices() -> list[tuple[str, str]]:
    language = translation.get_language()
    return [(key, kind.name(language)) for key, kind in current_policy().contact_kinds.items()]


class ContactReportForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=())
    contacted_on = forms.DateField(label=_("Date of contact"), widget=DATE)
    key_persons = forms.ModelMultipleChoiceField(Contact.objects.none(), label=_("Their people"))
    our_people = people_field(_("Our people"))
    summary = forms.CharField(
        label=_("What was discussed"), max_length=20000, widget=forms.Textarea(attrs=AREA)
    )
    follow_up = forms.CharField(
        label=_("Follow-up"), max_length=20000, required=False, widget=forms.Textarea(attrs=AREA)
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)  # noqa: S101
        kind.choices = kind_choices()
        people = self.fields["key_persons"]
        assert isinstance(people, forms.ModelMultipleChoiceField)  # noqa: S101
        people.queryset = Contact.objects.filter(customer=customer).order_by("-is_key", "name")


class NextContactForm(VersionedForm):
    next_contact_on = forms.DateField(label=_("Next contact date"), required=False, widget=DATE)
    note = forms.CharField(label=_("What the contact is for"), max_length=300, required=False)
