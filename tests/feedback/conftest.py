"""Carried-out activities to fill forms in from, with realistic Chinese data."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from guanxi.activities.models import Activity, ActivityStatus
from guanxi.feedback import services
from guanxi.feedback.models import FormRecord


@pytest.fixture
def make_activity(people, units, make_customer) -> Callable[..., Activity]:  # type: ignore[no-untyped-def]
    def make(
        kind: str = "visit",
        unit: str = "DIV1",
        by: str = "div1.staff",
        customer: Any = None,
        status: str = ActivityStatus.CARRIED_OUT,
        days_ago: int = 3,
    ) -> Activity:
        activity = Activity.objects.create(
            unit=units[unit],
            kind=kind,
            name={
                "visit": "渤海湾作业后服务回访",
                "care": "春节走访慰问",
                "seminar": "随钻测井技术交流会",
            }[kind],
            customer=customer if customer is not None else make_customer(unit),
            date=timezone.localdate() - datetime.timedelta(days=days_ago),
            place="天津塘沽",
            status=status,
            created_by=people[by],
        )
        activity.our_people.set([people[by]])
        return activity

    return make


ALL_GOOD = {
    "quality": "good",
    "attitude": "good",
    "responsiveness": "fair",
    "technical": "good",
    "management": "fair",
    "staff": "good",
}


@pytest.fixture
def make_record(people, make_activity) -> Callable[..., FormRecord]:  # type: ignore[no-untyped-def]
    def make(
        kind: str = "visit", by: str = "div1.staff", unit: str = "DIV1", **changes: Any
    ) -> FormRecord:
        activity = make_activity(kind=kind, unit=unit, by=by)
        data = services.prefill(activity)
        data.visited_name, data.visited_position = "王志刚", "总工程师"
        data.summary = "渤中19-6区块完井作业后回访，了解作业质量评价"
        if kind == "visit":
            data.satisfaction, data.ratings = "good", dict(ALL_GOOD)
        if kind == "seminar":
            data.opinions = [{"text": "希望增加现场演示", "unit": "渤海石油研究院"}]
        for name, value in changes.items():
            setattr(data, name, value)
        return services.record_create(actor=people[by], kind=kind, activity=activity, data=data)

    return make
