"""Reading 国务院办公厅关于 YYYY 年部分节假日安排的通知 into holidays and adjusted working days.

The notice lists one numbered item per festival, each with the days off and the weekend days
worked instead, e.g.

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。

A sentence with 放假 gives a range (至) or a single day off; a sentence with 上班 lists the days
worked. Everything is checked before anything is stored: the weekday in brackets must be the
date's, 共N天 must count the range, no date may be both off and worked, and every date must exist.
A problem is a `ValidationError` naming the item, in the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guanxi.workdays.models import DayKind

YEARS = range(2000, 2101)  # the years the calendar accepts, notice or override
LONGEST_HOLIDAY = 15  # more days off in one item is a typing error, not a holiday
TEXT_LENGTH = 20_000
WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
NUMERALS = "一二三四五六七八九十"
YEAR_RE = re.compile(r"(\d{4})\s*年\s*(?:部分)?(?:节假日|元旦)")
ITEM_RE = re.compile(
    rf"(?:^|(?<=[。\n]))[ \t\u3000]*[{NUMERALS}]{{1,3}}\s*[、.．]\s*([^：:。\n]{{1,20}}?)\s*[：:]",
    re.MULTILINE,
)
DATE_RE = re.compile(
    r"(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日"
    r"(?:\s*[（(]([^）)]{0,30})[）)])?"
)
WEEKDAY_RE = re.compile(r"(?:周|星期)([一二三四五六日天])")
TOTAL_RE = re.compile(r"共\s*(\d{1,2})\s*天")
WIDE = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class NoticeDay:
    date: date
    kind: str  # DayKind
    name: str


@dataclass(frozen=True)
class Notice:
    year: int
    days: tuple[NoticeDay, ...]

    def holidays(self) -> list[date]:
        return [d.date for d in self.days if d.kind == DayKind.HOLIDAY]

    def working_days(self) -> list[date]:
        return [d.date for d in self.days if d.kind == DayKind.WORKING_DAY]


def notice_year(text: str, year: int | None = None) -> int:
    """The year the notice is for: named in its title or first sentence, else `year` as given;
    both given and different is refused."""
    found = YEAR_RE.search(text.translate(WIDE))
    named = int(found.group(1)) if found else None
    if named is not None and year is not None and named != year:
        raise ValidationError(
            {
                "text": _("The notice is for %(named)s, not %(year)s.")
                % {"named": named, "year": year}
            }
        )
    chosen = named if named is not None else year
    if chosen is None:
        raise ValidationError({"year": _("Say which year the notice is for.")})
    if chosen not in YEARS:
        raise ValidationError(
            {
                "year": _("Give a year from %(low)s to %(high)s.")
                % {"low": YEARS[0], "high": YEARS[-1]}
            }
        )
    return chosen


def parse_notice(text: str, year: int | None = None) -> Notice:
    """The days of the notice, sorted by date; ValidationError on anything doubtful."""
    if len(text) > TEXT_LENGTH:
        raise ValidationError(
            {
                "text": _("Paste the notice only (at most %(count)s characters).")
                % {"count": TEXT_LENGTH}
            }
        )
    text = text.translate(WIDE).replace("\r", "")
    chosen = notice_year(text, year)
    items = list(ITEM_RE.finditer(text))
    if not items:
        raise ValidationError(
            {"text": _("No numbered festival was found: paste the items such as 一、元旦：….")}
        )
    days: dict[date, NoticeDay] = {}
    for index, item in enumerate(items):
        end = items[index + 1].start() if index + 1 < len(items) else len(text)
        body = text[item.end() : end].split("\n\n", 1)[0]
        for day in _item_days(item.group(1).strip(), body, chosen):
            if day.date in days:
                raise ValidationError({"text": _twice(day, days[day.date])})
            days[day.date] = day
    if not any(day.kind == DayKind.HOLIDAY for day in days.values()):
        raise ValidationError({"text": _("The notice gives no day off.")})
    return Notice(year=chosen, days=tuple(sorted(days.values(), key=lambda d: d.date)))


def _twice(day: NoticeDay, before: NoticeDay) -> str:
    return _("%(date)s is named twice: under %(first)s and under %(second)s.") % {
        "date": day.date.isoformat(),
        "first": before.name,
        "second": day.name,
    }


def _item_days(name: str, body: str, year: int) -> list[NoticeDay]:
    found: list[NoticeDay] = []
    for sentence in re.split(r"[。；;\n]", body):
        if "上班" in sentence:
            dates = [_date(m, year, None, name) for m in DATE_RE.finditer(sentence)]
            found += [NoticeDay(d, DayKind.WORKING_DAY, name) for d, _month in dates]
        elif "放假" in sentence:
            found += [NoticeDay(d, DayKind.HOLIDAY, name) for d in _days_off(name, sentence, year)]
    if not any(day.kind == DayKind.HOLIDAY for day in found):
        raise ValidationError({"text": _("%(name)s: no day off was found.") % {"name": name}})
    return found


def _days_off(name: str, sentence: str, year: int) -> list[date]:
    """The range 'A至B放假…' or the single day 'A放假…' of one sentence, checked against 共N天."""
    matches = list(DATE_RE.finditer(sentence.split("放假", 1)[0]))
    if not matches or len(matches) > 2 or (len(matches) == 2 and "至" not in sentence):
        raise ValidationError(
            {"text": _("%(name)s: the days off cannot be read.") % {"name": name}}
        )
    first, month = _date(matches[0], year, None, name)
    last = _date(matches[-1], first.year, month, name)[0] if len(matches) == 2 else first
    if last < first:  # e.g. 12月30日至1月1日: the range runs into the next year
        last = last.replace(year=last.year + 1)
    count = (last - first).days + 1
    if count > LONGEST_HOLIDAY:
        raise ValidationError(
            {
                "text": _("%(name)s: %(count)s days off in a row; check the dates.")
                % {"name": name, "count": count}
            }
        )
    total = TOTAL_RE.search(sentence) or re.search(r"放假\s*(\d{1,2})\s*天", sentence)
    if total and int(total.group(1)) != count:
        raise ValidationError(
            {
                "text": _("%(name)s: the notice says %(said)s days but the dates give %(count)s.")
                % {"name": name, "said": total.group(1), "count": count}
            }
        )
    return [first + timedelta(days=n) for n in range(count)]


def _date(match: re.Match[str], year: int, month: int | None, name: str) -> tuple[date, int]:
    """The date of one mention (year and month carried over when left out), with its month;
    the weekday in brackets, when given, must be the date's."""
    shown = match.group(0).split("（")[0].split("(")[0].strip()
    given_year = int(match.group(1)) if match.group(1) else year
    given_month = int(match.group(2)) if match.group(2) else month
    if given_month is None:
        raise ValidationError(
            {"text": _("%(name)s: %(date)s names no month.") % {"name": name, "date": shown}}
        )
    try:
        day = date(given_year, given_month, int(match.group(3)))
    except ValueError as error:
        raise ValidationError(
            {"text": _("%(name)s: %(date)s does not exist.") % {"name": name, "date": shown}}
        ) from error
    weekday = WEEKDAY_RE.search(match.group(4) or "")
    if weekday and WEEKDAYS[weekday.group(1)] != day.weekday():
        raise ValidationError(
            {
                "text": _("%(name)s: %(date)s is no %(weekday)s; check the date.")
                % {"name": name, "date": shown, "weekday": weekday.group(0)}
            }
        )
    return day, given_month
