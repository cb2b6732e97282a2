from __future__ import annotations

import pytest

from guanxi.organisation.models import Person
from guanxi.workdays import services


@pytest.fixture
def admin(people: dict[str, Person]) -> Person:
    """The demo's system administrator, at HQ: keeps the company's calendar."""
    return people["admin"]


@pytest.fixture
def company_holiday(admin: Person):  # type: ignore[no-untyped-def]
    """公司司庆 on Tuesday 10 March 2026, a working day of the PRC calendar."""
    import datetime

    return services.override_add(
        actor=admin, day=datetime.date(2026, 3, 10), kind="holiday", name="公司司庆"
    )
