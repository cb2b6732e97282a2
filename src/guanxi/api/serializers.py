from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field as ModelField
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanxi.access.models import AccessLogEntry
from guanxi.api.fieldcache import CachedFields
from guanxi.customers.models import (
    BACKGROUND_FIELDS,
    BUSINESS_FIELDS,
    CLASSIFICATION_FIELDS,
    COMMS_FIELDS,
    Contact,
    Customer,
)
from guanxi.organisation.models import Membership, Person, Unit


class DeclaredFieldsOnly(CachedFields):
    """Refuse fields the serializer does not declare (mass assignment, issue 6).

    Read-only fields may be sent back as they were read and are ignored; a name the serializer
    does not know at all (``is_superuser``, ``author``…) is a 400, not silently dropped.
    """

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {key: [_("This field is not accepted here.")] for key in unknown}
                )
        attrs = super().to_internal_value(data)
        if self.instance is None and not self.partial:
            return {**self.model_defaults(), **attrs}
        return attrs

    def model_defaults(self) -> dict[str, Any]:
        """The model's default of each optional field left out of a create, so a service called
        with the validated data gets what a form would send (a relationship without `state`
        is "none yet"), never a KeyError. `version` stays out: its absence means "a create"."""
        model = getattr(getattr(self, "Meta", None), "model", None)
        defaults: dict[str, Any] = {}
        for name, field in self.fields.items():
            source = str(field.source)
            if field.read_only or field.required or name == "version" or "." in source:
                continue
            try:
                model_field = model._meta.get_field(source) if model else None
            except FieldDoesNotExist:
                continue
            if isinstance(model_field, ModelField) and model_field.has_default():
                defaults[source] = model_field.get_default()
        return defaults


class VersionedSerializer(DeclaredFieldsOnly, serializers.ModelSerializer):  # type: ignore[type-arg]
    """Edits must name the version they were made against; a stale one is refused with 409."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you loaded; required when changing a record."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": _("Send the version you loaded, so a concurrent change is not lost.")}
            )
        if self.instance is not None:
            self._refuse_create_only_changes(attrs)
        return attrs

    def _refuse_create_only_changes(self, attrs: dict[str, Any]) -> None:
        """A field fixed at creation (Meta.create_only_fields) is refused when changed, rather
        than accepted and silently kept as it was; sent back unchanged it is fine."""
        names = getattr(self.Meta, "create_only_fields", ())
        changed = [
            name
            for name in names
            if name in attrs and attrs[name] != getattr(self.instance, name, attrs[name])
        ]
        if changed:
            raise serializers.ValidationError(
                {
                    name: [_("This is set when the record is created and cannot be changed.")]
                    for name in changed
                }
            )


class UnitSerializer(VersionedSerializer):
    class Meta:
        model = Unit
        fields = ["id", "parent", "kind", "code", "name", "name_en", "is_active", "version"]
        read_only_fields = ["id"]


class MembershipSerializer(DeclaredFieldsOnly, serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Membership
        fields = ["id", "person", "unit", "role"]
        read_only_fields = ["id"]


class MembershipBriefSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["unit", "unit_name", "role"]


class PersonSerializer(VersionedSerializer):
    class Meta:
        model = Person
        fields = ["id", "username", "display_name", "email", "phone", "is_active", "version"]
        read_only_fields = ["id"]
        create_only_fields = ("username",)


class MeSerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    memberships = MembershipBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ["id", "username", "display_name", "email", "phone", "memberships"]


def photo_url(record: Customer | Contact) -> str | None:
    """The API address of a record's photo (read through the access module), or None. A path
    on this server, so the field reads from the value alone and the detail endpoint keeps its
    shared readers (`fieldcache`)."""
    if not record.photo:
        return None
    name = "api:customer-photo" if isinstance(record, Customer) else "api:contact-photo"
    return reverse(name, args=[record.pk])


@extend_schema_field(
    {"type": "string", "format": "uri-reference", "nullable": True, "readOnly": True},
)
class PhotoLinkField(serializers.Field):  # type: ignore[type-arg]
    """Where the photo is read (`…/photo/`, registered), never a public media address;
    upload, replace and remove it there too."""

    reads_value_only = True  # fieldcache may share it: no request, no parent

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault(
            "help_text", _("Where the photo is read, uploaded and removed; null without one.")
        )
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str | None:
        return photo_url(value.instance)


class CustomerSerializer(VersionedSerializer):
    owning_unit_name = serializers.CharField(source="owning_unit.name", read_only=True)
    photo = PhotoLinkField()
    duplicate_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text=_("Why a unit is created despite a similar name (needed only then)."),
    )

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "credit_code",
            "owning_unit",
            "owning_unit_name",
            "tier",
            *CLASSIFICATION_FIELDS,
            "cooperation_since",
            "manager",
            "source",
            *BUSINESS_FIELDS,
            *COMMS_FIELDS,
            *BACKGROUND_FIELDS,
            "photo",
            "created_at",
            "updated_at",
            "version",
            "duplicate_reason",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs: ClassVar[dict[str, dict[str, Any]]] = {"credit_code": {"validators": []}}


class AccessLogEntrySerializer(CachedFields, serializers.ModelSerializer):  # type: ignore[type-arg]
    """A registered read: `record_id` for a single record; for a list, search or export read
    `record_id` is "" and `record_ids` names the records returned, `query` the query."""

    record_ids = serializers.ListField(
        child=serializers.CharField(), source="returned_ids", read_only=True
    )
    query = serializers.CharField(read_only=True, allow_null=True)

    class Meta:
        model = AccessLogEntry
        fields = [
            "seq",
            "at",
            "username",
            "reader_id",
            "record_type",
            "record_id",
            "record_ids",
            "query",
            "record_unit_id",
            "channel",
            "address",
            "prev_hash",
            "hash",
        ]


class TokenRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField()
