from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from guanxi.policy.loader import PolicyError, load, parse
from guanxi.policy.schema import DIMENSION_KEYS, REVIEW_FIELDS

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


def without_entry(text: str, table: str, key: str) -> str:
    blocks = text.split("\n\n")
    kept = [b for b in blocks if not b.startswith(f'[[{table}]]\nkey = "{key}"')]
    assert len(kept) == len(blocks) - 1
    return "\n\n".join(kept)


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_every_preset_has_the_five_dimensions_and_graded_sources(path: Path) -> None:
    policy = load(path)
    assert sorted(policy.dimensions) == sorted(DIMENSION_KEYS)
    assert policy.sources
    rules = [*policy.dimensions.values(), *policy.sources.values()]
    assert all(rule.clause and rule.text for rule in rules)
    for dimension in policy.dimensions.values():
        assert len(dimension.options) >= 2
        assert len({option.key for option in dimension.options}) == len(dimension.options)
        first = dimension.options[0]
        assert dimension.option(first.key) is first
        assert dimension.option("no_such_option") is None
    assert all(1 <= source.level <= 4 for source in policy.sources.values())


def test_zhongtong_sources_cover_the_four_levels_of_003() -> None:
    policy = load(Path(settings.GUANXI_POLICY_DIR) / "zhongtong.toml")
    assert {source.level for source in policy.sources.values()} == {1, 2, 3, 4}


def test_cosl_sources_follow_000_section_12() -> None:
    policy = load(Path(settings.GUANXI_POLICY_DIR) / "cosl.toml")
    assert set(policy.sources) == {
        "business_card",
        "visit",
        "phone",
        "fax",
        "contract_record",
        "announcement",
        "care_visit",
    }
    assert policy.sources["announcement"].clause == "000 §12.3"
    industry = policy.dimensions["industry"].option("domestic_oil")
    assert industry is not None
    assert industry.name("zh-hans") == "国内石油公司"
    assert industry.name("en") == "Domestic oil company"


def test_a_missing_dimension_is_reported_at_the_dimensions() -> None:
    bad = without_entry(GOOD, "dimensions", "loyalty")
    assert problems_of(bad) == [
        f"line {line_of(bad, '[[dimensions]]')}: [[dimensions]] has no entry for 'loyalty'"
    ]


def test_an_unknown_dimension_key_is_reported_with_its_line() -> None:
    bad = GOOD.replace('key = "loyalty"', 'key = "loyality"', 1)
    assert problems_of(bad) == [
        f"line {line_of(bad, '[[dimensions]]')}: [[dimensions]] has no entry for 'loyalty'",
        f"line {line_of(bad, 'loyality')}: dimension key 'loyality' is not one of "
        "industry, scale, value, credit, loyalty",
    ]


def test_a_duplicate_option_key_is_reported_on_the_option_line() -> None:
    twice = '{ key = "partner", name_zh = "其他"'
    bad = GOOD.replace('{ key = "other", name_zh = "其他"', twice, 1)
    assert problems_of(bad) == [
        f"line {line_of(bad, twice)}: option key 'partner' is used twice in dimension 'industry'"
    ]


def test_an_option_on_a_one_line_array_and_a_lone_option_are_reported() -> None:
    start = GOOD.index('options = [\n  { key = "high", name_zh = "高价值"')
    end = GOOD.index("]\n", start) + 2
    one_line = 'options = [{ key = "high", name_zh = "高价值", name_en = "" }]\n'
    bad = GOOD[:start] + one_line + GOOD[end:]
    line = line_of(bad, one_line.strip())
    assert problems_of(bad) == [
        f"line {line}: dimension 'value' needs 'options' = a list of at least two options",
        f"line {line}: option 'name_en' must be a non-empty string",
    ]


def test_a_source_without_level_is_reported_at_its_entry() -> None:
    bad = GOOD.replace("level = 1\n", "", 1)
    header = line_of(bad, 'key = "announcement"') - 1
    assert bad.splitlines()[header - 1] == "[[sources]]"
    assert problems_of(bad) == [f"line {header}: [[sources]] is missing 'level'"]


@pytest.mark.parametrize("level", ["5", "0", "true", '"3"', "2.0"])
def test_a_source_level_outside_one_to_four_is_refused(level: str) -> None:
    bad = GOOD.replace("level = 1\n", f"level = {level}\n", 1)
    assert problems_of(bad) == [
        f"line {line_of(bad, f'level = {level}')}: 'level' must be a whole number from 1 to 4 "
        "(the levels of 003 §11.2)"
    ]


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


# ---------------------------------------------------------------- [review] (CUS-13)


@pytest.mark.parametrize("path", PRESETS, ids=lambda p: p.stem)
def test_every_preset_declares_the_archive_review(path: Path) -> None:
    review = load(path).review
    assert review.required
    assert review.clause
    assert review.text
    assert set(review.required) <= set(REVIEW_FIELDS)
    assert 1 <= review.review_every_months <= 12
    assert review.stale_after_days >= 28


def test_zhongtong_reviews_the_archive_quarterly_per_003() -> None:
    review = load(Path(settings.GUANXI_POLICY_DIR) / "zhongtong.toml").review
    assert (review.review_every_months, review.stale_after_days) == (3, 90)
    assert review.clause == "003 §12.5"
    assert "每季度重新核定一次" in review.text
    assert "三个月增补或调节一次" in review.text


def test_cosl_reviews_the_archive_half_yearly_per_000() -> None:
    review = load(Path(settings.GUANXI_POLICY_DIR) / "cosl.toml").review
    assert (review.review_every_months, review.clause) == (6, "000 §13.2.3")


def test_a_missing_review_table_is_reported() -> None:
    start = GOOD.index("\n[review]")
    end = GOOD.index('\ntext = "', start)
    text = GOOD[:start] + GOOD[GOOD.index("\n", end + 1) :]
    assert "line 1: a [review] table is needed (the archive review, CUS-13)" in problems_of(text)


def test_an_unknown_review_field_is_reported_on_its_line() -> None:
    text = GOOD.replace('"credit_code", "manager",', '"credit_code", "shoe_size", "manager",')
    found = problems_of(text)
    line = line_of(text, '"shoe_size"')
    assert any(
        p.startswith(f"line {line}: [review] 'required' names an unknown field 'shoe_size'")
        for p in found
    )


def test_a_review_field_named_twice_is_reported() -> None:
    text = GOOD.replace('"credit_code", "manager",', '"credit_code", "manager", "manager",')
    line = line_of(text, '"manager", "manager"')
    assert f"line {line}: [review] 'required' names 'manager' twice" in problems_of(text)


def test_an_unknown_review_key_and_bad_numbers_are_reported_with_their_lines() -> None:
    text = GOOD.replace("stale_after_days = 183", 'stale_after_days = "half a year"\nreminder = 7')
    text = text.replace("review_every_months = 6", "review_every_months = 0")
    found = problems_of(text)
    assert f"line {line_of(text, 'reminder = 7')}: [review] has an unknown key 'reminder'" in found
    stale = line_of(text, "stale_after_days =")
    assert f"line {stale}: 'stale_after_days' must be a whole number from 1 to 3660" in found
    months = line_of(text, "review_every_months =")
    assert f"line {months}: 'review_every_months' must be a whole number from 1 to 12" in found


def test_review_required_must_be_a_list_and_the_clause_must_cite() -> None:
    start = GOOD.index("\nrequired = [", GOOD.index("\n[review]"))
    end = GOOD.index("]\n", start)
    text = GOOD[:start] + '\nrequired = "everything"' + GOOD[end + 1 :]
    text = text.replace('clause = "000 §13.2.3"', 'clause = "see the handbook"')
    found = problems_of(text)
    required = line_of(text, 'required = "everything"')
    assert f"line {required}: 'required' must be a non-empty list of field names" in found
    clause = line_of(text, 'clause = "see the handbook"')
    assert any(
        p.startswith(f"line {clause}: clause 'see the handbook' must look like") for p in found
    )


def test_review_as_an_array_of_tables_is_refused() -> None:
    text = GOOD.replace("\n[review]\n", "\n[[review]]\n")
    line = line_of(text, "[[review]]")
    assert f"line {line}: 'review' must be one table: [review]" in problems_of(text)


def test_a_review_without_its_cadence_names_the_table() -> None:
    text = GOOD.replace("review_every_months = 6\n", "")
    line = line_of(text, "[review]")
    assert f"line {line}: [review] is missing 'review_every_months'" in problems_of(text)


SECURITY = """[security]
session_idle_minutes = 20
webhook_private_addresses = false
clause = "001 §1.3"
text = "加强网络安全措施,防范黑客攻击和病毒侵害,保护客户信息的安全。"
"""


def _bare() -> str:
    """cosl.toml without its [security] table (it is optional)."""
    start = GOOD.index("[security]")
    end = GOOD.index("\n", GOOD.index('text = "', start)) + 1
    return GOOD[:start] + GOOD[end:]


def test_the_security_table_is_read_and_defaults_without_it() -> None:
    assert parse(_bare() + SECURITY, Path("cosl.toml")).security.session_idle_minutes == 20
    bare = parse(_bare(), Path("cosl.toml")).security
    assert (bare.session_idle_minutes, bare.webhook_private_addresses) == (30, False)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("= 20", "= 0"), "'session_idle_minutes' must be a whole number from 1 to 1440"),
        (("= 20", '= "20"'), "'session_idle_minutes' must be a whole number from 1 to 1440"),
        (("= false", '= "no"'), "'webhook_private_addresses' must be true or false"),
        (('clause = "001 §1.3"', 'clause = ""'), "[security] needs a non-empty 'clause'"),
        (("webhook_private", "webhook_privat"), "[security] has an unknown key"),
    ],
)
def test_a_bad_security_value_is_reported_on_its_line(
    change: tuple[str, str], problem: str
) -> None:
    head = _bare()
    text = head + SECURITY.replace(*change)
    line = len(head.splitlines()) + line_of(SECURITY.replace(*change), change[1])
    assert any(p.startswith(f"line {line}: {problem}") for p in problems_of(text)), problems_of(
        text
    )


@pytest.mark.parametrize("path", sorted(Path(settings.GUANXI_POLICY_DIR).glob("*.toml")))
def test_every_preset_states_its_security_values_with_a_clause(path: Path) -> None:
    security = load(path).security
    assert security.clause.startswith("001")
    assert 1 <= security.session_idle_minutes <= 1440
