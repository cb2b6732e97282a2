"""Every write to the organisation: units, people, memberships."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.labels import policy_label
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import StaleVersion

MOVE_UNDER_ITSELF = gettext_lazy("A unit cannot be moved under itself or one of its own sub-units.")


def _check_kind(kind: str, parent: Unit | None) -> None:
    policy = current_policy()
    unit_kind = policy.unit_kinds.get(kind)
    if unit_kind is None:
        raise ValidationError({"kind": _("Unknown unit kind “%(kind)s”.") % {"kind": kind}})
    if parent is None and unit_kind.parents:
        raise ValidationError({"parent": _("A unit of this kind needs a parent unit.")})
    if parent is not None and parent.kind not in unit_kind.parents:
        raise ValidationError(
            {
                "parent": _("A %(kind)s cannot sit under a %(parent)s.")
                % {
                    "kind": policy_label("unit_kinds", unit_kind.key),
                    "parent": policy_label("unit_kinds", parent.kind),
                }
            }
        )


@transaction.atomic
def unit_create(
    *, actor: Person | None, parent: Unit | None, kind: str, code: str, name: str, name_en: str = ""
) -> Unit:
    _check_kind(kind, parent)
    unit = Unit(parent=parent, kind=kind, code=code, name=name, name_en=name_en)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    Unit.objects.filter(pk=unit.pk).update(path=unit.path)
    return unit


def _move(unit: Unit, parent: Unit | None) -> None:
    old_prefix = unit.path
    new_prefix = f"{parent.path if parent else '/'}{unit.pk}/"
    # One set-based update re-roots the whole subtree, however large.
    Unit.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr(F("path"), Length(Value(old_prefix)) + 1))
    )
    unit.path = new_prefix


@transaction.atomic
def unit_update(*, actor: Person | None, unit: Unit, version: int, **changes: Any) -> Unit:
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if locked.version != version:
        raise StaleVersion(expected=version, actual=locked.version)
    parent = changes.get("parent", locked.parent)
    kind = changes.get("kind", locked.kind)
    if parent is not None and parent.path.startswith(locked.path):
        raise ValidationError({"parent": MOVE_UNDER_ITSELF})
    if parent != locked.parent or kind != locked.kind:
        _check_kind(kind, parent)
    if parent != locked.parent:
        _move(locked, parent)
    for field in ("parent", "kind", "code", "name", "name_en", "is_active"):
        if field in changes:
            setattr(locked, field, changes[field])
    locked.full_clean(exclude=["path"])
    locked.version += 1
    locked.save()
    return locked


def _check_role(role: str) -> None:
    if role not in current_policy().roles:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})


@transaction.atomic
def membership_create(*, actor: Person | None, person: Person, unit: Unit, role: str) -> Membership:
    _check_role(role)
    membership, _created = Membership.objects.get_or_create(person=person, unit=unit, role=role)
    return membership


@transaction.atomic
def person_create(
    *,
    actor: Person | None,
    username: str,
    display_name: str,
    email: str = "",
    phone: str = "",
    password: str | None = None,
) -> Person:
    # normalised (NFKC) before it is validated: Django normalises in clean(), after the
    # validators ran, and "¼" would be stored as "1⁄4", which no username may contain
    username = Person.normalize_username(username)
    person = Person(username=username, display_name=display_name, email=email, phone=phone)
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.full_clean(exclude=["password"])
    person.save()
    return person


@transaction.atomic
def person_update(*, actor: Person | None, person: Person, version: int, **changes: Any) -> Person:
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if locked.version != version:
        raise StaleVersion(expected=version, actual=locked.version)
    for field in ("display_name", "email", "phone", "is_active"):
        if field in changes:
            setattr(locked, field, changes[field])
    locked.full_clean(exclude=["password"])
    locked.version += 1
    locked.save()
    return locked
