"""Serializers for demands, complaints and monthly reports; references only to what the
requester may see (others are 'not found'); categories and severities are the policy's."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanxi.api.archive.serializers import customer_field
from guanxi.api.fieldcache import CachedFields
from guanxi.api.serializers import VersionedSerializer
from guanxi.demands import models as d
from guanxi.demands.complaints import time_left
from guanxi.demands.monthly import due_date
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy


class PolicyChoiceField(serializers.ChoiceField):
    """A choice among the keys of a policy table, read when the field is bound."""

    def __init__(self, table: str, **kwargs: Any) -> None:
        self.table = table
        super().__init__(choices=list(self._keys()), **kwargs)

    def _keys(self) -> list[str]:
        return list(getattr(current_policy().demands, self.table))


class DemandEventSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = d.DemandEvent
        fields = ["at", "actor", "from_status", "to_status", "comment"]


class DemandSerializer(VersionedSerializer):
    customer = customer_field()
    category = PolicyChoiceField("categories")
    severity = PolicyChoiceField("severities")
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    events = DemandEventSerializer(many=True, read_only=True)

    class Meta:
        model = d.Demand
        create_only_fields = ("customer", "raised_on")
        fields = [
            "id",
            "customer",
            "owning_unit",
            "category",
            "severity",
            "title",
            "description",
            "owner",
            "status",
            "raised_on",
            "due_on",
            "escalated_to",
            "escalated_at",
            "reported_at",
            "created_at",
            "events",
            "version",
        ]
        read_only_fields = [
            "id",
            "owning_unit",
            "status",
            "escalated_to",
            "escalated_at",
            "reported_at",
            "created_at",
        ]
        extra_kwargs = {"raised_on": {"required": False}}


class MoveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=d.DemandStatus.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class EscalateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=2000, help_text=_("Why the demand goes up a level."))


class ComplaintSerializer(VersionedSerializer):
    customer = customer_field()
    seconds_left = serializers.SerializerMethodField(
        help_text=_("Seconds until the first answer is due; negative when overdue.")
    )

    class Meta:
        model = d.Complaint
        create_only_fields = ("customer", "received_at", "channel", "description")
        fields = [
            "id",
            "customer",
            "owning_unit",
            "received_at",
            "channel",
            "description",
            "due_at",
            "seconds_left",
            "status",
            "first_answer_at",
            "answered_by",
            "answer",
            "breached",
            "escalated_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "owning_unit",
            "due_at",
            "status",
            "first_answer_at",
            "answered_by",
            "answer",
            "breached",
            "escalated_at",
        ]

    def get_seconds_left(self, complaint: d.Complaint) -> int | None:
        left = time_left(complaint)
        return None if left is None else int(left.total_seconds())


class AnswerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)
    answer = serializers.CharField(max_length=5000)


class ReportRowSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = d.ReportRow
        fields = ["customer", "customer_name", "unit", "visits", "progress", "risks"]


class MonthlyReportSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = d.MonthlyReport
        fields = ["id", "month", "status", "generated_at", "published_at", "version"]


class MonthlyReportDetailSerializer(MonthlyReportSerializer):
    rows = serializers.SerializerMethodField()
    demands = serializers.SerializerMethodField()

    class Meta(MonthlyReportSerializer.Meta):
        fields = [*MonthlyReportSerializer.Meta.fields, "rows", "demands"]

    def get_rows(self, report: d.MonthlyReport) -> list[dict[str, Any]]:
        return list(ReportRowSerializer(self.context["rows"], many=True).data)

    def get_demands(self, report: d.MonthlyReport) -> list[int]:
        return [demand.pk for demand in self.context["demands"]]


class GenerateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    month = serializers.DateField(help_text=_("Any day of the month; the report is per month."))


class VersionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)


class SubmissionEntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = d.SubmissionEntry
        fields = ["customer", "customer_name", "progress", "risks"]


class MonthlySubmissionSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    """A unit's part of a month's report; `due_on` is the policy's day (002 §8.1.4)."""

    unit_name = serializers.CharField(source="unit.name", read_only=True)
    due_on = serializers.SerializerMethodField()
    entries = SubmissionEntrySerializer(many=True, read_only=True)

    class Meta:
        model = d.MonthlySubmission
        fields = [
            "id",
            "unit",
            "unit_name",
            "month",
            "due_on",
            "status",
            "submitted_at",
            "submitted_by",
            "late",
            "version",
            "entries",
        ]
        read_only_fields = fields

    def get_due_on(self, submission: d.MonthlySubmission) -> date:
        return due_date(submission.month)


class SubmissionOpenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    month = serializers.DateField(help_text=_("Any day of the month; a part is per month."))


class EntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """One strategic customer's progress and risks; `version` is the submission's."""

    version = serializers.IntegerField(min_value=1)
    customer = customer_field()
    progress = serializers.CharField(max_length=5000, allow_blank=True, default="")
    risks = serializers.CharField(max_length=5000, allow_blank=True, default="")

    class Meta:
        model = d.SubmissionEntry
        fields = ["version", "customer", "progress", "risks"]


class FollowerSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """HQ's follow-up person of a strategic customer (002 §8.1.3); setting it again replaces it."""

    customer = customer_field()
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    person_name = serializers.CharField(source="person.__str__", read_only=True)

    class Meta:
        model = d.StrategicFollower
        fields = ["id", "customer", "customer_name", "person", "person_name", "version"]
        read_only_fields = ["id", "version"]


class UnitContactSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A unit's key-customer contact person (002 §8.1.3); setting it again replaces it."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    person_name = serializers.CharField(source="person.__str__", read_only=True)

    class Meta:
        model = d.UnitContact
        fields = ["id", "unit", "unit_name", "person", "person_name", "version"]
        read_only_fields = ["id", "version"]
