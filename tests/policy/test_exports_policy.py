"""The [exports] table: how many records an export may carry before it asks for confirmation
(000 §20.1, §21.1), stated by every preset with its clause and checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from guanxi.policy.loader import PolicyError, load, parse

PRESETS = sorted(Path(settings.GUANXI_POLICY_DIR).glob("*.toml"))
GOOD = (Path(settings.GUANXI_POLICY_DIR) / "cosl.toml").read_text(encoding="utf-8")


def _with(table: str) -> str:
    start = GOOD.index("[exports]")
    end = GOOD.index("\n", GOOD.index('text = "', start)) + 1
    return GOOD[:start] + table + GOOD[end:]


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_every_preset_states_its_export_confirmation_with_a_clause(path: Path) -> None:
    exports = load(path).exports
    assert exports.confirm_above == 200
    assert exports.clause.startswith(("000 §20", "000 §21", "003 §13.2"))
    assert exports.text


def test_without_the_table_the_product_default_applies() -> None:
    assert parse(_with(""), Path("cosl.toml")).exports.confirm_above == 200


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "'confirm_above' must be a whole number from 1 to 100000"),
        ('"50"', "'confirm_above' must be a whole number from 1 to 100000"),
        ("100001", "'confirm_above' must be a whole number from 1 to 100000"),
    ],
)
def test_a_bad_threshold_is_reported_on_its_line(value: str, problem: str) -> None:
    table = f'[exports]\nconfirm_above = {value}\nclause = "000 §20.1"\ntext = "不得拷贝。"\n'
    text = _with(table)
    line = text.splitlines().index(f"confirm_above = {value}") + 1
    with pytest.raises(PolicyError) as caught:
        parse(text, Path("cosl.toml"))
    assert f"line {line}: {problem}" in [str(p) for p in caught.value.problems]


def test_an_export_rule_without_a_clause_is_refused() -> None:
    text = _with('[exports]\nconfirm_above = 50\nclause = ""\ntext = "不得拷贝。"\n')
    with pytest.raises(PolicyError) as caught:
        parse(text, Path("cosl.toml"))
    assert any("[exports] needs a non-empty 'clause'" in str(p) for p in caught.value.problems)
