"""The activity forms over the API: every field of the paper form, its signatures read-only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guanxi.activities.models import Activity
from guanxi.api.plans.serializers import ScopedRelatedField, UnitField, _people
from guanxi.api.serializers import DeclaredFieldsOnly, VersionedSerializer
from guanxi.customers.models import Contact, Customer, Dealing, Operation
from guanxi.feedback import policies
from guanxi.feedback.models import FormRecord, Signature, SignatureMethod, SignatureRole
from guanxi.feedback.services import SCALARS

WRITABLE = [*SCALARS, "key_persons", "our_people"]


class SignatureSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    signer_display = serializers.CharField(source="signer.__str__", read_only=True)
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = Signature
        fields = [
            "id",
            "role",
            "method",
            "signer",
            "signer_display",
            "signer_name",
            "signed_at",
            "content_hash",
            "image_url",
            "voided_at",
            "voided_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_image_url(self, signature: Signature) -> str | None:
        if not signature.image:
            return None
        name = self.context.get("route", "visit-record")
        return reverse(f"{name}-signature", args=[signature.record_id, signature.pk])


class OpinionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    text = serializers.CharField(max_length=4000)
    unit = serializers.CharField(max_length=4000, required=False, allow_blank=True)


def _related(model: type[Any], path: str) -> ScopedRelatedField:
    return ScopedRelatedField(model, "feedback.view", path, required=False, allow_null=True)


class FormRecordSerializer(VersionedSerializer):
    """One form. `activity` names the carried-out activity it records (set at creation)."""

    activity = ScopedRelatedField(Activity, "activity.view", "unit")
    customer = _related(Customer, "owning_unit")
    visited_person = _related(Contact, "customer__owning_unit")
    service_unit = UnitField("feedback.view", required=False, allow_null=True)
    key_persons = ScopedRelatedField(
        Contact, "feedback.view", "customer__owning_unit", many=True, required=False
    )
    our_people = _people()
    operation = _related(Operation, "customer__owning_unit")
    dealing = _related(Dealing, "customer__owning_unit")
    ratings = serializers.DictField(child=serializers.CharField(), required=False)
    remarks = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)
    opinions = OpinionSerializer(many=True, required=False)
    date = serializers.DateField(required=False)
    signatures = SignatureSerializer(many=True, read_only=True)
    is_original = serializers.SerializerMethodField()

    class Meta:
        model = FormRecord
        create_only_fields = ("activity",)
        fields = [
            "id",
            "kind",
            "activity",
            "unit",
            *WRITABLE,
            "visitor_opinion",
            "manager_opinion",
            "is_original",
            "signatures",
            "created_at",
            "version",
        ]
        read_only_fields = ["id", "kind", "unit", "visitor_opinion", "manager_opinion"]

    def get_is_original(self, record: FormRecord) -> bool:
        """True for the executing unit's original; False for a copy up the line (000 §22)."""
        request = self.context.get("request")
        return request is not None and policies.may_edit(request.user, record)


class SignSerializer(DeclaredFieldsOnly, serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=SignatureRole.choices)
    opinion = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    method = serializers.ChoiceField(
        choices=SignatureMethod.choices, required=False, default=SignatureMethod.ACCOUNT
    )
    drawing = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=1_000_000,
        help_text=_("The drawn signature as a data:image/png;base64 URL (customer only)."),
    )
    signer_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    signer = serializers.IntegerField(
        required=False, help_text=_("Who signs; when given, it must be the caller.")
    )
