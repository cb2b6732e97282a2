"""Registering what a list, search, autocomplete or export response returned (DOC-4; 000 §20.2).

A list read is registered as one entry per response naming the ids of the records it returned
and the query that produced them, rather than one entry per record: paging through a list costs
one append, not twenty-five. The entries are still scoped like every other read, by the unit
that owns the records, so a response whose records belong to several units registers one entry
per unit (each naming only that unit's records); a long export registers in chunks of `CHUNK`
ids. All entries of one response carry the same time, reader and query, which is how the
read register groups them again.

Nothing is registered for a response that returned no records, and callers register only
once the response is certain to be answered (after every permission check): a refused request
leaves no entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Model
from django.http import HttpRequest, QueryDict

from guanxi.access.models import Channel
from guanxi.access.register import Read, client_address, register_reads
from guanxi.organisation.models import Person

CHUNK = 1000  # ids per entry: an entry stays a few kilobytes however large the export
QUERY_LIMIT = 2000  # characters of the query kept; a longer one is cut, marked with …
VALUE_LIMIT = 200
# Parameters that shape the response's form, not which records it holds.
IGNORED = frozenset({"csrfmiddlewaretoken", "format", "lang", "language"})


def query_text(params: Mapping[str, Any] | QueryDict | str | None) -> str:
    """The query as it is registered: sorted JSON of the non-empty parameters, readable in
    Chinese (no escapes), each value and the whole cut to a bounded length."""
    if params is None:
        return ""
    if isinstance(params, str):
        return params[:QUERY_LIMIT]
    items: dict[str, Any] = {}
    keys = sorted(str(key) for key in params if str(key) not in IGNORED)
    for key in keys:
        if isinstance(params, QueryDict):
            values = [str(v)[:VALUE_LIMIT] for v in params.getlist(key) if str(v) != ""]
        else:
            raw = params[key]
            seq = raw if isinstance(raw, list | tuple) else [raw]
            values = [str(v)[:VALUE_LIMIT] for v in seq if v is not None and str(v) != ""]
        if values:
            items[key[:VALUE_LIMIT]] = values[0] if len(values) == 1 else values
    if not items:
        return ""
    text = json.dumps(items, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text if len(text) <= QUERY_LIMIT else text[: QUERY_LIMIT - 1] + "…"


def _unit_pairs(objects: Sequence[Model], unit_field: str) -> list[tuple[str, int | None]]:
    """(id, owning unit id) for each record, without a query per record: unless every relation
    on the way to the unit was loaded with the records, the units are fetched in one query."""
    *path, last = unit_field.split("__")
    units: dict[Any, int | None] = {}
    for obj in objects:
        target: Model | None = obj
        for name in path:
            if target is None:
                break
            field = getattr(getattr(type(target), name, None), "field", None)
            if field is None or not field.is_cached(target):
                return _units_in_one_query(objects, unit_field)
            target = getattr(target, name)
        units[obj.pk] = getattr(target, f"{last}_id", None) if target is not None else None
    return [(str(obj.pk), units[obj.pk]) for obj in objects]


def _units_in_one_query(objects: Sequence[Model], unit_field: str) -> list[tuple[str, int | None]]:
    model = type(objects[0])
    units = dict(
        model._default_manager.filter(pk__in=[obj.pk for obj in objects]).values_list(
            "pk", f"{unit_field}_id"
        )
    )
    return [(str(obj.pk), units.get(obj.pk)) for obj in objects]


def list_reads(record_type: str, pairs: Iterable[tuple[str, int | None]], query: str) -> list[Read]:
    """One read per owning unit (in order of first appearance) and per `CHUNK` ids."""
    by_unit: dict[int | None, list[str]] = {}
    for record_id, unit_id in pairs:
        by_unit.setdefault(unit_id, []).append(record_id)
    reads = []
    for unit_id, ids in by_unit.items():
        for start in range(0, len(ids), CHUNK):
            reads.append(
                Read(
                    record_type=record_type,
                    record_id="",
                    record_unit_id=unit_id,
                    record_ids=",".join(ids[start : start + CHUNK]),
                    query=query,
                )
            )
    return reads


def register_list(
    *,
    actor: Person,
    objects: Iterable[Model],
    channel: Channel,
    request: HttpRequest | None = None,
    query: Mapping[str, Any] | QueryDict | str | None = None,
    unit_field: str = "owning_unit",
) -> int:
    """Register the records one response returned; returns how many entries were written.

    `query` defaults to the request's query string (GET) or form (POST). Raises
    `ReadNotRegistered` when the register is unavailable: the caller must not answer with the
    records then (fail-closed), which every view gets from the middleware that turns it into
    503.
    """
    records = list(objects)
    if not records:
        return 0
    if query is None and request is not None:
        query = request.GET if request.method in ("GET", "HEAD") else request.POST
    reads = list_reads(
        records[0]._meta.label_lower, _unit_pairs(records, unit_field), query_text(query)
    )
    return register_reads(
        actor=actor, reads=reads, channel=channel, address=client_address(request)
    )


def register_list_ids(
    *,
    actor: Person,
    record_type: str,
    pairs: Iterable[tuple[Any, int | None]],
    channel: Channel,
    query: str,
    address: str | None = None,
) -> int:
    """`register_list` for an export that streams ids and units rather than model instances."""
    reads = list_reads(record_type, ((str(pk), unit) for pk, unit in pairs), query)
    return register_reads(actor=actor, reads=reads, channel=channel, address=address)


__all__ = ["CHUNK", "list_reads", "query_text", "register_list", "register_list_ids"]
