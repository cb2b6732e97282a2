"""Serializers of the archive beyond the customer unit itself."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from guanxi.access.scope import User, may, visible
from guanxi.api.fieldcache import CachedFields
from guanxi.api.serializers import DeclaredFieldsOnly, PhotoLinkField, VersionedSerializer
from guanxi.customers import models as m
from guanxi.organisation.models import Person


def reader(context: dict[str, Any]) -> User:
    user = getattr(context.get("request"), "user", None)
    return user if isinstance(user, Person) else AnonymousUser()


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A reference that only accepts records the requester may see: others are 'not found'."""

    def __init__(self, model: type[Any], unit_field: str, **kwargs: Any) -> None:
        self.model, self.unit_field = model, unit_field
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        queryset = self.model._default_manager.all()
        return visible(reader(self.context), queryset, "customer.view", self.unit_field)


def customer_field(**kwargs: Any) -> VisibleRelatedField:
    return VisibleRelatedField(m.Customer, "owning_unit", **kwargs)


class DepartmentSerializer(VersionedSerializer):
    customer = customer_field()
    parent = VisibleRelatedField(  # type: ignore[assignment]  # DRF pops declared fields
        m.CustomerDepartment, "customer__owning_unit", required=False, allow_null=True
    )

    class Meta:
        model = m.CustomerDepartment
        create_only_fields = ("customer",)
        fields = [
            "id",
            "customer",
            "parent",
            "kind",
            "name",
            "location",
            *m.BUSINESS_FIELDS,
            *m.COMMS_FIELDS,
            *m.BACKGROUND_FIELDS,
            "version",
        ]
        read_only_fields = ["id"]


class ContactSerializer(VersionedSerializer):
    """Key persons' profiles are masked unless the reader holds `contact.view_profile`."""

    customer = customer_field()
    department = VisibleRelatedField(
        m.CustomerDepartment, "customer__owning_unit", required=False, allow_null=True
    )
    photo = PhotoLinkField()
    profile_masked = serializers.SerializerMethodField(
        help_text=_("True when the profile fields are hidden from this reader.")
    )

    class Meta:
        model = m.Contact
        create_only_fields = ("customer",)
        fields = [
            "id",
            "customer",
            "department",
            "name",
            "position",
            "phone",
            "mobile",
            "home_phone",
            "email",
            "is_key",
            *m.PROFILE_FIELDS,
            "purpose",
            "consent_at",
            "consent_note",
            "erased_at",
            "source",
            "profile_masked",
            "version",
        ]
        read_only_fields = ["id", "erased_at"]

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        """Masked profile fields answer null, so the schema must say they may be null."""
        fields = super().get_fields()
        for name in m.PROFILE_FIELDS:
            fields[name].allow_null = True
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in m.PROFILE_FIELDS:  # null means "nothing" for a text field that is not null
            nullable = getattr(m.Contact._meta.get_field(name), "null", False)
            if name in attrs and attrs[name] is None and not nullable:
                attrs[name] = ""
        return super().validate(attrs)

    def _masked(self, contact: m.Contact) -> bool:
        user = reader(self.context)
        return not may(user, "contact.view_profile", contact, unit_field="customer__owning_unit")

    def get_profile_masked(self, contact: m.Contact) -> bool:
        return contact.is_key and self._masked(contact)

    def to_representation(self, instance: m.Contact) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if self._masked(instance):
            for field in m.PROFILE_FIELDS:
                data[field] = None
        return data


class RelationshipEventSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    by = serializers.CharField(source="by.username", default=None, read_only=True)

    class Meta:
        model = m.RelationshipEvent
        fields = ["at", "by", "buying_role", "state", "holders", "note"]


class RelationshipSerializer(DeclaredFieldsOnly, serializers.ModelSerializer):  # type: ignore[type-arg]
    contact = VisibleRelatedField(m.Contact, "customer__owning_unit")
    holders = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), many=True)
    version = serializers.IntegerField(required=False, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, write_only=True, max_length=300)
    events = RelationshipEventSerializer(many=True, read_only=True)

    class Meta:
        model = m.Relationship
        fields = [
            "id",
            "contact",
            "buying_role",
            "state",
            "holders",
            "concerns",
            "note",
            "updated_at",
            "events",
            "version",
        ]
        read_only_fields = ["id", "updated_at"]


class DealingSerializer(VersionedSerializer):
    customer = customer_field()
    department = VisibleRelatedField(
        m.CustomerDepartment, "customer__owning_unit", required=False, allow_null=True
    )
    is_complete = serializers.BooleanField(read_only=True)

    class Meta:
        model = m.Dealing
        create_only_fields = ("customer",)
        fields = [
            "id",
            "customer",
            "department",
            "kind",
            "status",
            "is_complete",
            "title",
            "contract_number",
            "amount",
            "signed_on",
            "our_unit",
            "description",
            "version",
        ]
        read_only_fields = ["id"]


class ContractSummarySerializer(DeclaredFieldsOnly, serializers.ModelSerializer):  # type: ignore[type-arg]
    dealing = VisibleRelatedField(m.Dealing, "customer__owning_unit")

    class Meta:
        model = m.ContractSummary
        fields = ["id", "dealing", "written_on", "author", "summary", "problems"]
        read_only_fields = ["id", "author"]


class OperationSerializer(VersionedSerializer):
    customer = customer_field()
    dealing = VisibleRelatedField(
        m.Dealing, "customer__owning_unit", required=False, allow_null=True
    )

    class Meta:
        model = m.Operation
        create_only_fields = ("customer",)
        fields = [
            "id",
            "customer",
            "dealing",
            "name",
            "location",
            "executing_unit",
            "started_on",
            "ended_on",
            "version",
        ]
        read_only_fields = ["id"]


class MarketReportSerializer(VersionedSerializer):
    class Meta:
        model = m.MarketReport
        create_only_fields = ("unit",)
        fields = [
            "id",
            "unit",
            "author",
            "month",
            "title",
            "body",
            "major",
            "created_at",
            "version",
        ]
        read_only_fields = ["id", "author", "created_at"]


class PersonalDataCompleteSerializer(DeclaredFieldsOnly, serializers.Serializer):  # type: ignore[type-arg]
    """What carrying a request out takes: what was done, in a sentence or two."""

    outcome = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PersonalDataRequestSerializer(DeclaredFieldsOnly, serializers.ModelSerializer):  # type: ignore[type-arg]
    contact = VisibleRelatedField(m.Contact, "customer__owning_unit")

    class Meta:
        model = m.PersonalDataRequest
        fields = [
            "id",
            "contact",
            "kind",
            "received_at",
            "details",
            "recorded_by",
            "done_at",
            "done_by",
            "outcome",
        ]
        read_only_fields = ["id", "received_at", "recorded_by", "done_at", "done_by", "outcome"]
