"""Serializers for improvement proposals, plan items and forwarded opinions. A proposal is
created from sources on forms the requester may see (others are 'not found')."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanxi.api.fieldcache import CachedFields
from guanxi.api.serializers import VersionedSerializer
from guanxi.improvements import models as m
from guanxi.organisation.models import Unit


class ProposalSourceSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = m.ProposalSource
        fields = ["record", "kind", "dimension", "opinion", "quote"]
        read_only_fields = ["quote"]


class ProposalEventSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = m.ProposalEvent
        fields = ["at", "actor", "from_status", "to_status", "comment"]


class ProposalSourceInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    record = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=m.SourceKind.choices)
    dimension = serializers.CharField(required=False, allow_blank=True, max_length=32, default="")
    opinion = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=99)


class ProposalSerializer(VersionedSerializer):
    sources = ProposalSourceSerializer(many=True, read_only=True)
    events = ProposalEventSerializer(many=True, read_only=True)
    new_sources = ProposalSourceInSerializer(
        many=True,
        write_only=True,
        required=False,
        help_text=_("On creation: the feedback the proposal answers (form id, kind, …)."),
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=_("On creation: the proposing unit (by default the form's executing unit)."),
    )

    class Meta:
        model = m.ImprovementProposal
        create_only_fields = ("unit",)
        fields = [
            "id",
            "unit",
            "customer",
            "title",
            "problem",
            "measures",
            "status",
            "submitted_at",
            "decided_at",
            "decided_by",
            "created_by",
            "created_at",
            "sources",
            "events",
            "new_sources",
            "version",
        ]
        read_only_fields = [
            "id",
            "customer",
            "status",
            "submitted_at",
            "decided_at",
            "decided_by",
            "created_by",
            "created_at",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if self.instance is None and not attrs.get("new_sources"):
            raise serializers.ValidationError(
                {"new_sources": [_("Name at least one piece of feedback to answer.")]}
            )
        if self.instance is not None and "new_sources" in attrs:
            raise serializers.ValidationError(
                {
                    "new_sources": [
                        _("This is set when the record is created and cannot be changed.")
                    ]
                }
            )
        return attrs


class ProposalVersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)


class ProposalAcceptSerializer(ProposalVersionSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ProposalReturnSerializer(ProposalVersionSerializer):
    reason = serializers.CharField(max_length=2000)


class ImprovementPlanSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = m.ImprovementPlan
        fields = ["id", "year", "unit", "created_at"]


class ImprovementItemSerializer(VersionedSerializer):
    year = serializers.IntegerField(source="plan.year", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = m.PlanItem
        fields = [
            "id",
            "year",
            "proposal",
            "title",
            "measures",
            "department",
            "deadline",
            "status",
            "completion_note",
            "completed_at",
            "overdue",
            "version",
        ]
        read_only_fields = ["id", "proposal", "status", "completion_note", "completed_at"]
        extra_kwargs = {
            "deadline": {
                "required": False,
                "help_text": _("By default the policy's days ([improvements] deadline_days)."),
            }
        }

    def get_overdue(self, item: m.PlanItem) -> bool:
        from django.utils import timezone

        return bool(item.is_overdue(timezone.localdate()))


class ItemProgressSerializer(ProposalVersionSerializer):
    status = serializers.ChoiceField(choices=m.ItemStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class ItemAssignSerializer(ProposalVersionSerializer):
    department = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    deadline = serializers.DateField()


class ForwardedOpinionSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = m.OpinionForward
        fields = [
            "id",
            "record",
            "opinion",
            "text",
            "proposer",
            "department",
            "note",
            "due_on",
            "status",
            "answer",
            "answered_by",
            "answered_at",
            "forwarded_by",
            "forwarded_at",
            "version",
        ]
        read_only_fields = fields


class OpinionForwardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    record = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    opinion = serializers.IntegerField(min_value=0, max_value=99)
    department = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class OpinionAnswerSerializer(ProposalVersionSerializer):
    answer = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
