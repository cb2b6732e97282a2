"""May this person do this to this form? (000 §22: the executing unit keeps the original.)

Seeing follows the normal scoping (`feedback.view` over one's line), so the next level up and
every unit above see a form read-only. Changing it, or signing as its visitor, needs
`feedback.change` held *in* the executing unit itself: a copy is never edited. The marketing
manager signs from the executing unit or the unit right above it (a base has no manager).
"""

from __future__ import annotations

from guanxi.access.scope import User, scope_of
from guanxi.feedback.models import FormRecord
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy


def holds_in(actor: User, permission: str, unit_ids: set[int]) -> bool:
    """True when a membership *at* one of `unit_ids` (not above it) grants `permission`."""
    roles = current_policy().roles
    return any(
        unit_id in unit_ids and role in roles and permission in roles[role].grants
        for unit_id, role in scope_of(actor).roles
    )


def owns_unit(actor: User, unit_id: int) -> bool:
    return holds_in(actor, "feedback.change", {unit_id})


def may_edit(actor: User, record: FormRecord) -> bool:
    return owns_unit(actor, record.unit_id)


def manager_units(unit: Unit) -> set[int]:
    return {unit.pk} | ({unit.parent_id} if unit.parent_id else set())


def may_sign_as_manager(actor: User, record: FormRecord) -> bool:
    return holds_in(actor, "feedback.sign_manager", manager_units(record.unit))


def is_visitor(actor: Person, record: FormRecord) -> bool:
    return record.our_people.filter(pk=actor.pk).exists()
