"""Serializer fields built once per class, cloned per use.

DRF builds every field of a ModelSerializer anew for each serializer instance, introspecting the
model each time; on the customer detail endpoint that was a quarter of the request. The fields a
class builds depend only on the class (its Meta and declarations), so the first build is kept as
a prototype that is never bound, and each instance gets fresh clones of it.

Reading needs no fields of its own at all when every readable field is of a kind whose
`to_representation` looks only at the value (no context, no parent): such a class is read
through one set of fields bound once, shared by every instance and thread. A class with any
other field (a method field, a nested serializer) reads the ordinary way.
"""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject

# per serializer class: (name, unbound prototype, whether its arguments hold fields)
_PROTOTYPES: dict[type, list[tuple[str, Field, bool]]] = {}  # type: ignore[type-arg]


# Exact classes (not subclasses): their reading depends on the value alone. A field class of
# ours whose reading depends on the value alone says so with `reads_value_only = True`.
_SHAREABLE: frozenset[type] = frozenset(
    {
        drf_fields.BigIntegerField,  # type: ignore[attr-defined]  # newer than the stubs
        drf_fields.BooleanField,
        drf_fields.CharField,
        drf_fields.ChoiceField,
        drf_fields.DateField,
        drf_fields.DateTimeField,
        drf_fields.DecimalField,
        drf_fields.EmailField,
        drf_fields.FloatField,
        drf_fields.IntegerField,
        drf_fields.JSONField,
        drf_fields.ReadOnlyField,
        drf_fields.TimeField,
        drf_fields.URLField,
        drf_fields.UUIDField,
        relations.PrimaryKeyRelatedField,
    }
)
# per serializer class: its bound readable fields, or None when one of them is not shareable
_READERS: dict[type, list[Field] | None] = {}  # type: ignore[type-arg]


def _readers(cls: type[CachedFields]) -> list[Field] | None:  # type: ignore[type-arg]
    if cls not in _READERS:
        template = cls(context={})
        readable = list(template._readable_fields)
        shareable = all(
            type(field) in _SHAREABLE or getattr(type(field), "reads_value_only", False)
            for field in readable
        )
        _READERS[cls] = readable if shareable else None
    return _READERS[cls]


def _holds_a_field(value: Any) -> bool:
    if isinstance(value, Field):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_a_field(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_a_field(item) for item in value.values())
    return False


def _prototype(name: str, field: Field) -> tuple[str, Field, bool]:  # type: ignore[type-arg]
    args, kwargs = field._args, field._kwargs  # type: ignore[attr-defined]
    return name, field, _holds_a_field(args) or _holds_a_field(kwargs)


def _clone(field: Field, deep: bool) -> Field:  # type: ignore[type-arg]
    """A new, unbound field made with the prototype's arguments. Arguments that are fields
    themselves (a list's child, a nested serializer) are deep-copied, as DRF does, so no two
    serializers ever share a bound field."""
    if deep:
        return copy.deepcopy(field)
    return field.__class__(*field._args, **field._kwargs)  # type: ignore[attr-defined]


class CachedFields(serializers.Serializer):  # type: ignore[type-arg]
    """Mix in before a DRF serializer class to build its fields once per class."""

    def get_fields(self) -> dict[str, Field]:  # type: ignore[type-arg]
        prototypes = _PROTOTYPES.get(type(self))
        if prototypes is None:
            built = super().get_fields()
            prototypes = [_prototype(name, field) for name, field in built.items()]
            _PROTOTYPES[type(self)] = prototypes
        return {name: _clone(field, deep) for name, field, deep in prototypes}

    def to_representation(self, instance: Any) -> Any:
        readers = _readers(type(self))
        if readers is None:
            return super().to_representation(instance)
        data: dict[str, Any] = {}
        for field in readers:  # DRF's own loop (Serializer.to_representation)
            try:
                attribute = field.get_attribute(instance)
            except SkipField:
                continue
            value = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            name = str(field.field_name)
            data[name] = None if value is None else field.to_representation(attribute)
        return data
