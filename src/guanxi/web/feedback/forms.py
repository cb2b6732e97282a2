"""The paper form as a web form: the fields of its kind, in the seed's order and words."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from guanxi.access.scope import visible, visible_units
from guanxi.customers.models import Customer
from guanxi.feedback.layout import OPINIONS_MAX
from guanxi.feedback.models import FormKind
from guanxi.feedback.services import FormData
from guanxi.organisation.models import Person
from guanxi.policy.loader import current as current_policy
from guanxi.web.plans.forms import AREA, CHOICES_CAP, DATE, NUMBER, SELECT, TEXT

RADIO = forms.RadioSelect(attrs={"class": "me-1"})  # 差 中 优 side by side, as on paper

# The plain text fields a form copies from its start and back, when its kind has them.
TEXT_FIELDS = (
    "date",
    "place",
    "visited_name",
    "visited_position",
    "phone",
    "mobile",
    "summary",
    "purpose",
    "organiser",
    "customer_list",
    "requests",
)


def _label(text: str) -> Any:
    return pgettext_lazy("activity form", text)


def _text(label: str, *, area: bool = False, max_length: int = 200) -> forms.CharField:
    return forms.CharField(
        label=_label(label),
        required=False,
        max_length=4000 if area else max_length,
        widget=AREA if area else TEXT,
    )


class FormRecordForm(forms.Form):
    """Built for one kind; `data_for_service` gives the service what the person wrote."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, kind: str, actor: Person, start: FormData, language: str, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.kind, self.actor, self.start = kind, actor, start
        self.fields["date"] = forms.DateField(
            label=_label("Visit date" if kind == FormKind.VISIT else "Date carried out"),
            widget=DATE,
        )
        self.fields["place"] = _text("Place")
        if kind == FormKind.SEMINAR:
            self._seminar()
        else:
            self._customer(kind)
        if kind == FormKind.VISIT:
            self._ratings(language)
        if kind == FormKind.CARE:
            self._remarks(language)
        if kind != FormKind.SEMINAR:
            self.fields["requests"] = _text("Customer requests and suggestions", area=True)
        self._initial(language)

    def _customer(self, kind: str) -> None:
        customers = visible(self.actor, Customer.objects.all(), "feedback.change", "owning_unit")
        self.fields["customer"] = forms.TypedChoiceField(
            label=_label("Customer unit"),
            coerce=int,
            required=False,
            empty_value=None,
            widget=SELECT,
            choices=[
                ("", "—"),
                *customers.order_by("name").values_list("id", "name")[:CHOICES_CAP],
            ],
        )
        visit = kind == FormKind.VISIT
        self.fields["visited_name"] = _text("Person visited" if visit else "Their host")
        if visit:
            self.fields["visited_position"] = _text("Position")
        self.fields["phone"] = _text("Phone" if visit else "Contact details", max_length=64)
        if visit:
            self.fields["mobile"] = _text("Mobile", max_length=64)
        self.fields["summary"] = _text(
            "Project summary" if visit else "Summary of the care", area=True
        )
        if visit:
            units = visible_units(self.actor, "feedback.view").order_by("path")[:CHOICES_CAP]
            self.fields["service_unit"] = forms.TypedChoiceField(
                label=_label("Service executing unit"),
                coerce=int,
                required=False,
                empty_value=None,
                widget=SELECT,
                choices=[("", "—"), *((u.pk, u.name) for u in units)],
            )

    def _ratings(self, language: str) -> None:
        scale = current_policy().feedback
        choices = [(o.key, o.name(language)) for o in scale.ratings]
        self.fields["satisfaction"] = forms.ChoiceField(
            label=_label("Customer satisfaction"), choices=choices, required=False, widget=RADIO
        )
        for dimension in scale.dimensions:
            self.fields[f"rating_{dimension.key}"] = forms.ChoiceField(
                label=dimension.name(language),
                choices=[("", "—"), *choices],
                required=False,
                widget=SELECT,
            )

    def _remarks(self, language: str) -> None:
        for dimension in current_policy().feedback.dimensions:
            field = _text("What was discussed", area=True)
            field.label = f"{_label('What was discussed')} · {dimension.name(language)}"
            self.fields[f"remark_{dimension.key}"] = field

    def _seminar(self) -> None:
        self.fields["organiser"] = _text("Organiser")
        self.fields["summary"] = _text("Main content", area=True)
        self.fields["purpose"] = _text("Main purpose", area=True)
        self.fields["customer_count"] = forms.IntegerField(
            label=_label("Number of customers attending"),
            min_value=0,
            max_value=100000,
            required=False,
            widget=NUMBER,
        )
        self.fields["customer_list"] = _text("Main customers", area=True)
        for n in range(1, OPINIONS_MAX + 1):
            opinion, unit = _text("Opinions", area=True), _text("Proposed by")
            opinion.label = pgettext("activity form", "Opinion %(number)s") % {"number": n}
            unit.label = pgettext("activity form", "Proposed by (opinion %(number)s)") % {
                "number": n
            }
            self.fields[f"opinion_{n}"], self.fields[f"opinion_unit_{n}"] = opinion, unit

    def _initial(self, language: str) -> None:
        start = self.start
        for name in (*TEXT_FIELDS, "customer_count", "satisfaction"):
            if name in self.fields:
                self.initial.setdefault(name, getattr(start, name))
        if "customer" in self.fields and start.customer is not None:
            self.initial.setdefault("customer", start.customer.pk)
        if "service_unit" in self.fields and start.service_unit is not None:
            self.initial.setdefault("service_unit", start.service_unit.pk)
        for key, value in start.ratings.items():
            self.initial.setdefault(f"rating_{key}", value)
        for key, value in start.remarks.items():
            self.initial.setdefault(f"remark_{key}", value)
        for n, opinion in enumerate(start.opinions, start=1):
            self.initial.setdefault(f"opinion_{n}", opinion.get("text", ""))
            self.initial.setdefault(f"opinion_unit_{n}", opinion.get("unit", ""))

    def data_for_service(self) -> FormData:
        """The starting form with what was written; choices resolved within the actor's line."""
        data, clean = self.start, self.cleaned_data
        for name in TEXT_FIELDS:
            if name in self.fields:
                setattr(data, name, clean.get(name) or ("" if name != "date" else data.date))
        if "customer_count" in self.fields:
            data.customer_count = clean.get("customer_count") or 0
        if "customer" in self.fields:
            self._set_customer(data, clean.get("customer"))
        if "service_unit" in self.fields:
            unit_id = clean.get("service_unit")
            units = visible_units(self.actor, "feedback.view")
            data.service_unit = units.filter(pk=unit_id).first() if unit_id else None
        scale = current_policy().feedback
        if "satisfaction" in self.fields:
            data.satisfaction = clean.get("satisfaction") or ""
            data.ratings = {
                d.key: clean[f"rating_{d.key}"]
                for d in scale.dimensions
                if clean.get(f"rating_{d.key}")
            }
        if self.kind == FormKind.CARE:
            data.remarks = {
                d.key: clean[f"remark_{d.key}"]
                for d in scale.dimensions
                if clean.get(f"remark_{d.key}")
            }
        if self.kind == FormKind.SEMINAR:
            data.opinions = [
                {"text": clean[f"opinion_{n}"], "unit": clean.get(f"opinion_unit_{n}") or ""}
                for n in range(1, OPINIONS_MAX + 1)
                if clean.get(f"opinion_{n}")
            ]
        return data

    def _set_customer(self, data: FormData, customer_id: int | None) -> None:
        """A changed customer drops the people and links of the previous one."""
        customer = (
            visible(
                self.actor,
                Customer.objects.filter(pk=customer_id),
                "feedback.change",
                "owning_unit",
            ).first()
            if customer_id
            else None
        )
        if customer_id and customer is None:
            raise ValidationError(
                {"customer": _("This customer is outside your organisation line.")}
            )
        if (customer.pk if customer else None) != (data.customer.pk if data.customer else None):
            data.visited_person, data.operation, data.dealing = None, None, None
            data.key_persons = []
        data.customer = customer
