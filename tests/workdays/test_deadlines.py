"""The deadlines the regulation states in days count working days (000 §27): a plan's
submission deadline (`submit_days_before`) and the monthly demands' due day ("by the 28th"),
each around the PRC holidays of 2026 and in the unofficial leap year 2028."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from guanxi.demands import monthly
from guanxi.plans import services as plans
from guanxi.plans.models import Plan
from guanxi.policy.loader import current as current_policy

pytestmark = pytest.mark.django_db


def _policy(*, count: bool = True, due: bool = True, due_day: int | None = None):  # type: ignore[no-untyped-def]
    policy = current_policy()
    demands = policy.demands
    if due_day is not None:
        demands = dataclasses.replace(demands, monthly_due_day=due_day)
    return dataclasses.replace(
        policy,
        demands=demands,
        working_days=dataclasses.replace(
            policy.working_days, count_working_days=count, due_on_working_day=due
        ),
    )


@pytest.fixture
def policy(monkeypatch):  # type: ignore[no-untyped-def]
    def use(**flags):  # type: ignore[no-untyped-def]
        chosen = _policy(**flags)
        for where in ("plans.services", "demands.monthly", "demands.services"):
            monkeypatch.setattr(f"guanxi.{where}.current_policy", lambda: chosen, raising=False)
        return chosen

    return use


def _plan(kind: str, starts: date) -> Plan:
    return Plan(kind=kind, period="month", starts=starts)


@pytest.mark.parametrize(
    ("kind", "starts", "deadline"),
    [
        # 5 working days before 1 October 2026: Mid-autumn (25–27 Sep) is not counted
        ("care", date(2026, 10, 1), date(2026, 9, 23)),
        # 5 working days before 1 March 2026: Saturday 28 Feb is worked (调休) and counts
        ("visit", date(2026, 3, 1), date(2026, 2, 24)),
        # 15 working days before 2027: December 2026 has no holiday
        ("seminar", date(2027, 1, 1), date(2026, 12, 11)),
        # the leap year 2028, unofficial: 29 February counts as a Tuesday like any other
        ("care", date(2028, 3, 1), date(2028, 2, 23)),
    ],
)
def test_a_plan_is_due_working_days_before_its_period(
    kind: str, starts: date, deadline: date, policy
) -> None:  # type: ignore[no-untyped-def]
    policy()
    assert plans.deadline(_plan(kind, starts)) == deadline


def test_a_policy_counting_calendar_days_keeps_them(policy) -> None:  # type: ignore[no-untyped-def]
    policy(count=False)
    assert plans.deadline(_plan("care", date(2026, 10, 1))) == date(2026, 9, 26)


@pytest.mark.parametrize(
    ("month", "due"),
    [
        (date(2026, 6, 1), date(2026, 6, 26)),  # the 28th is a Sunday: Friday
        (date(2026, 2, 1), date(2026, 2, 28)),  # the 28th is a Saturday worked (调休): itself
        (date(2026, 3, 1), date(2026, 3, 27)),  # an ordinary Saturday: Friday
        (date(2026, 10, 1), date(2026, 10, 28)),  # a Wednesday: itself
        (date(2028, 5, 1), date(2028, 5, 26)),  # 2028 unofficial: weekends only
    ],
)
def test_the_monthly_part_is_due_on_the_last_working_day_by_the_28th(
    month: date, due: date, policy
) -> None:  # type: ignore[no-untyped-def]
    policy()
    assert monthly.due_date(month) == due


def test_a_due_day_inside_national_day_moves_before_the_holiday(policy) -> None:  # type: ignore[no-untyped-def]
    policy(due_day=5)
    assert monthly.due_date(date(2026, 10, 1)) == date(2026, 9, 30)


def test_without_the_flag_the_due_day_stays_the_28th(policy) -> None:  # type: ignore[no-untyped-def]
    policy(due=False)
    assert monthly.due_date(date(2026, 6, 1)) == date(2026, 6, 28)
