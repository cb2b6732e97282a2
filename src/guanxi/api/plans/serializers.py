"""Serializers of plans, plan items, activities, approvals and delegations."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanxi.access.scope import visible, visible_units
from guanxi.activities.models import Activity
from guanxi.api.archive.serializers import reader
from guanxi.api.fieldcache import CachedFields
from guanxi.api.serializers import DeclaredFieldsOnly, VersionedSerializer
from guanxi.approvals.models import Approval, Delegation, Step
from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person
from guanxi.plans.models import Plan, PlanItem


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A reference accepting only what the requester may see under `permission`."""

    def __init__(self, model: type[Any], permission: str, unit_field: str, **kwargs: Any) -> None:
        self.model, self.permission, self.unit_field = model, permission, unit_field
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        queryset = self.model._default_manager.all()
        return visible(reader(self.context), queryset, self.permission, self.unit_field)


class UnitField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def __init__(self, permission: str, **kwargs: Any) -> None:
        self.permission = permission
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return visible_units(reader(self.context), self.permission)


def _people(**kwargs: Any) -> serializers.PrimaryKeyRelatedField:  # type: ignore[type-arg]
    return serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(is_active=True), many=True, required=False, **kwargs
    )


class PlanSerializer(VersionedSerializer):
    unit = UnitField("plan.change")
    day = serializers.DateField(
        write_only=True, help_text=_("Any day in the period; the plan starts on its first day.")
    )
    item_count = serializers.IntegerField(read_only=True, required=False)
    cost_total = serializers.DecimalField(
        max_digits=16, decimal_places=2, read_only=True, required=False
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "unit",
            "kind",
            "period",
            "day",
            "starts",
            "status",
            "revision",
            "note",
            "submitted_at",
            "submitted_late",
            "decided_at",
            "return_comment",
            "item_count",
            "cost_total",
            "version",
        ]
        read_only_fields = [
            "id",
            "starts",
            "status",
            "revision",
            "submitted_at",
            "submitted_late",
            "decided_at",
            "return_comment",
        ]


class PlanUpdateSerializer(VersionedSerializer):
    class Meta:
        model = Plan
        fields = ["id", "note", "version"]
        read_only_fields = ["id"]


class TransitionSerializer(DeclaredFieldsOnly, serializers.Serializer):  # type: ignore[type-arg]
    """A state change that takes nothing but the version the requester loaded."""

    version = serializers.IntegerField(min_value=1, help_text=_("The version you loaded."))


class ReturnSerializer(TransitionSerializer):
    """HQ returns a plan saying what to revise; the comment is stored on the plan."""

    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("What should be revised.")
    )


class PlanItemSerializer(VersionedSerializer):
    plan = ScopedRelatedField(Plan, "plan.change", "unit")
    customer = ScopedRelatedField(
        Customer, "customer.view", "owning_unit", required=False, allow_null=True
    )
    key_persons = ScopedRelatedField(
        Contact, "customer.view", "customer__owning_unit", many=True, required=False
    )
    our_people = _people()

    class Meta:
        model = PlanItem
        create_only_fields = ("plan",)
        fields = [
            "id",
            "plan",
            "when",
            "name",
            "place",
            "customer",
            "customer_count",
            "key_persons",
            "gifts",
            "our_people",
            "content",
            "documents",
            "cost",
            "version",
        ]
        read_only_fields = ["id"]


class ApprovalRefSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Approval
        fields = ["id", "kind", "status", "amount"]


class ActivitySerializer(VersionedSerializer):
    unit = UnitField("activity.change", required=False, allow_null=True)
    plan_item = ScopedRelatedField(
        PlanItem, "plan.view", "plan__unit", required=False, allow_null=True
    )
    customer = ScopedRelatedField(
        Customer, "customer.view", "owning_unit", required=False, allow_null=True
    )
    our_people = _people()
    unplanned = serializers.BooleanField(read_only=True)

    class Meta:
        model = Activity
        create_only_fields = ("plan_item", "unit", "kind")
        fields = [
            "id",
            "unit",
            "kind",
            "plan_item",
            "unplanned",
            "name",
            "customer",
            "date",
            "place",
            "our_people",
            "cost",
            "result",
            "status",
            "written_off_at",
            "version",
        ]
        read_only_fields = ["id", "status", "written_off_at"]
        extra_kwargs = {"kind": {"required": False}}


class StepSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Step
        fields = [
            "position",
            "unit",
            "unit_name",
            "role",
            "clause",
            "decision",
            "decided_by",
            "on_behalf_of",
            "decided_at",
            "comment",
        ]


class ApprovalSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    steps = StepSerializer(many=True, read_only=True)
    subject_type = serializers.CharField(source="subject_type.model", read_only=True)

    class Meta:
        model = Approval
        fields = [
            "id",
            "kind",
            "title",
            "subject_type",
            "subject_id",
            "requesting_unit",
            "requested_by",
            "requested_at",
            "amount",
            "status",
            "current_step",
            "rules",
            "decided_at",
            "steps",
            "version",
        ]
        read_only_fields = fields


class DecisionSerializer(DeclaredFieldsOnly, serializers.Serializer):  # type: ignore[type-arg]
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DelegationSerializer(VersionedSerializer):
    delegate = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))

    class Meta:
        model = Delegation
        fields = ["id", "delegator", "delegate", "starts", "ends", "note", "cancelled", "version"]
        read_only_fields = ["id", "delegator", "cancelled"]
