"""Forms of the plan pages; choices are scoped to what the person may see."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.access.scope import visible, visible_units
from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person, Unit
from guanxi.plans.models import CUSTOMER_COUNT_MAX, Period, Plan
from guanxi.plans.services import ItemData, plan_kind
from guanxi.policy.loader import current as current_policy

CHOICES_CAP = 300  # a select stays usable; the archive search finds the rest
DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
TEXT = forms.TextInput(attrs={"class": "form-control"})
AREA = forms.Textarea(attrs={"class": "form-control", "rows": 2})
SELECT = forms.Select(attrs={"class": "form-select"})
MULTI = forms.SelectMultiple(attrs={"class": "form-select", "size": 4})
NUMBER = forms.NumberInput(attrs={"class": "form-control"})


def plan_kind_choices(language: str) -> list[tuple[str, str]]:
    return [(key, kind.name(language)) for key, kind in current_policy().plans.items()]


class PlanOpenForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit"), widget=SELECT)
    kind = forms.ChoiceField(label=_("Kind"), widget=SELECT)
    period = forms.ChoiceField(label=_("Period"), choices=Period.choices, widget=SELECT)
    day = forms.DateField(label=_("A day in the period"), widget=DATE)

    def __init__(self, *args: Any, actor: Person, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = visible_units(actor, "plan.change").order_by("path")  # type: ignore[attr-defined]
        self.fields["kind"].choices = plan_kind_choices(language)  # type: ignore[attr-defined]
        self.fields["day"].initial = timezone.localdate()


def _customers(actor: Person, unit: Unit) -> QuerySet[Customer]:
    rows = Customer.objects.filter(owning_unit__path__startswith=unit.path)
    return visible(actor, rows, "customer.view").order_by("name")


class ItemForm(forms.Form):
    """The fields of 000 §14.2 / §16.2 / §18.2 that the policy lists for the plan's kind."""

    when = forms.DateField(label=_("Time"), widget=DATE)
    name = forms.CharField(label=_("Activity name"), max_length=200, required=False, widget=TEXT)
    place = forms.CharField(label=_("Place"), max_length=200, required=False, widget=TEXT)
    customer = forms.TypedChoiceField(
        label=_("Customer"), coerce=int, required=False, empty_value=None, widget=SELECT
    )
    customer_count = forms.IntegerField(
        label=_("Number of customer people"),
        min_value=0,
        max_value=CUSTOMER_COUNT_MAX,
        initial=0,
        required=False,
        widget=NUMBER,
    )
    key_persons = forms.TypedMultipleChoiceField(
        label=_("Main customer people and positions"), coerce=int, required=False, widget=MULTI
    )
    gifts = forms.CharField(label=_("Planned gifts"), max_length=300, required=False, widget=TEXT)
    our_people = forms.TypedMultipleChoiceField(
        label=_("Our main people and positions"), coerce=int, required=False, widget=MULTI
    )
    content = forms.CharField(label=_("Content"), max_length=4000, required=False, widget=AREA)
    documents = forms.CharField(
        label=_("Documents prepared"), max_length=4000, required=False, widget=AREA
    )
    cost = forms.DecimalField(
        label=_("Total cost (yuan)"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        initial=0,
        required=False,
        widget=NUMBER,
    )

    def __init__(self, *args: Any, actor: Person, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.plan = actor, plan
        used = set(plan_kind(plan.kind).fields) | {"when"}
        for name in list(self.fields):
            if name not in used:
                del self.fields[name]
        customers = list(_customers(actor, plan.unit).values_list("id", "name")[:CHOICES_CAP])
        if "customer" in self.fields:
            self.fields["customer"].choices = [("", "—"), *customers]  # type: ignore[attr-defined]
        if "key_persons" in self.fields:
            contacts = Contact.objects.filter(
                customer_id__in=[c for c, _ in customers], is_key=True
            )
            self.fields["key_persons"].choices = [  # type: ignore[attr-defined]
                (pk, f"{name} · {position} · {customer}")
                for pk, name, position, customer in contacts.values_list(
                    "id", "name", "position", "customer__name"
                ).order_by("customer__name", "name")[:CHOICES_CAP]
            ]
        if "our_people" in self.fields:
            people = (
                Person.objects.filter(
                    is_active=True, memberships__unit__path__startswith=plan.unit.path
                )
                .distinct()
                .order_by("username")[:CHOICES_CAP]
            )
            self.fields["our_people"].choices = [(p.pk, str(p)) for p in people]  # type: ignore[attr-defined]
        self.fields["when"].initial = plan.starts

    def item_data(self) -> ItemData:
        data = self.cleaned_data
        customer_id = data.get("customer")
        customer = (
            _customers(self.actor, self.plan.unit).filter(pk=customer_id).first()
            if customer_id
            else None
        )
        key_ids = data.get("key_persons") or []
        people_ids = data.get("our_people") or []
        return ItemData(
            when=data["when"],
            name=data.get("name") or "",
            place=data.get("place") or "",
            customer=customer,
            customer_count=data.get("customer_count") or 0,
            key_persons=list(Contact.objects.filter(pk__in=key_ids)),
            gifts=data.get("gifts") or "",
            our_people=list(Person.objects.filter(pk__in=people_ids)),
            content=data.get("content") or "",
            documents=data.get("documents") or "",
            cost=data.get("cost") or Decimal("0"),
        )


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), widget=SELECT, required=False)
    period = forms.ChoiceField(
        label=_("Period"), choices=Period.choices, widget=SELECT, required=False
    )
    day = forms.DateField(label=_("A day in the period"), widget=DATE, required=False)

    def __init__(self, *args: Any, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = plan_kind_choices(language)  # type: ignore[attr-defined]

    def values(self) -> tuple[str, str, datetime.date]:
        data = self.cleaned_data if self.is_valid() else {}
        kinds = current_policy().plans
        kind = data.get("kind") or next(iter(kinds), "care")
        return kind, data.get("period") or "month", data.get("day") or timezone.localdate()
