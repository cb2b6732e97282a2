"""Forms of the market-report, information-meaning and personal-data-request pages. Choices
come from the policy and the access scope; the rules stay in the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from guanxi.access.scope import User, visible_units
from guanxi.customers.models import RequestKind
from guanxi.organisation.models import Unit
from guanxi.policy.loader import current as current_policy


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        if isinstance(field.widget, forms.CheckboxInput):
            css = "form-check-input"
        field.widget.attrs.setdefault("class", css)


class MonthField(forms.CharField):
    """A month as the browser's `<input type=month>` sends it (YYYY-MM): its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2025-01"})

    def to_python(self, value: Any) -> date | None:  # type: ignore[override]
        text = str(super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-")[:2])
            return date(year, month, 1)
        except (TypeError, ValueError) as error:
            raise ValidationError(_("Enter a month as YYYY-MM."), code="invalid") from error

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, date) else value


class VersionedFormMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class MarketReportForm(VersionedFormMixin):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("unit")
    )
    month = MonthField(label=_("month"))
    title = forms.CharField(label=_("title"), max_length=200)
    body = forms.CharField(label=_("report"), widget=forms.Textarea(attrs={"rows": 10}))
    major = forms.BooleanField(label=_("major news, reported at once"), required=False)

    def __init__(self, *args: Any, actor: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = visible_units(actor, "customer.change").order_by("path")
        if editing:  # a report stays with the unit that wrote it
            del self.fields["unit"]
        _style(self)


def source_choices(language: str) -> list[tuple[str, str]]:
    options = [
        (key, _("%(name)s (level %(level)s)") % {"name": s.name(language), "level": s.level})
        for key, s in sorted(current_policy().sources.items(), key=lambda kv: (kv[1].level, kv[0]))
    ]
    return [("", "—"), *options]


class InformationForm(VersionedFormMixin):
    information = forms.CharField(
        label=_("Information (what did we learn about the customer?)"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    meaning = forms.CharField(
        label=_("Meaning (what does it mean for us?)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    source = forms.ChoiceField(label=_("information source"), required=False)

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = source_choices(language)
        _style(self)


class PersonalRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("request"), choices=RequestKind.choices)
    requested_by = forms.CharField(
        label=_("asked by"),
        max_length=100,
        help_text=_("The person themselves, or who asked on their behalf."),
    )
    received_at = forms.DateTimeField(
        label=_("received"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    verification = forms.CharField(label=_("how the identity was verified"), max_length=300)
    details = forms.CharField(
        label=_("details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=_("outcome"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
