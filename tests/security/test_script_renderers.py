"""Data reaches a script only as JSON, and no client-side renderer turns it into markup.

A static guard over every script and template, so a new chart or widget cannot bring back
"text shown inside a chart as HTML": templates hand data to scripts through `json_script`
(never `{{ }}` inside a <script> or an on…= handler), and our scripts set text, not HTML. The
relationship map's tooltip has its own escaping test with the map; it is the one renderer that
builds markup (ECharts tooltips take HTML), so it is left to that test here.
"""

from __future__ import annotations

import re
from pathlib import Path

import guanxi

ROOT = Path(guanxi.__file__).resolve().parent
SCRIPTS = sorted((ROOT / "static" / "guanxi").glob("*.js"))
TEMPLATES = sorted(ROOT.rglob("templates/**/*.html"))
MARKUP_SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
HANDLER_WITH_DATA = re.compile(r"""\son[a-z]+\s*=\s*("[^"]*|'[^']*)\{\{""", re.I)
OWN_TEST = {"relationship-map.js"}  # escaped and tested with the map itself


def test_the_guards_see_the_scripts_and_templates() -> None:
    assert any(path.name == "relationship-map.js" for path in SCRIPTS)
    assert len(TEMPLATES) > 20


def test_no_script_of_ours_writes_markup() -> None:
    writers = [
        path.name
        for path in SCRIPTS
        if path.name not in OWN_TEST and MARKUP_SINKS.search(path.read_text())
    ]
    assert writers == []


def test_templates_hand_data_to_scripts_only_as_json() -> None:
    wrong = []
    for path in TEMPLATES:
        text = path.read_text()
        if any("{{" in body or "{%" in body for body in INLINE_SCRIPT.findall(text)):
            wrong.append(f"{path.relative_to(ROOT)}: data inside an inline <script>")
        if HANDLER_WITH_DATA.search(text):
            wrong.append(f"{path.relative_to(ROOT)}: data inside an on… handler")
    assert wrong == []


def test_the_guards_catch_what_they_guard_against() -> None:
    assert MARKUP_SINKS.search('box.innerHTML = "<b>" + name;')
    assert INLINE_SCRIPT.findall("<script>var n = '{{ name }}';</script>") == [
        "var n = '{{ name }}';"
    ]
    assert not INLINE_SCRIPT.findall('<script src="/static/a.js"></script>')
    assert HANDLER_WITH_DATA.search("<a onclick=\"go('{{ name }}')\">")
