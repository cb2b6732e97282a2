"""A customer's risk signal with each part's points and its explanation in words."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanxi.risk.models import RiskSignal
from guanxi.risk.selectors import explain


class PartSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    points = serializers.IntegerField()
    text = serializers.CharField()


class RiskSignalSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = RiskSignal
        fields = [
            "id",
            "customer",
            "customer_name",
            "unit",
            "tier",
            "score",
            "satisfaction",
            "relationship",
            "overdue_demands",
            "silence",
            "complaints",
            "explanation",
            "computed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PartSerializer(many=True))
    def get_explanation(self, signal: RiskSignal) -> list[dict[str, Any]]:
        names = self.context.get("contact_names", {})
        return [vars(part) for part in explain(signal, names)]
