"""The filters of a record's history: one field, one person."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.history.display import field_choices


class HistoryFilterForm(forms.Form):
    """Unknown fields or people are refused with a message; the list is then shown whole."""

    field = forms.ChoiceField(
        label=pgettext_lazy("history", "Field"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    person = forms.TypedChoiceField(
        label=_("Changed by"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data: Any, *, people: list[tuple[int, str]]) -> None:
        super().__init__(data)
        field = self.fields["field"]
        person = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        assert isinstance(person, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("All fields")), *field_choices()]
        person.choices = [("", _("Everyone")), *people]

    def filters(self) -> dict[str, Any]:
        """The valid filters as keyword arguments of history_for_customer."""
        if not self.is_valid():
            return {}
        return {"field": self.cleaned_data["field"], "person": self.cleaned_data["person"]}
