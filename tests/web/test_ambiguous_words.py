"""One English word, two Chinese meanings: every use carries a pgettext context, and each
context's Chinese says the meaning that context names (issue 12 item 5).

"Open" on the plans page is the verb 打开; on a personal data request it is the state 待办理. A
bare `_("Open")` gives both the same Chinese, so one of them is wrong. The table below lists the
words that serve two meanings here and, per context, the Chinese that context may read.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

SRC = Path(__file__).resolve().parents[2] / "src" / "guanxi"

# word (as written, any case) -> {context: Chinese that context may read}
AMBIGUOUS: dict[str, dict[str, set[str]]] = {
    "open": {
        "verb: open a plan": {"打开", "打开计划"},
        "personal data request state": {"待办理", "待处理"},
        "follow-up status": {"未完成", "待办"},
        "demand status": {"待处理"},
        "plan item status": {"未开始"},
    },
    "carried out": {
        "activity status": {"已开展", "已实施"},
        "activity action": {"确认已开展", "登记已开展"},
        "personal data request state": {"已办理", "已处理"},
        "time a personal data request was carried out": {"办理时间", "处理时间"},
    },
    "close": {"verb: close a campaign": {"结束", "关闭"}},
    "closed": {"campaign status": {"已结束", "已关闭"}},
    "done": {
        "follow-up status": {"已完成"},
        "action plan row status": {"已完成"},
        "plan item status": {"已完成"},
    },
    "return": {"verb: return for revision": {"退回", "退回修改"}},
}

PY_BARE = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*(["'])(?P<word>[^"']+)\1\s*\)"""
)
PY_CONTEXT = re.compile(
    r"""\bpgettext(?:_lazy)?\(\s*(["'])(?P<context>[^"']+)\1\s*,\s*(["'])(?P<word>[^"']+)\3"""
)
TEMPLATE = re.compile(
    r"""{%\s*trans(?:late)?\s+(["'])(?P<word>[^"']+)\1(?:\s+context\s+(["'])(?P<context>[^"']+)\3)?"""
)


def uses() -> list[tuple[str, str, str | None]]:
    """(where, word, context or None) of every translated use of a word in the table."""
    found: list[tuple[str, str, str | None]] = []
    for path in sorted(SRC.rglob("*.py")) + sorted(SRC.rglob("*.html")):
        if "migrations" in path.parts:
            continue
        text = path.read_text()
        where = str(path.relative_to(SRC))
        patterns = [TEMPLATE] if path.suffix == ".html" else [PY_BARE, PY_CONTEXT]
        for pattern in patterns:
            for match in pattern.finditer(text):
                word = match.group("word")
                if word.lower() in AMBIGUOUS:
                    context = match.groupdict().get("context")
                    found.append((where, word, context))
    return found


def test_the_scan_finds_the_known_uses() -> None:
    """The scan is what the other tests stand on: it sees both kinds of use."""
    seen = {(word.lower(), context) for _where, word, context in uses()}
    assert ("open", "verb: open a plan") in seen
    assert ("carried out", "activity status") in seen


def test_a_bare_ambiguous_word_is_found() -> None:
    assert PY_BARE.search('label = _("Open")')
    assert TEMPLATE.search('{% translate "Open" %}').group("context") is None  # type: ignore[union-attr]


def test_every_use_of_a_two_meaning_word_names_its_meaning() -> None:
    bare = [f"{where}: {word!r}" for where, word, context in uses() if context is None]
    assert bare == [], "use pgettext / {% translate … context … %} for: " + ", ".join(bare)


def test_every_context_is_in_the_table() -> None:
    unknown = sorted(
        f"{where}: {word!r} in context {context!r}"
        for where, word, context in uses()
        if context is not None and context not in AMBIGUOUS[word.lower()]
    )
    assert unknown == [], "add the context and its meaning to AMBIGUOUS: " + ", ".join(unknown)


@pytest.mark.parametrize(
    ("word", "context", "allowed"),
    [
        (word, context, allowed)
        for word, contexts in AMBIGUOUS.items()
        for context, allowed in contexts.items()
    ],
)
def test_each_context_reads_its_own_meaning_in_chinese(
    word: str, context: str, allowed: set[str]
) -> None:
    written = {w for _where, w, c in uses() if w.lower() == word and c == context}
    for spelling in written or {word}:
        with translation.override("zh-hans"):
            chinese = translation.pgettext(context, spelling)
        assert chinese in allowed, f"{context} / {spelling!r} reads {chinese!r}"


def test_two_meanings_of_one_word_read_differently_in_chinese() -> None:
    """Where a word has two contexts of different meaning, their Chinese differ too."""
    with translation.override("zh-hans"):
        opened = {translation.pgettext(c, "Open") for c in ("verb: open a plan",)}
        state = {translation.pgettext(c, "Open") for c in ("personal data request state",)}
    assert opened.isdisjoint(state)
