"""A form laid out as on paper: its rows, the values entered, and its places to sign.

Shared by the detail page and the printed PDF so both keep the seed's rows and order. Chinese
labels always (the regulated form); `english` carries the interface's English line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from guanxi.feedback.layout import CHAIN, OPINION_NUMBERS, ROWS, SEED_FORMS, TITLES
from guanxi.feedback.models import FormRecord, Signature
from guanxi.policy.loader import current as current_policy


@dataclass
class Shown:
    label: str
    english: Promise | str
    value: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)  # (label, value) sub-rows
    choices: list[tuple[str, bool]] = field(default_factory=list)  # (name, chosen)


@dataclass
class Slot:
    """One place to sign, with the opinion written beside it and the live signature."""

    role: str
    label: str
    opinion_label: str
    opinion: str
    signature: Signature | None
    image: str = ""  # a drawn signature as a data URL, for print


@dataclass
class Sheet:
    title: str
    seed: str
    rows: list[list[Shown]]
    slots: list[Slot]


def _name(option: Any, language: str) -> str:
    return str(option.name(language)) if option is not None else ""


def _value(record: FormRecord, name: str) -> str:
    value = getattr(record, name)
    if value is None:
        return ""
    if name == "date":
        return str(value.isoformat())
    if name in ("customer", "service_unit"):
        return str(value.name)
    return str(value)


def _cell(record: FormRecord, label: str, english: Promise, name: str, language: str) -> Shown:
    scale = current_policy().feedback
    shown = Shown(label=label, english=english)
    if name == "satisfaction":
        shown.choices = [(_name(o, language), o.key == record.satisfaction) for o in scale.ratings]
    elif name in ("ratings", "remarks"):
        for dimension in scale.dimensions:
            rating = scale.rating(str(record.ratings.get(dimension.key, "")))
            parts = [_name(rating, language), str(record.remarks.get(dimension.key, ""))]
            shown.lines.append((_name(dimension, language), " ".join(p for p in parts if p)))
    elif name == "opinions":
        opinions = list(record.opinions) + [{}] * (len(OPINION_NUMBERS) - len(record.opinions))
        shown.lines = [
            (number, f"{o.get('text', '')}\t{o.get('unit', '')}")
            for number, o in zip(OPINION_NUMBERS, opinions, strict=False)
        ]
    else:
        shown.value = _value(record, name)
    return shown


def sheet(record: FormRecord, signatures: list[Signature], language: str = "zh-hans") -> Sheet:
    rows = [
        [_cell(record, c.label, c.english, c.field, language) for c in row]
        for row in ROWS[record.kind]
    ]
    live = {s.role: s for s in signatures if s.voided_at is None}
    slots = [
        Slot(
            role=p.role,
            label=p.label,
            opinion_label=p.opinion_label,
            opinion=str(getattr(record, p.opinion_field)) if p.opinion_field else "",
            signature=live.get(p.role),
        )
        for p in CHAIN[record.kind]
    ]
    return Sheet(title=TITLES[record.kind], seed=SEED_FORMS[record.kind], rows=rows, slots=slots)
