"""A policy key as people read it: the unit kind, role, tier, source or classification option
in the reader's language, from the policy's own names, never the key itself (issue 12 item 5).
"""

from __future__ import annotations

from django.utils import translation

from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import DIMENSION_KEYS, Option, Rule

# Which stored field holds which policy table's keys.
FIELD_TABLES = {"kind": "unit_kinds", "role": "roles", "tier": "tiers", "source": "sources"}


def _named(table: str, key: str) -> Rule | Option | None:
    policy = current_policy()
    if table in DIMENSION_KEYS:
        dimension = policy.dimensions.get(table)
        return dimension.option(key) if dimension else None
    found: Rule | Option | None = getattr(policy, table, {}).get(key)
    return found


def policy_label(table: str, key: object, language: str | None = None) -> str:
    """The name of `key` in the policy table (`roles`, `unit_kinds`, `tiers`, `sources`, `plans`
    or a dimension such as `industry`); an unknown key is shown as it is."""
    named = _named(table, str(key))
    if named is None:
        return "" if key is None else str(key)
    return named.name(language or translation.get_language())


def field_label(field_name: str, key: object, language: str | None = None) -> str | None:
    """The policy name of a stored value of `field_name`, or None when no policy table holds it."""
    table = field_name if field_name in DIMENSION_KEYS else FIELD_TABLES.get(field_name)
    if table is None or _named(table, str(key)) is None:
        return None
    return policy_label(table, key, language)
