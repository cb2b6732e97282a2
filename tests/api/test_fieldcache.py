"""Serializer fields built once per class: each serializer still gets its own, unbound fields,
and serializes exactly what DRF's own field building gives."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from guanxi.api.fieldcache import CachedFields
from guanxi.api.serializers import CustomerSerializer
from guanxi.customers.models import Customer


class Plain(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Customer
        fields = [f for f in CustomerSerializer.Meta.fields if f != "owning_unit_name"]


class Cached(CachedFields, Plain):
    pass


class Unit(CachedFields, serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField()


class Nested(CachedFields, serializers.Serializer):  # type: ignore[type-arg]
    units = Unit(many=True)
    tags = serializers.ListField(child=serializers.CharField())


@pytest.mark.django_db
def test_cached_fields_serialize_like_drfs_own(make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    assert Cached(customer).data == Plain(customer).data
    assert Cached(customer).data == Plain(customer).data  # from the prototypes this time


def test_every_serializer_gets_its_own_fields() -> None:
    first, second = CustomerSerializer(), CustomerSerializer()
    assert set(first.fields) == set(second.fields)
    for name in first.fields:
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second


def test_nested_serializers_and_children_are_copied_not_shared() -> None:
    first, second = Nested(), Nested()
    for name in ("units", "tags"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].child is not second.fields[name].child
        assert first.fields[name].child.parent is first.fields[name]
    data = {"units": [{"code": "DIV1"}], "tags": ["重点客户"]}
    checked = Nested(data=data)
    assert checked.is_valid(), checked.errors
    assert checked.validated_data == data
