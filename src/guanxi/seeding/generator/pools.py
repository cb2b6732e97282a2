"""Pools of Chinese names, places and words, drawn from Faker's zh_CN data once.

Drawing from lists with a seeded `random.Random` is a hundred times faster than calling
Faker per row, and it keeps the data deterministic: the same seed gives the same rows.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from functools import lru_cache

from faker.providers.address.zh_CN import Provider as AddressProvider
from faker.providers.company.zh_CN import Provider as CompanyProvider
from faker.providers.person.zh_CN import Provider as PersonProvider

from guanxi.customers.keys import name_key, pinyin_keys
from guanxi.seeding.names import GOVERNMENT, OIL_COMPANIES, PARTNER_SUFFIXES

SURNAMES: tuple[str, ...] = tuple(PersonProvider.last_names)
SURNAME_CUMULATIVE: tuple[float, ...] = tuple(
    itertools.accumulate(float(w) for w in PersonProvider.last_names.values())
)
GIVEN: tuple[str, ...] = tuple(PersonProvider.first_names)
CITIES: tuple[str, ...] = tuple(AddressProvider.cities)
PROVINCES: tuple[str, ...] = tuple(AddressProvider.provinces)
DISTRICTS: tuple[str, ...] = tuple(AddressProvider.districts)
COMPANY_WORDS: tuple[str, ...] = tuple(CompanyProvider.company_prefixes)
COMPANY_SUFFIXES: tuple[str, ...] = (*PARTNER_SUFFIXES, *CompanyProvider.company_suffixes)
STREET_WORDS: tuple[str, ...] = ("人民", "解放", "建设", "中山", "胜利", "黄河", "长江", "海滨")
BIG_CUSTOMERS: tuple[str, ...] = (*OIL_COMPANIES, *GOVERNMENT)
POSITIONS: tuple[str, ...] = (
    "总经理",
    "副总经理",
    "总工程师",
    "采办部经理",
    "工程技术部主任",
    "项目经理",
    "财务总监",
    "钻井监督",
    "HSE经理",
    "商务经理",
)
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("headquarters", "总部"),
    ("department", "工程技术部"),
    ("department", "物资采办部"),
    ("branch", "钻完井作业中心"),
    ("subsidiary", "技术服务公司"),
)
OPERATIONS: tuple[str, ...] = (
    "渤海钻井作业",
    "定向井技术服务",
    "固井作业",
    "测井作业",
    "修井作业",
    "三维地震采集",
)
SEAS: tuple[str, ...] = ("渤海湾", "南海东部", "南海西部", "东海")


def person_name(rng: random.Random) -> tuple[str, str]:
    """(surname, given name), surnames as frequent as in Faker's zh_CN data."""
    return rng.choices(SURNAMES, cum_weights=SURNAME_CUMULATIVE)[0], rng.choice(GIVEN)


def person_initials(surname: str, given: str) -> str:
    return _part_keys(surname)[1] + _part_keys(given)[1]


# registration-authority 9 (enterprises) + a region code, as seeding.names.credit_code draws
CREDIT_PREFIXES: tuple[str, ...] = tuple(
    f"91{region}" for region in ("110000", "120116", "440800", "440305", "310115", "130200")
)


def customer_name_parts(rng: random.Random, index: int) -> tuple[str, ...]:
    """A company or authority name in parts; every 500th is a well-known customer's project."""
    if index % 500 == 0:
        return (rng.choice(BIG_CUSTOMERS) + rng.choice(DISTRICTS), "项目部")
    return (rng.choice(CITIES), rng.choice(COMPANY_WORDS), rng.choice(COMPANY_SUFFIXES))


def address(rng: random.Random) -> str:
    return (
        f"{rng.choice(PROVINCES)}{rng.choice(CITIES)}市{rng.choice(DISTRICTS)}区"
        f"{rng.choice(STREET_WORDS)}路{rng.randint(1, 999)}号"
    )


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


@lru_cache(maxsize=65536)
def _part_keys(part: str) -> tuple[str, str]:
    """Keys of a name part (a city, a company word): names repeat their parts endlessly."""
    return pinyin_keys(part)


def search_keys(parts: tuple[str, ...]) -> tuple[str, str, str]:
    """(pinyin, initials, name key) of a name made of `parts`, from cached per-part keys.

    Per part rather than per character so polyphonic characters read as in their word
    (重庆 → chongqing), exactly as `customers.keys.pinyin_keys` reads the whole name.
    """
    keys = [_part_keys(p) for p in parts]
    return "".join(k[0] for k in keys), "".join(k[1] for k in keys), _name_key(parts)


_ANCHOR = "甲"  # a character no legal-form suffix ends with: stands in for the name's head


@lru_cache(maxsize=4096)
def _head(part: str) -> str:
    return unicodedata.normalize("NFKC", part).lower()


@lru_cache(maxsize=65536)
def _tail_key(tail: str) -> str:
    return name_key(_ANCHOR + tail)[1:]


def _name_key(parts: tuple[str, ...]) -> str:
    """`customers.keys.name_key` of the joined parts, from cached pieces: the suffix
    stripping only ever eats into the last parts, which are computed behind an anchor."""
    if len(parts) != 3 or not parts[0].isalpha():
        return name_key("".join(parts))
    return _head(parts[0]) + _tail_key(parts[1] + parts[2])
