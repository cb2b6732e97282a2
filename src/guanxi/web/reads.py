"""Registering what a page showed (DOC-4; 000 §20.2), once every permission check has passed.

A list page registers the rows it rendered as one list read (`page_read`); a print, export or
download of one record finds the record without registering it (`find`), makes every check
that may still refuse (403, 404), and only then registers the read (`record_read`): a refused
request leaves no entry in the read register.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, QueryDict

from guanxi.access.lists import list_reads, register_list
from guanxi.access.models import Channel
from guanxi.access.register import Read, client_address, read_of, register_reads
from guanxi.access.scope import acting_person, visible

M = TypeVar("M", bound=Model)


def page_read(
    request: HttpRequest,
    objects: Iterable[Model],
    *,
    unit_field: str = "owning_unit",
    channel: Channel = Channel.PAGE,
    query: Mapping[str, Any] | QueryDict | str | None = None,
) -> int:
    """Register the rows one list, search or autocomplete response shows, as one list read
    (per owning unit); nothing when it shows none. Call it just before answering: a
    `ReadNotRegistered` it raises becomes the 503 page (fail-closed)."""
    return register_list(
        actor=acting_person(request.user),
        objects=objects,
        channel=channel,
        request=request,
        query=query,
        unit_field=unit_field,
    )


def find(
    request: HttpRequest,
    queryset: QuerySet[M],
    permission: str,
    *,
    unit_field: str = "owning_unit",
    **lookup: Any,
) -> M:
    """One record the reader may see, not yet registered (404 when missing or out of sight,
    alike): the caller registers it with `record_read` once nothing can refuse any more."""
    acting_person(request.user)
    try:
        return visible(request.user, queryset, permission, unit_field).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def record_read(request: HttpRequest, reads: Iterable[Read], *, channel: Channel) -> None:
    """Register single-record reads (a printed document and the rows it carries) in one
    append; build each with `read_of(obj, unit_field)`."""
    reads = list(reads)
    if reads:
        register_reads(
            actor=acting_person(request.user),
            reads=reads,
            channel=channel,
            address=client_address(request),
        )


def rows_read(request: HttpRequest, *lists: Iterable[Model], unit_id: int | None) -> None:
    """Register the rows a record's page lists beside it (a customer's contacts and
    departments), one list read per kind in one append; they share the record's unit."""
    reads: list[Read] = []
    for rows in lists:
        rows = list(rows)
        if rows:
            pairs = [(str(row.pk), unit_id) for row in rows]
            reads += list_reads(rows[0]._meta.label_lower, pairs, "")
    record_read(request, reads, channel=Channel.PAGE)


__all__ = ["find", "page_read", "read_of", "record_read", "rows_read"]
