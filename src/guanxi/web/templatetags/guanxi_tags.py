from __future__ import annotations

from typing import Any

from django import template

from guanxi.policy import labels

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def policy_label(key: object, table: str) -> str:
    """{{ step.role|policy_label:"roles" }}: a policy key in the reader's language."""
    return labels.policy_label(table, key)
