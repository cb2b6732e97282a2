from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from guanxi.customers.keys import pinyin_keys
from guanxi.customers.validators import ALPHABET, credit_code_check_char, validate_credit_code

# Published codes of real enterprises (their check characters are public facts).
REAL_CODES = ["91110000100010433L", "911100007109288314", "91440300708461136T"]

body = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code: str) -> None:
    validate_credit_code(code)


@given(body)
def test_a_code_with_its_check_character_is_accepted(first17: str) -> None:
    validate_credit_code(first17 + credit_code_check_char(first17))


@given(body, st.sampled_from(ALPHABET))
def test_any_other_check_character_is_refused(first17: str, wrong: str) -> None:
    if wrong == credit_code_check_char(first17):
        wrong = ALPHABET[(ALPHABET.index(wrong) + 1) % len(ALPHABET)]
    with pytest.raises(ValidationError):
        validate_credit_code(first17 + wrong)


@given(body, st.integers(min_value=0, max_value=16), st.sampled_from(ALPHABET))
def test_a_single_changed_character_is_caught(first17: str, where: int, char: str) -> None:
    good = first17 + credit_code_check_char(first17)
    changed = good[:where] + char + good[where + 1 :]
    if changed != good:
        with pytest.raises(ValidationError):
            validate_credit_code(changed)


@pytest.mark.parametrize("code", ["12345", "91110000100010433I", "91110000100010433LX"])
def test_malformed_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        validate_credit_code(code)


def test_pinyin_keys() -> None:
    assert pinyin_keys("中海油田服务") == ("zhonghaiyoutianfuwu", "zhytfw")
    assert pinyin_keys("壳牌（中国）有限公司")[1].startswith("kp")


@pytest.mark.parametrize(
    "name",
    [
        "中海油田服务",
        "银行行长",
        "乐山乐器厂",
        "重庆长安汽车",
        "尉迟恭",
        "朝阳区朝阳路",
    ],  # 行 长 乐 重 朝 read two ways
)
def test_initials_from_one_call_equal_pypinyins_first_letters(name: str) -> None:
    """A name of Chinese characters only gets its initials from the full pinyin call: they
    must be the ones pypinyin's first-letter style gives, which every stored key was made with."""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    assert pinyin_keys(name)[1] == "".join(s[0] for s in letters).lower()


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("中海石油（中国）有限公司", ("zhonghaishiyouzhongguoyouxiangongsi", "zhsyzgyxgs")),
        ("ABC能源公司", ("abcnengyuangongsi", "anygs")),
        ("渤海2号平台", ("bohai2haopingtai", "bh2hpt")),
    ],
)
def test_names_with_other_characters_keep_their_keys(name: str, keys: tuple[str, str]) -> None:
    """Names with Latin letters, digits or brackets take pypinyin's first-letter call; the
    keys stay the ones stored before (a run of other characters counts by its first one)."""
    assert pinyin_keys(name) == keys
