"""[[plans]] and [[approvals]] in the policy: loaded, typed, and every mistake named by line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from guanxi.policy.loader import load
from tests.policy.test_loader import GOOD, line_of, problems_of

PRESETS = sorted(Path(settings.GUANXI_POLICY_DIR).glob("*.toml"))


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_every_preset_has_plans_and_the_cost_threshold(path: Path) -> None:
    policy = load(path)
    assert set(policy.plans) == {"care", "visit", "seminar"}
    assert policy.plans["seminar"].periods == ("year",)
    cost = [rule for rule in policy.approvals if rule.kind == "activity_cost"]
    assert cost[0].amount_above == Decimal("30000")
    assert all(rule.clause and rule.text and rule.steps for rule in policy.approvals)


def test_rules_match_kind_amount_and_requester() -> None:
    policy = load(Path(settings.GUANXI_POLICY_DIR) / "cosl.toml")
    assert (
        policy.approval_rules(
            kind="activity_cost", amount=Decimal("30000"), requester_kind="division"
        )
        == []
    )
    assert (
        len(
            policy.approval_rules(
                kind="activity_cost", amount=Decimal("30000.01"), requester_kind="division"
            )
        )
        == 1
    )
    assert (
        policy.approval_rules(kind="seminar_proposal", amount=None, requester_kind="division") == []
    )
    assert (
        len(policy.approval_rules(kind="seminar_proposal", amount=None, requester_kind="hq")) == 1
    )


def test_an_unknown_period_is_named_by_line() -> None:
    text = GOOD.replace('periods = ["year"]', 'periods = ["decade"]')
    line = line_of(text, '"decade"')
    assert (
        f"line {line}: 'periods' names 'decade', which is not one of month, quarter, year"
        in problems_of(text)
    )


def test_an_unknown_item_field_is_named() -> None:
    text = GOOD.replace('fields = ["when", "customer"', 'fields = ["when", "colour"', 1)
    assert any("'fields' names 'colour'" in p for p in problems_of(text))


def test_an_unknown_step_role_and_unit_kind_are_named_by_line() -> None:
    text = GOOD.replace(
        'steps = [{ unit_kind = "hq", role = "executive" }]',
        'steps = [{ unit_kind = "planet", role = "emperor" }]',
    )
    found = problems_of(text)
    line = line_of(text, "planet")
    assert f"line {line}: a step names an unknown unit kind 'planet'" in found
    assert f"line {line}: a step names an unknown role 'emperor'" in found


def test_a_negative_threshold_is_refused() -> None:
    text = GOOD.replace("amount_above = 30000", "amount_above = -5")
    line = line_of(text, "amount_above = -5")
    message = "'amount_above' must be a number of yuan, 0 or more"
    assert f"line {line}: {message}" in problems_of(text)


def test_a_missing_approvals_table_is_a_problem() -> None:
    head, _sep, _rest = GOOD.partition("[[approvals]]")
    assert any("[[approvals]]" in p for p in problems_of(head))


def test_a_bad_deadline_is_refused() -> None:
    text = GOOD.replace("submit_days_before = 15", "submit_days_before = 999")
    assert any("'submit_days_before' must be a whole number" in p for p in problems_of(text))
