"""Rated forms on chosen days, through the feedback services (so their rating rows are made
the way real use makes them)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from guanxi.feedback import services
from guanxi.feedback.models import FormRecord
from guanxi.policy.loader import current as current_policy
from tests.feedback.conftest import make_activity  # noqa: F401  (a fixture used below)


@pytest.fixture
def rate(people, make_activity) -> Callable[..., FormRecord]:  # type: ignore[no-untyped-def]  # noqa: F811
    """A service visit record (or care record) rated `overall`, every dimension `each` unless
    `ratings` says otherwise, dated `day`."""

    def make(
        overall: str,
        each: str | None = None,
        *,
        day: datetime.date,
        unit: str = "DIV1",
        by: str = "div1.staff",
        customer: Any = None,
        kind: str = "visit",
        ratings: dict[str, str] | None = None,
    ) -> FormRecord:
        activity = make_activity(kind=kind, unit=unit, by=by, customer=customer)
        data = services.prefill(activity)
        data.date, data.visited_name = day, "王志刚"
        data.satisfaction = overall
        keys = [d.key for d in current_policy().feedback.dimensions]
        data.ratings = ratings if ratings is not None else dict.fromkeys(keys, each or overall)
        return services.record_create(actor=people[by], kind=kind, activity=activity, data=data)

    return make
