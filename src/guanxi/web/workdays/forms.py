"""Forms of the working-day calendar page. They only parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.web.keycustomers.forms import AREA, DATE, TEXT, VersionedForm
from guanxi.workdays.models import DayKind
from guanxi.workdays.notice import TEXT_LENGTH, YEARS
from guanxi.workdays.services import NAME_LENGTH

SELECT = {"class": "form-select"}


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(
        label=_("Kind of day"), choices=DayKind.choices, widget=forms.Select(attrs=SELECT)
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=NAME_LENGTH,
        widget=forms.TextInput(attrs={**TEXT, "placeholder": _("e.g. 公司司庆")}),
    )


class RemoveForm(VersionedForm):
    day = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


class NoticeForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=YEARS[0],
        max_value=YEARS[-1],
        widget=forms.NumberInput(attrs=TEXT),
    )
    text = forms.CharField(
        label=_("Text of the notice"),
        max_length=TEXT_LENGTH,
        widget=forms.Textarea(attrs={**AREA, "rows": 12}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
