"""A demand factory on the shared personas: a strategic or VIP customer of a line, owned by
the line's customer manager."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from guanxi.customers.models import Customer
from guanxi.demands import services
from guanxi.demands.models import Demand
from guanxi.organisation.models import Person


@pytest.fixture
def make_demand(people: dict[str, Person]) -> Callable[..., Demand]:
    def make(customer: Customer, **extra: Any) -> Demand:
        data: dict[str, Any] = {
            "category": "contract_risk",
            "severity": "major",
            "title": "合同价格调整诉求",
            "description": "客户提出下半年钻井日费下调百分之五，需与总部协商。",
            "owner": people["div1.cm"],
            "due_on": timezone.localdate() + timedelta(days=14),
        }
        data.update(extra)
        return services.demand_create(actor=people["div1.staff"], customer=customer, **data)

    return make
