"""Serializer fields built once per class, cloned per use.

DRF builds every field of a ModelSerializer anew for each serializer instance, introspecting the
model each time; on the customer detail endpoint that was a quarter of the request. The fields a
class builds depend only on the class (its Meta and declarations), so the first build is kept as
a prototype that is never bound, and each instance gets fresh clones of it.
"""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import serializers
from rest_framework.fields import Field

# per serializer class: (name, unbound prototype, whether its arguments hold fields)
_PROTOTYPES: dict[type, list[tuple[str, Field, bool]]] = {}  # type: ignore[type-arg]


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
