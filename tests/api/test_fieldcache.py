"""Serializer fields built once per class: each serializer still gets its own, unbound fields,
and serializes exactly what DRF's own field building gives."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from guanxi.api.fieldcache import CachedFields, _readers
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


class WithMethod(CachedFields, Plain):
    shout = serializers.SerializerMethodField()

    def get_shout(self, customer: Customer) -> str:
        return f"{customer.name}{self.context.get('mark', '')}"

    class Meta(Plain.Meta):
        fields = [*Plain.Meta.fields, "shout"]


@pytest.mark.django_db
def test_shared_readers_read_exactly_what_drf_reads(make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    assert _readers(CustomerSerializer) is not None  # the customer detail takes the shared path
    drf_own = serializers.Serializer.to_representation(CustomerSerializer(customer), customer)
    assert CustomerSerializer(customer).data == drf_own
    assert list(CustomerSerializer(customer).data) == list(drf_own)  # same keys, same order
    customer.cooperation_since = None  # a None value answers None, as in DRF
    assert CustomerSerializer(customer).data["cooperation_since"] is None


@pytest.mark.django_db
def test_a_field_that_reads_the_context_keeps_the_ordinary_path(make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    assert _readers(WithMethod) is None
    first = WithMethod(customer, context={"mark": "！"}).data["shout"]
    second = WithMethod(customer, context={"mark": "？"}).data["shout"]
    assert (first, second) == (f"{customer.name}！", f"{customer.name}？")
