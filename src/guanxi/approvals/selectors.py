"""Reads of approvals: the inbox of what waits on a person, and requests a person may follow."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from guanxi.access.models import Channel
from guanxi.access.register import client_address, read_of, register_reads
from guanxi.access.scope import scope_of, visible
from guanxi.approvals.models import Approval, Delegation, Status, Step
from guanxi.approvals.services import deciders
from guanxi.organisation.models import Person
from guanxi.paging import (
    MERGE_UNITS_MAX,
    KeysetPage,
    Part,
    keyset_page,
    keyset_page_of_parts,
)


def _pairs_q(person: Person) -> Q:
    condition = Q(pk__in=[])
    for unit_id, role in deciders(person):
        condition |= Q(unit_id=unit_id, role=role)
    return condition


def inbox(*, actor: Person) -> QuerySet[Step]:
    """Steps that wait on `actor` now (own roles and roles delegated to them), newest first."""
    return (
        Step.objects.filter(_pairs_q(actor), decision="pending", approval__status=Status.PENDING)
        .exclude(approval__requested_by=actor)
        .select_related("approval", "approval__requesting_unit", "approval__requested_by", "unit")
        .order_by("-id")
    )


def approval_list(*, actor: Person, status: str = "", kind: str = "") -> QuerySet[Approval]:
    """Requests of the actor's unit line (approval.view), their own, and those waiting on them."""
    seen = visible(actor, Approval.objects.all(), "approval.view", "requesting_unit")
    waiting = Step.objects.filter(_pairs_q(actor)).values("approval_id")
    rows = seen | Approval.objects.filter(Q(requested_by=actor) | Q(pk__in=waiting))
    rows = _narrowed(rows, status=status, kind=kind)
    return rows.select_related("requesting_unit", "requested_by").order_by("-id")


def _narrowed(rows: QuerySet[Any], *, status: str, kind: str, path: str = "") -> QuerySet[Any]:
    """Requests of one status and kind, when given; `path` leads from `rows` to the request."""
    if status:
        rows = rows.filter(**{f"{path}status": status})
    if kind:
        rows = rows.filter(**{f"{path}kind": kind})
    return rows


def approval_page(
    *, actor: Person, status: str = "", kind: str = "", after: str | None, size: int
) -> KeysetPage[Approval]:
    """A page of `approval_list`, newest first. For a reader of a few units its ids come from
    one index walk per source (each unit, the requester, each (unit, role) decided for): the
    OR of the three lets no database use an index, and SQLite sorted all of them per page."""
    rows = approval_list(actor=actor, status=status, kind=kind)
    units = scope_of(actor).unit_ids("approval.view")
    if units is None or len(units) > MERGE_UNITS_MAX:
        return keyset_page(rows, after=after, size=size)

    own = [Approval.objects.filter(requesting_unit_id=u) for u in sorted(units)]
    own.append(Approval.objects.filter(requested_by=actor))
    parts = [Part(_narrowed(part, status=status, kind=kind), "pk") for part in own]
    for unit_id, role in sorted(deciders(actor)):
        steps = Step.objects.filter(unit_id=unit_id, role=role)
        parts.append(
            Part(_narrowed(steps, status=status, kind=kind, path="approval__"), "approval_id")
        )
    return keyset_page_of_parts(rows, parts, after=after, size=size)


def approval_get(
    *, actor: Person, pk: int, channel: Channel, request: HttpRequest | None = None
) -> Approval:
    """One request the actor may follow, its read registered; missing and forbidden alike 404."""
    approval = approval_list(actor=actor).filter(pk=pk).first()
    if approval is None:
        raise Http404
    register_reads(
        actor=actor,
        reads=[read_of(approval, "requesting_unit")],
        channel=channel,
        address=client_address(request),
    )
    return approval


def approval_steps(approval: Approval) -> list[Step]:
    return list(approval.steps.select_related("unit", "decided_by", "on_behalf_of"))


def delegations_of(*, actor: Person) -> QuerySet[Delegation]:
    return (
        Delegation.objects.filter(Q(delegator=actor) | Q(delegate=actor))
        .select_related("delegator", "delegate")
        .order_by("-ends", "-id")
    )
