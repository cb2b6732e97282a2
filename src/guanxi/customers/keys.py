"""Search keys precomputed on write: full pinyin and initials, so search is an index lookup."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of `text`, lower case, letters and digits only."""
    syllables = [s.lower() for s in lazy_pinyin(text, errors="default") if s.strip()]
    full = "".join(ch for ch in "".join(syllables) if ch.isalnum())
    initials = "".join(
        s[0] for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default") if s.strip()
    ).lower()
    return full, "".join(ch for ch in initials if ch.isalnum())
