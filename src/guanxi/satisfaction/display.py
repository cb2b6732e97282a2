"""The analytics as the pages and the API show them: names from the policy in the reader's
language, averages and shares per row, and the data the charts draw (no markup: the page's
script draws it, every label is text)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from guanxi.policy.loader import current as current_policy
from guanxi.satisfaction.models import OVERALL
from guanxi.satisfaction.selectors import Figure, Figures, Satisfaction, dimension_keys


def dimension_name(key: str, language: str) -> str:
    if key == OVERALL:
        return _("Overall satisfaction")
    option = current_policy().feedback.dimension(key)
    return option.name(language) if option else key


def rating_names(language: str) -> list[tuple[str, str, int]]:
    """(key, name, score) of each step of the scale, worst first."""
    return [(o.key, o.name(language), o.score) for o in current_policy().feedback.ratings]


@dataclass
class Row:
    """One line of a table: a label and a figure per dimension (overall first)."""

    label: str
    figures: list[Figure]
    own: bool = False

    @property
    def overall(self) -> Figure:
        return self.figures[0]


def _figures(figures: Figures) -> list[Figure]:
    return [figures.get(key) or Figure() for key in dimension_keys()]


def dimension_rows(result: Satisfaction, language: str) -> list[tuple[str, Figure]]:
    """Each dimension (overall first) with its figure over the whole filter."""
    return [
        (dimension_name(k, language), result.totals.get(k) or Figure()) for k in dimension_keys()
    ]


def trend_rows(result: Satisfaction) -> list[Row]:
    return [Row(label, _figures(figures)) for label, figures in result.trend]


def unit_rows(result: Satisfaction) -> list[Row]:
    rows = []
    for entry in result.units:
        label = entry.unit.name
        if entry.own:
            label = _("%(unit)s (own forms)") % {"unit": entry.unit.name}
        rows.append(Row(label, _figures(entry.figures), own=entry.own))
    return rows


def chart_data(result: Satisfaction, language: str) -> dict[str, Any]:
    """What the charts draw: the trend per dimension and the average per unit."""
    names = [dimension_name(k, language) for k in dimension_keys()]
    scale = rating_names(language)
    trend, units = trend_rows(result), unit_rows(result)
    return {
        "min": min((s for _k, _n, s in scale), default=0),
        "max": max((s for _k, _n, s in scale), default=1),
        "scale": [{"score": s, "name": n} for _k, n, s in scale],
        "periods": [row.label for row in trend],
        "trend": [
            {"name": name, "data": [row.figures[i].average for row in trend]}
            for i, name in enumerate(names)
        ],
        "units": [row.label for row in units],
        "unitSeries": [
            {"name": name, "data": [row.figures[i].average for row in units]}
            for i, name in enumerate(names)
        ],
        "averageLabel": _("Average score"),
    }
