"""Forms with given satisfaction, dated, for the falling-satisfaction part of the risk signal."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from guanxi.activities.models import Activity, ActivityStatus
from guanxi.customers.models import Customer
from guanxi.feedback import services
from guanxi.feedback.models import FormRecord
from tests.feedback.conftest import ALL_GOOD


@pytest.fixture
def rate(people, units) -> Callable[..., FormRecord]:  # type: ignore[no-untyped-def]
    """A service visit record of `customer`, `days_ago`, with the overall satisfaction given."""

    def make(customer: Customer, satisfaction: str, days_ago: int, **extra: Any) -> FormRecord:
        by = people["div1.staff"]
        activity = Activity.objects.create(
            unit=units["DIV1"],
            kind="visit",
            name="渤海湾作业后服务回访",
            customer=customer,
            date=timezone.localdate() - datetime.timedelta(days=days_ago),
            place="天津塘沽",
            status=ActivityStatus.CARRIED_OUT,
            created_by=by,
        )
        activity.our_people.set([by])
        data = services.prefill(activity)
        data.visited_name, data.visited_position = "王志刚", "总工程师"
        data.satisfaction, data.ratings = satisfaction, dict(ALL_GOOD)
        for name, value in extra.items():
            setattr(data, name, value)
        return services.record_create(actor=by, kind="visit", activity=activity, data=data)

    return make
