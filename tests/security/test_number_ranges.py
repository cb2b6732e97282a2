"""A date-sized number typed into a year or a count is refused everywhere, in the reader's words.

The model holds the range (validators for forms and serializers, a check constraint for the
database), so the API, the pages and a direct write all stop at the same line, on SQLite (which
would store 20260101 as it is) and on PostgreSQL (where a smallint would overflow).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import translation

from guanxi.customers.models import Customer
from guanxi.keycustomers.models import CustomerPlan
from guanxi.organisation.models import Person, Unit
from guanxi.plans.models import PlanItem
from guanxi.plans.services import ItemData, item_add, plan_kind, plan_open
from guanxi.web.plans.forms import ItemForm

DATE_SIZED = 20260101


def test_the_api_refuses_a_date_as_the_year_of_first_cooperation(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").post(
        "/api/v1/customers/",
        {
            "name": "年份能源有限公司",
            "owning_unit": units["DIV1"].pk,
            "tier": "vip",
            "cooperation_since": DATE_SIZED,
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert answer.status_code == 400
    assert "2100" in answer.json()["cooperation_since"][0]
    assert not Customer.objects.filter(name="年份能源有限公司").exists()


def test_the_api_refuses_a_date_as_a_plan_year(api_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    answer = api_as("div1.manager").post(
        "/api/v1/customer-plans/", {"customer": customer.pk, "year": DATE_SIZED}, format="json"
    )
    assert answer.status_code == 400
    assert "year" in answer.json()
    assert not CustomerPlan.objects.filter(customer=customer).exists()


def test_the_plan_item_form_refuses_a_date_as_the_number_of_people() -> None:
    field = ItemForm.base_fields["customer_count"]
    assert field.clean("12") == 12
    with pytest.raises(ValidationError):
        field.clean(str(DATE_SIZED))


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [(Customer, "cooperation_since", DATE_SIZED), (PlanItem, "customer_count", DATE_SIZED)],
)
def test_the_database_refuses_what_the_forms_refuse(  # type: ignore[no-untyped-def]
    model, field: str, value: int, make_customer, people: dict[str, Person], units: dict[str, Unit]
) -> None:
    record = make_customer("DIV1") if model is Customer else _item(people, units)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        model.objects.filter(pk=record.pk).update(**{field: value})
    record.refresh_from_db()
    assert getattr(record, field) != value


def test_a_constraint_refusal_speaks_words_not_its_name(make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    customer.cooperation_since = DATE_SIZED
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        customer.validate_constraints()
    text = " ".join(refused.value.messages)
    assert "开始合作年份" in text
    assert "customer_cooperation_year_range" not in text


def _item(people: dict[str, Person], units: dict[str, Unit]) -> PlanItem:
    plan = plan_open(
        actor=people["div1.manager"],
        unit=units["DIV1"],
        kind="care",
        period=plan_kind("care").periods[0],
        day=datetime.date(2026, 6, 1),
    )
    return item_add(
        actor=people["div1.manager"],
        plan=plan,
        data=ItemData(when=datetime.date(2026, 6, 2), name="客户座谈"),
    )
