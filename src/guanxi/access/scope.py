"""Who may see or do what: scoping by organisation line and role.

A membership grants its role's permissions over its unit's subtree (ORG-3); a unit of a kind
with `sees_all` (HQ) grants them over every unit. The scope is computed once per request and
kept on the user object, in one query whatever the size of the data.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads, unit_id_of
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.loader import current as current_policy

M = TypeVar("M", bound=Model)
User = Person | AnonymousUser


@dataclass
class Scope:
    """For each permission: the unit ids it covers, or None for every unit."""

    units: dict[str, set[int] | None] = field(default_factory=dict)
    roles: set[tuple[int, str]] = field(default_factory=set)

    def has(self, permission: str) -> bool:
        return permission in self.units

    def unit_ids(self, permission: str) -> set[int] | None:
        return self.units.get(permission, set())

    def covers(self, permission: str, unit_id: int | None) -> bool:
        if permission not in self.units:
            return False
        ids = self.units[permission]
        return ids is None or unit_id in ids


def _memberships_and_subtrees(person: Person, sees_all: list[str]) -> list[tuple[Any, ...]]:
    """(role, unit id, unit kind, unit path, subtree unit id, subtree unit path) for each active
    membership and each unit under it, in one query; a unit of a `sees_all` kind brings no
    subtree (its permissions cover every unit anyway)."""
    unit, membership = Unit._meta.db_table, Membership._meta.db_table
    skip = ""
    if sees_all:
        skip = f" AND mu.kind NOT IN ({', '.join(['%s'] * len(sees_all))})"
    sql = (
        f"SELECT m.role, mu.id, mu.kind, mu.path, u.id, u.path FROM {membership} m "  # noqa: S608 - names from model metadata
        f"JOIN {unit} mu ON mu.id = m.unit_id "
        f"LEFT JOIN {unit} u ON u.path LIKE mu.path || '%%'{skip} "
        "WHERE m.person_id = %s AND mu.is_active"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*sees_all, person.pk])
        return list(cursor.fetchall())


def _compute(person: Person) -> Scope:
    policy = current_policy()
    sees_all = sorted(key for key, kind in policy.unit_kinds.items() if kind.sees_all)
    rows = _memberships_and_subtrees(person, sees_all)
    scope = Scope(roles={(unit_id, role) for role, unit_id, *_rest in rows})
    everywhere: set[str] = set()
    granted: dict[str, set[int]] = {}
    for role_key, _unit_id, kind_key, _path, sub_id, _sub_path in rows:
        role = policy.roles.get(role_key)
        kind = policy.unit_kinds.get(kind_key)
        if role is None or kind is None:
            continue
        for permission in role.grants:
            if kind.sees_all:
                everywhere.add(permission)
            elif sub_id is not None:
                granted.setdefault(permission, set()).add(sub_id)
    for permission, ids in granted.items():
        if permission not in everywhere:
            scope.units[permission] = ids
    for permission in everywhere:
        scope.units[permission] = None
    return scope


# A fresh token per request: a scope cached on a user object is trusted only within the
# request that computed it, even when the same object serves several requests.
_request_token: ContextVar[object | None] = ContextVar("guanxi_request_token", default=None)


class ScopePerRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_token.set(object())
        try:
            return self.get_response(request)
        finally:
            _request_token.reset(token)


def request_token() -> object | None:
    """The current request's token (None outside a request): what may be trusted for the
    length of one request only, such as the working-day calendar's revision."""
    return _request_token.get()


def scope_of(user: User) -> Scope:
    if not isinstance(user, Person) or not user.is_active:
        return Scope()
    cached: tuple[object | None, Scope] | None = getattr(user, "_guanxi_scope", None)
    token = _request_token.get()
    if cached is None or cached[0] is not token:
        cached = (token, _compute(user))
        user._guanxi_scope = cached  # type: ignore[attr-defined]
    return cached[1]


def may(
    user: User, permission: str, obj: Model | None = None, unit_field: str = "owning_unit"
) -> bool:
    """May `user` exercise `permission` — at all, or on `obj` when given."""
    scope = scope_of(user)
    if obj is None:
        return scope.has(permission)
    return scope.covers(permission, unit_id_of(obj, unit_field))


def may_in_unit(user: User, permission: str, unit_id: int | None) -> bool:
    return scope_of(user).covers(permission, unit_id)


def visible(
    user: User, queryset: QuerySet[M], permission: str, unit_field: str = "owning_unit"
) -> QuerySet[M]:
    """The part of `queryset` that `user` may see under `permission`."""
    scope = scope_of(user)
    if not scope.has(permission):
        return queryset.none()
    ids = scope.unit_ids(permission)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{unit_field}_id__in": sorted(ids)})


def fetch(
    user: User,
    queryset: QuerySet[M],
    permission: str,
    *,
    channel: Channel,
    request: HttpRequest | None = None,
    unit_field: str = "owning_unit",
    require: str | None = None,
    **lookup: Any,
) -> M:
    """Fetch one visible record and register the read; missing and forbidden look the same.

    `require` is a further permission the caller needs on the record (an edit page's
    `customer.change`): refused before registering, so a 403 leaves no read behind."""
    if any(_beyond_range(value) for value in lookup.values()):
        raise Http404  # no row has such an id; some drivers fail on it instead of finding none
    try:
        obj = visible(user, queryset, permission, unit_field).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError, OverflowError) as error:
        raise Http404 from error
    if not isinstance(user, Person):
        raise Http404
    if require is not None and not may(user, require, obj, unit_field):
        raise PermissionDenied
    register_reads(
        actor=user,
        reads=[read_of(obj, unit_field)],
        channel=channel,
        address=client_address(request),
    )
    return obj


BIGINT_MAX = 2**63 - 1


def _beyond_range(value: object) -> bool:
    digits = (str(value) if isinstance(value, int | str) else "").lstrip("-")
    return digits.isdigit() and (len(digits) > 19 or int(digits) > BIGINT_MAX)


def acting_person(user: object) -> Person:
    """The signed-in Person behind a request; anything else may not act."""
    if not isinstance(user, Person) or not user.is_active:
        raise PermissionDenied
    return user


def visible_units(user: User, permission: str) -> QuerySet[Unit]:
    """The units over which `user` holds `permission`."""
    scope = scope_of(user)
    if not scope.has(permission):
        return Unit.objects.none()
    ids = scope.unit_ids(permission)
    return Unit.objects.all() if ids is None else Unit.objects.filter(pk__in=sorted(ids))


def forget(user: User) -> None:
    """Drop the cached scope, after the person's memberships change."""
    if hasattr(user, "_guanxi_scope"):
        del user._guanxi_scope
