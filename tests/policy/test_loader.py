from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from guanxi.policy.loader import PolicyError, load, parse

PRESETS = sorted(Path(settings.GUANXI_POLICY_DIR).glob("*.toml"))
GOOD = (Path(settings.GUANXI_POLICY_DIR) / "cosl.toml").read_text(encoding="utf-8")


def problems_of(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse(text, Path("cosl.toml"))
    return [str(problem) for problem in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_every_preset_loads_and_cites_clauses(path: Path) -> None:
    policy = load(path)
    assert policy.key == path.stem
    rules = [*policy.unit_kinds.values(), *policy.roles.values(), *policy.tiers.values()]
    assert all(rule.clause and rule.text for rule in rules)
    assert policy.root_kind().sees_all


def test_the_three_presets_ship() -> None:
    assert {p.stem for p in PRESETS} >= {"cosl", "cnooc-gas", "zhongtong"}


def test_an_unknown_grant_is_reported_with_its_line() -> None:
    bad = GOOD.replace('"customer.export"', '"customer.steal"', 1)
    found = problems_of(bad)
    assert found == [
        f"line {line_of(bad, 'customer.steal')}: role 'manager' grants unknown "
        "permission 'customer.steal'"
    ]


def test_a_parent_that_does_not_exist_is_reported() -> None:
    bad = GOOD.replace('parents = ["division"]', 'parents = ["divison"]')
    found = problems_of(bad)
    assert found == [
        f"line {line_of(bad, 'divison')}: unit kind 'base' names an unknown parent 'divison'"
    ]


def test_a_missing_clause_and_an_unknown_key_are_both_reported() -> None:
    bad = GOOD.replace('clause = "000 §10.1"', 'colour = "blue"', 1)
    found = problems_of(bad)
    assert any(
        "unknown key 'colour'" in p and p.startswith(f"line {line_of(bad, 'colour')}:")
        for p in found
    )
    assert any("is missing 'clause'" in p for p in found)


def test_broken_toml_names_its_line() -> None:
    bad = GOOD.replace('name_en = "HQ marketing"', 'name_en = "HQ marketing', 1)
    found = problems_of(bad)
    assert len(found) == 1
    broken = line_of(bad, 'name_en = "HQ marketing')
    assert found[0].startswith(f"line {broken}: not valid TOML")


def test_two_roots_are_refused() -> None:
    bad = GOOD.replace('parents = ["hq"]', "parents = []", 1)
    assert any("exactly one unit kind must have parents = []" in p for p in problems_of(bad))


def test_policy_check_command_exits_non_zero_and_prints_lines(tmp_path: Path) -> None:
    bad = tmp_path / "cosl.toml"
    bad.write_text(GOOD.replace("rank = 2", "rank = 1", 1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", "policy", "check", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    second = [n for n, line in enumerate(bad.read_text().splitlines(), 1) if line == "rank = 1"][1]
    assert f"line {second}: rank 1 is used twice" in result.stdout


def test_start_up_with_a_bad_policy_refuses_with_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "cosl.toml"
    bad.write_text(GOOD.replace('"customer.view"', '"customer.peek"', 1), encoding="utf-8")
    env = {**os.environ, "GUANXI_POLICY": str(bad), "GUANXI_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "unknown permission 'customer.peek'" in result.stderr
    assert f"{bad}:line " in result.stderr
