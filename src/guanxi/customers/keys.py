"""Keys precomputed on write: full pinyin and initials, so search is an index lookup, and the
name key that flags similar customer names (CUS-9)."""

from __future__ import annotations

import functools
import unicodedata

from pypinyin import lazy_pinyin


@functools.lru_cache(maxsize=65_536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of `text`, lower case, letters and digits only.

    Cached: pypinyin takes about a quarter of a millisecond a name, and an import computes each
    name's keys when it checks the file and again when it writes the rows.

    One pypinyin call gives both: a character's first letter is the first letter of its pinyin,
    and a run of Latin letters or digits is one segment, counted by its first character (as in
    pypinyin's own first-letter style: ABC能源公司 → anygs)."""
    syllables = [s.lower() for s in lazy_pinyin(text, errors="default") if s.strip()]
    full = "".join(ch for ch in "".join(syllables) if ch.isalnum())
    initials = "".join(s[0] for s in syllables)
    return full, "".join(ch for ch in initials if ch.isalnum())


# Legal-form endings that do not tell two customer units apart; longest first, so
# 集团有限公司 goes as a whole before 有限公司 or 公司 could take a piece of it.
LEGAL_SUFFIXES = (
    "集团有限公司",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
)
_BRACKETS = "（）()【】[]〔〕［］"
_DROP = str.maketrans("", "", _BRACKETS)


def _name_key_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(ch for ch in text if not ch.isspace()).translate(_DROP)
    while True:
        suffix = next((s for s in LEGAL_SUFFIXES if text.endswith(s)), "")
        if not suffix or suffix == text:  # nothing to strip, or nothing would be left
            return text
        text = text[: -len(suffix)]


def name_key(name: str) -> str:
    """The comparison key of a customer unit's name, for flagging likely duplicates (CUS-9).

    People write the same company many ways: 中海石油（中国）有限公司, 中海石油(中国) 股份有限公司,
    中海石油中国集团. The key is NFKC-normalised (full width to half width), lower case, without
    whitespace or bracket characters (their contents stay), with trailing legal-form suffixes
    (有限公司, 股份有限公司, 集团 …) stripped repeatedly; a name that is nothing but a suffix
    keeps its last one. Equal keys mean "probably the same unit"; it is never used as identity.
    """
    key = _name_key_once(name)
    for _ in range(8):  # removing characters can let NFKC compose again; settle to a fixpoint
        again = _name_key_once(key)
        if again == key:
            break
        key = again
    return key


# Search (CUS-10). Trigram indexes (pg_trgm on PostgreSQL, FTS5's trigram tokenizer on SQLite)
# need three characters, but Chinese names are searched by one or two (油田, 中海). Indexing each
# character written three times makes every query of n ≥ 1 characters a query of 3n ≥ 3, and a
# match can only fall on character boundaries, so it stays an exact substring match.
REPEAT = 3

# What people write between the digits of a telephone number.
PHONE_SEPARATORS = (" ", "-", "+", "(", ")", ".", "/", "（", "）", "－", "—", "　", "转", "#", "*")


def tripled(text: str) -> str:
    """`text` with each character written REPEAT times, as the search indexes store names."""
    return "".join(ch * REPEAT for ch in text)


def phone_digits(text: str) -> str:
    """The digits of a telephone number as the phone index stores them."""
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())
