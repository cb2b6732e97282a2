"""The filters of the read register: reader, record, record type, channel and dates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from guanxi.access.models import Channel
from guanxi.access.selectors import LogFilters, type_choices
from guanxi.params import ID_MAX

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TEXT = forms.TextInput(attrs={"class": "form-control"})
SELECT = forms.Select(attrs={"class": "form-select"})


class LogFilterForm(forms.Form):
    """Bad input is refused with a message; the register is then shown unfiltered by it."""

    reader = forms.CharField(
        label=_("Reader"),
        required=False,
        max_length=150,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("Name or username")}
        ),
    )
    record_type = forms.ChoiceField(label=_("Record type"), required=False, widget=SELECT)
    record_id = forms.IntegerField(
        label=_("Record id"),
        required=False,
        min_value=1,
        max_value=ID_MAX,
        widget=forms.NumberInput(attrs={"class": "form-control", "min": 1}),
    )
    channel = forms.ChoiceField(label=_("Channel"), required=False, widget=SELECT)
    date_from = forms.DateField(label=_("Date from"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("Date to"), required=False, widget=DATE)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        record_type = self.fields["record_type"]
        channel = self.fields["channel"]
        assert isinstance(record_type, forms.ChoiceField)  # noqa: S101 - declared above
        assert isinstance(channel, forms.ChoiceField)  # noqa: S101 - declared above
        record_type.choices = [("", _("All record types")), *type_choices()]
        channel.choices = [("", _("All channels")), *Channel.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> LogFilters:
        """The valid filters; none when any is invalid (the form shows why)."""
        if not self.is_bound or not self.is_valid():
            return LogFilters()
        data = self.cleaned_data
        return LogFilters(
            reader=(data.get("reader") or "").strip(),
            record_type=data.get("record_type") or "",
            record_id=data.get("record_id"),
            channel=data.get("channel") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
