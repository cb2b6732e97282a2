"""Serializers for contact reports, the next contact date and timeline entries."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanxi.api.archive.serializers import VisibleRelatedField, customer_field
from guanxi.api.fieldcache import CachedFields
from guanxi.api.keycustomers.serializers import contact_field
from guanxi.api.serializers import DeclaredFieldsOnly, VersionedSerializer
from guanxi.contactreports.models import ContactReport, NextContact
from guanxi.customers.models import Customer
from guanxi.organisation.models import Person
from guanxi.policy.loader import current as current_policy


class ContactReportSerializer(VersionedSerializer):
    customer = customer_field()
    kind = serializers.ChoiceField(choices=(), help_text=_("A kind of contact from the policy."))
    key_persons = contact_field(many=True)
    our_people = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Person.objects.filter(is_active=True)
    )
    is_new = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContactReport
        create_only_fields = ("customer",)
        fields = [
            "id",
            "customer",
            "unit",
            "kind",
            "contacted_on",
            "key_persons",
            "our_people",
            "summary",
            "follow_up",
            "manager",
            "manager_seen_at",
            "is_new",
            "created_by",
            "created_at",
            "version",
        ]
        read_only_fields = [
            "id",
            "unit",
            "manager",
            "manager_seen_at",
            "created_by",
            "created_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, serializers.ChoiceField)  # noqa: S101
        kind.choices = list(current_policy().contact_kinds)


class NextContactSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(source="pk", read_only=True, help_text=_("The customer's id."))

    class Meta:
        model = NextContact
        fields = ["id", "customer", "next_contact_on", "note", "set_by", "set_at", "version"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class CustomerReference(VisibleRelatedField):
    """A customer the requester may see, by id (a plain serializer gives the schema no type)."""


class NextContactWriteSerializer(DeclaredFieldsOnly, serializers.Serializer):  # type: ignore[type-arg]
    customer = CustomerReference(Customer, "owning_unit")
    next_contact_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        min_value=0, help_text=_("The version you loaded; 0 while no date was set.")
    )


class TimelineEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField(help_text=_("The source: contact_report, visit, dealing…"))
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label
    on = serializers.DateField()
    record_type = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField(help_text=_("The record's page."))


class TimelineSerializer(serializers.Serializer):  # type: ignore[type-arg]
    customer = serializers.IntegerField()
    next_contact_on = serializers.DateField(allow_null=True)
    kinds = serializers.ListField(child=serializers.CharField())
    next = serializers.CharField(allow_null=True)
    results = TimelineEntrySerializer(many=True)
