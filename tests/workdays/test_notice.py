"""The State Council notice parser: both published notices give exactly the package's days;
a doubtful text is refused with a message naming the item, never half read."""

from __future__ import annotations

from datetime import date

import pytest
from chinese_calendar import constants as package
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from guanxi.workdays.notice import parse_notice
from tests.workdays.notices import NOTICE_2025, NOTICE_2026, NOTICE_2027_SAMPLE


def _package(year: int) -> tuple[list[date], list[date]]:
    return (
        sorted(d for d in package.holidays if d.year == year),
        sorted(d for d in package.workdays if d.year == year),
    )


@pytest.mark.parametrize(("year", "text"), [(2025, NOTICE_2025), (2026, NOTICE_2026)])
def test_a_published_notice_gives_exactly_the_packages_days(year: int, text: str) -> None:
    notice = parse_notice(text)
    assert notice.year == year
    assert (notice.holidays(), notice.working_days()) == _package(year)


def test_each_day_carries_the_festival_of_its_item() -> None:
    names = {d.date: d.name for d in parse_notice(NOTICE_2025).days}
    assert names[date(2025, 10, 6)] == "国庆节、中秋节"
    assert names[date(2025, 1, 26)] == "春节"  # the Sunday worked before the Spring Festival
    assert {d.name for d in parse_notice(NOTICE_2026).days} == {
        "元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"
    }  # fmt: skip


def test_a_notice_pasted_as_one_line_with_wide_digits_reads_the_same() -> None:
    flat = NOTICE_2026.replace("\n", "").translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )
    assert parse_notice(flat).days == parse_notice(NOTICE_2026).days


def test_the_year_comes_from_the_form_when_the_text_names_none() -> None:
    items = NOTICE_2027_SAMPLE.split("\n", 1)[1]
    assert parse_notice(items, 2027).year == 2027
    assert date(2027, 2, 20) in parse_notice(items, 2027).working_days()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("1月1日（周四）", "1月1日（周五）"), "元旦: 1月1日 is no 周五; check the date."),
        (("共9天", "共8天"), "春节: the notice says 8 days but the dates give 9."),
        (("4月4日（周六）", "4月31日（周六）"), "清明节: 4月31日 does not exist."),
        (("9月20日（周日）、", "9月20日（周日）、9月20日（周日）、"), "is named twice"),
        (("5月9日（周六）上班", "2月15日（周日）上班"), "2026-02-15 is named twice"),
        (("6月19日（周五）至21日", "6月1日（周一）至21日"), "21 days off in a row"),
    ],
)
def test_a_doubtful_notice_is_refused_naming_the_item(
    change: tuple[str, str], message: str
) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        parse_notice(NOTICE_2026.replace(*change))
    assert any(message in text for text in refused.value.messages), refused.value.messages


def test_text_without_items_or_year_is_refused_in_chinese() -> None:
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as no_items:
            parse_notice("国务院办公厅关于2027年部分节假日安排的通知\n鼓励错峰出行。")
        with pytest.raises(ValidationError) as no_year:
            parse_notice("一、元旦：1月1日放假1天。")
        with pytest.raises(ValidationError) as other_year:
            parse_notice(NOTICE_2026, 2027)
    assert no_items.value.message_dict["text"][0].startswith("没有找到")
    assert "年份" in no_year.value.message_dict["year"][0]
    assert "2026" in other_year.value.message_dict["text"][0]


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_never_broken(text: str) -> None:
    try:
        notice = parse_notice(text, 2027)
    except ValidationError:
        return
    assert notice.holidays()
