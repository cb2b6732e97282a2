"""Serializers for visits, customer plans and campaigns; references only to what the requester
may see (others are 'not found')."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanxi.api.archive.serializers import VisibleRelatedField, customer_field
from guanxi.api.fieldcache import CachedFields
from guanxi.api.serializers import DeclaredFieldsOnly, VersionedSerializer
from guanxi.customers import models as cm
from guanxi.customers.models import InformationTopic
from guanxi.keycustomers import models as k
from guanxi.organisation.models import Person, Unit


def contact_field(**kwargs: Any) -> VisibleRelatedField:
    return VisibleRelatedField(cm.Contact, "customer__owning_unit", **kwargs)


class StopSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = k.ItineraryRow
        fields = ["day", "time", "place", "activity"]


class FollowUpSerializer(VersionedSerializer):
    class Meta:
        model = k.FollowUp
        fields = [
            "id",
            "visit",
            "title",
            "owner",
            "due_on",
            "status",
            "progress",
            "done_at",
            "version",
        ]
        read_only_fields = ["id", "visit", "title", "owner", "due_on", "done_at"]


class MaterialSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    download = serializers.SerializerMethodField()

    class Meta:
        model = k.BriefingMaterial
        fields = ["id", "name", "content_type", "size", "uploaded_at", "download"]

    def get_download(self, material: k.BriefingMaterial) -> str:
        return reverse("keycustomers:material", args=[material.visit_id, material.pk])


class VisitPlanSerializer(VersionedSerializer):
    customer = customer_field()
    their_people = contact_field(many=True, required=False)
    our_people = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Person.objects.filter(is_active=True)
    )
    notified_units = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Unit.objects.filter(is_active=True)
    )
    itinerary = StopSerializer(many=True, required=False)
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)

    class Meta:
        model = k.VisitPlan
        create_only_fields = ("direction", "customer")
        fields = [
            "id",
            "direction",
            "customer",
            "theme",
            "purpose",
            "starts_on",
            "ends_on",
            "their_people",
            "visitors",
            "our_people",
            "duties",
            "matters",
            "preparations",
            "notified_units",
            "itinerary",
            "status",
            "summary",
            "summarised_at",
            "follow_ups",
            "materials",
            "version",
        ]
        read_only_fields = ["id", "status", "summary", "summarised_at"]


class NewFollowUpSerializer(DeclaredFieldsOnly, serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=300)
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    due_on = serializers.DateField()


class SummarySerializer(DeclaredFieldsOnly, serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)
    summary = serializers.CharField(max_length=20000)
    topic = serializers.ChoiceField(
        choices=InformationTopic.choices, required=False, allow_blank=True
    )
    information = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    meaning = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    follow_ups = NewFollowUpSerializer(many=True, required=False)


class VersionOnlySerializer(DeclaredFieldsOnly, serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)


class BriefingUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG."))


class ContactRowSerializer(VersionedSerializer):
    plan = VisibleRelatedField(k.CustomerPlan, "customer__owning_unit")
    their_person = contact_field()
    contacts_made = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = k.ContactPlanRow
        create_only_fields = ("plan",)
        fields = [
            "id",
            "plan",
            "our_person",
            "their_person",
            "position",
            "contacts_made",
            "next_contact_on",
            "version",
        ]
        read_only_fields = ["id"]


class ActionRowSerializer(VersionedSerializer):
    plan = VisibleRelatedField(k.CustomerPlan, "customer__owning_unit")

    class Meta:
        model = k.ActionPlanRow
        create_only_fields = ("plan",)
        fields = ["id", "plan", "action", "owner", "starts_on", "ends_on", "status", "version"]
        read_only_fields = ["id"]


class RevenueRowSerializer(VersionedSerializer):
    plan = VisibleRelatedField(k.CustomerPlan, "customer__owning_unit")

    class Meta:
        model = k.RevenuePlanRow
        create_only_fields = ("plan",)
        fields = [
            "id",
            "plan",
            "project",
            "contract_amount",
            "win_rate",
            "expected_revenue",
            "margin",
            "profit",
            "note",
            "version",
        ]
        read_only_fields = ["id", "expected_revenue", "profit"]


class TotalsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    contract_amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    expected_revenue = serializers.DecimalField(max_digits=18, decimal_places=2)
    profit = serializers.DecimalField(max_digits=18, decimal_places=2)


class CustomerPlanSerializer(VersionedSerializer):
    customer = customer_field()
    owner = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = k.CustomerPlan
        create_only_fields = ("customer", "year")
        fields = [
            "id",
            "customer",
            "year",
            "owner",
            "summary",
            "strengths",
            "weaknesses",
            "opportunities",
            "threats",
            "competition",
            "assessment",
            "objectives",
            "revenue_notes",
            "version",
        ]
        read_only_fields = ["id"]


class CustomerPlanDetailSerializer(CustomerPlanSerializer):
    contact_rows = serializers.SerializerMethodField()
    action_rows = ActionRowSerializer(many=True, read_only=True)
    revenue_rows = RevenueRowSerializer(many=True, read_only=True)
    totals = serializers.SerializerMethodField()

    class Meta(CustomerPlanSerializer.Meta):
        fields = [
            *CustomerPlanSerializer.Meta.fields,
            "contact_rows",
            "action_rows",
            "revenue_rows",
            "totals",
        ]

    def get_contact_rows(self, plan: k.CustomerPlan) -> list[dict[str, Any]]:
        from guanxi.keycustomers.selectors import contact_rows

        return list(ContactRowSerializer(contact_rows(plan), many=True, context=self.context).data)

    def get_totals(self, plan: k.CustomerPlan) -> dict[str, Any]:
        from guanxi.keycustomers.selectors import revenue_totals

        return dict(TotalsSerializer(revenue_totals(plan)).data)


class CampaignSerializer(VersionedSerializer):
    class Meta:
        model = k.Campaign
        create_only_fields = ("scope", "unit")
        fields = [
            "id",
            "title",
            "scope",
            "unit",
            "product",
            "description",
            "starts_on",
            "ends_on",
            "status",
            "published_at",
            "version",
        ]
        read_only_fields = ["id", "status", "published_at"]


class CampaignTargetSerializer(VersionedSerializer):
    customer = customer_field()

    class Meta:
        model = k.CampaignTarget
        create_only_fields = ("campaign", "customer")
        fields = [
            "id",
            "campaign",
            "customer",
            "unit",
            "intent",
            "status",
            "note",
            "updated_at",
            "version",
        ]
        read_only_fields = ["id", "unit", "updated_at"]


class RollupRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit_id = serializers.IntegerField()
    unit__name = serializers.CharField()
    status = serializers.CharField()
    n = serializers.IntegerField()
    high = serializers.IntegerField()
