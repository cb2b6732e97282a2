"""What a person reads on a page: the visible text, and the words that must never be in it.

Shared by tests/web/test_visible_text.py: the text of an HTML page (tags, scripts and styles
stripped; title / placeholder / aria-label / alt kept), the English message ids of the catalogue,
the codes of every choice and policy key, and the name of every database constraint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import translation
from django.utils.translation import trans_real

from guanxi.policy.loader import current as current_policy

CODE_WITH_UNDERSCORE = re.compile(r"(?<![\w.@/:#=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.@/=-])")
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
HIDDEN_ELEMENTS = {"script", "style", "template"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        shown = dict(attrs)
        self.chunks += [v for k, v in attrs if k in SHOWN_ATTRIBUTES and v]
        if tag == "input" and shown.get("type") in {"submit", "button"} and shown.get("value"):
            self.chunks.append(shown["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.chunks.append(data)


def visible_chunks(html: str) -> list[str]:
    """Each run of text a reader sees, whitespace folded."""
    parser = _Text()
    parser.feed(html)
    return [" ".join(chunk.split()) for chunk in parser.chunks]


def english_msgids() -> set[str]:
    """Message ids (this project's and Django's) whose Chinese differs from the English."""
    catalogue = trans_real.translation("zh-hans")._catalog  # type: ignore[attr-defined]
    found = set()
    for key, text in catalogue.items():
        if not isinstance(key, str) or "\x04" in key or not key.strip():
            continue
        if key.isupper():  # API, PDF, VIP: the same letters in both languages
            continue
        if text != key and re.search(r"[A-Za-z]{2}", key) and "%" not in key and "{" not in key:
            found.add(" ".join(key.split()))
    return found


def _choice_classes(base: type) -> Iterator[type]:
    for sub in base.__subclasses__():
        yield sub
        yield from _choice_classes(sub)


Label = Callable[[str], str]


def _lazy(label: object) -> Label:
    def in_language(language: str) -> str:
        with translation.override(language):
            return str(label)

    return in_language


def _named(rule: Any) -> Label:
    return lambda language: str(rule.name(language))


def coded_labels() -> dict[str, list[Label]]:
    """Every stored code (choice values of the project's models, the policy's keys) and how
    each is labelled: a code is a defect only where it is not its own label in that language."""
    for config in apps.get_app_configs():
        if config.name.startswith("guanxi"):
            config.import_models()
    found: dict[str, list[Label]] = {}
    for cls in _choice_classes(models.TextChoices):
        if cls.__module__.startswith("guanxi"):
            for value, label in cls.choices:
                found.setdefault(str(value), []).append(_lazy(label))
    for model in project_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str):
                    found.setdefault(value, []).append(_lazy(label))
    for key, rule in policy_rules():
        found.setdefault(key, []).append(_named(rule))
    return found


def policy_rules() -> list[tuple[str, Any]]:
    policy = current_policy()
    rules: list[tuple[str, Any]] = []
    for table in (policy.unit_kinds, policy.roles, policy.tiers, policy.sources, policy.plans):
        rules += list(table.items())
    for key, dimension in policy.dimensions.items():
        rules += [(key, dimension), *((o.key, o) for o in dimension.options)]
    return rules


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("guanxi")]


def constraint_names() -> set[str]:
    return {c.name for m in project_models() for c in m._meta.constraints if c.name}


def default_field_names() -> set[str]:
    """Field names shown as their own default verbose name: a label nobody translated."""
    return {
        f.name.replace("_", " ")
        for m in project_models()
        for f in m._meta.get_fields()
        if isinstance(getattr(f, "verbose_name", None), str)  # not a lazy translation
        and f.verbose_name == f.name.replace("_", " ")
        and "_" in f.name
    }


class Words:
    """The forbidden words, collected once per test module."""

    def __init__(self, data: set[str] | None = None) -> None:
        from django.conf import settings

        # words that are records' own data (usernames such as `auditor`), not labels
        self.data = data or set()
        # English words of the catalogue: on an English page these are the labels themselves
        catalogue = trans_real.translation("zh-hans")._catalog  # type: ignore[attr-defined]
        keys = catalogue.keys()  # a TranslationCatalog: iterable through keys() only
        self.english = {k for k in keys if isinstance(k, str)}

        # the language switch names each language in its own words, on purpose
        self.msgids = english_msgids() - {name for _code, name in settings.LANGUAGES}
        self.labels = coded_labels()
        self._codes: dict[str, set[str]] = {}
        self.constraints = constraint_names()
        self.raw_fields = default_field_names()

    def codes(self, language: str) -> set[str]:
        """The codes that differ from every label they have in `language`."""
        if language not in self._codes:
            self._codes[language] = {
                code
                for code, labels in self.labels.items()
                if all(label(language) != code for label in labels)
            }
        return self._codes[language]

    def problems(self, chunks: list[str], language: str) -> list[str]:
        found = []
        for chunk in chunks:
            found += [f"{why}: {chunk!r}" for why in self._why(chunk, language)]
        return found

    def _why(self, chunk: str, language: str) -> Iterator[str]:
        codes = self.codes(language)
        bare = chunk.strip(" :：*·—-()（）→")
        if bare in self.data:
            return
        english_label = not language.startswith("zh") and bare in self.english
        if bare in codes and not english_label:
            yield f"the code {bare!r}"
        if bare in self.raw_fields:
            yield f"the field name {bare!r}"
        for token in CODE_WITH_UNDERSCORE.findall(chunk):
            if token in codes or token.replace("_", " ") in self.raw_fields:
                yield f"the code {token!r}"
        for name in self.constraints:
            if name in chunk:
                yield f"the constraint name {name!r}"
        if language.startswith("zh"):
            yield from self._english_on_a_chinese_page(chunk, bare, codes)

    def _english_on_a_chinese_page(self, chunk: str, bare: str, codes: set[str]) -> Iterator[str]:
        if bare in self.msgids:
            yield f"the untranslated message {bare!r}"
            return
        for token in re.findall(r"(?<![\w.@/:#=-])[a-z]{3,}(?![\w.@/=-])", chunk):
            if token in codes:
                yield f"the code {token!r}"
        if re.search(r"(?<![\w.@/-])[A-Za-z][a-z]+ [a-z]+ ?[a-z]*(?![\w.@/-])", chunk):
            yield "English words"


def language_cookie(language: str) -> dict[str, str]:
    from django.conf import settings

    return {settings.LANGUAGE_COOKIE_NAME: language}


def translated(text: str, language: str) -> str:
    with translation.override(language):
        return str(translation.gettext(text))
