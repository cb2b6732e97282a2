"""The satisfaction analytics over the API (ACT-6): read-only shapes for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from guanxi.satisfaction.display import dimension_name, rating_names
from guanxi.satisfaction.selectors import Figure, Figures, Satisfaction, dimension_keys


class ShareSerializer(serializers.Serializer):  # type: ignore[type-arg]
    rating = serializers.CharField(help_text="Rating key of the policy's scale (poor, fair, good)")
    count = serializers.IntegerField(help_text="Forms giving this rating")
    share = serializers.FloatField(help_text="Percentage of the forms behind the figure")


class FigureSerializer(serializers.Serializer):  # type: ignore[type-arg]
    dimension = serializers.CharField(help_text='Dimension key; "" is the overall satisfaction')
    name = serializers.CharField(help_text="The dimension's name in the reader's language")
    count = serializers.IntegerField(help_text="Forms behind the figure")
    average = serializers.FloatField(allow_null=True, help_text="Average score; null: no forms")
    distribution = ShareSerializer(many=True)


class PeriodSerializer(serializers.Serializer):  # type: ignore[type-arg]
    period = serializers.CharField(help_text="2025-03, 2025 Q1 or 2025")
    figures = FigureSerializer(many=True)


class UnitFiguresSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    own = serializers.BooleanField(help_text="Only the unit's own forms, not those below it")
    figures = FigureSerializer(many=True)


class RatingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    name = serializers.CharField()
    score = serializers.IntegerField()


class FiltersSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.IntegerField(allow_null=True)
    customer = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    period = serializers.CharField()


class SatisfactionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    filters = FiltersSerializer()
    forms = serializers.IntegerField(help_text="Rated forms counted")
    scale = RatingSerializer(many=True)
    totals = FigureSerializer(many=True)
    trend = PeriodSerializer(many=True)
    units = UnitFiguresSerializer(many=True)


def _figures(figures: Figures, language: str) -> list[dict[str, Any]]:
    shown = []
    for key in dimension_keys():
        figure = figures.get(key) or Figure()
        shown.append(
            {
                "dimension": key,
                "name": dimension_name(key, language),
                "count": figure.count,
                "average": figure.average,
                "distribution": [
                    {"rating": rating, "count": count, "share": share}
                    for rating, count, share in figure.shares()
                ],
            }
        )
    return shown


def satisfaction_data(result: Satisfaction, language: str) -> dict[str, Any]:
    f = result.filters
    return {
        "filters": {
            "unit": f.unit,
            "customer": f.customer,
            "kind": f.kind,
            "date_from": f.date_from,
            "date_to": f.date_to,
            "period": f.period,
        },
        "forms": result.forms,
        "scale": [{"key": k, "name": n, "score": s} for k, n, s in rating_names(language)],
        "totals": _figures(result.totals, language),
        "trend": [
            {"period": label, "figures": _figures(figures, language)}
            for label, figures in result.trend
        ],
        "units": [
            {
                "unit": row.unit.pk,
                "unit_name": row.unit.name,
                "own": row.own,
                "figures": _figures(row.figures, language),
            }
            for row in result.units
        ],
    }
