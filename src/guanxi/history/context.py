"""Who changes the archive, from what source, through what path: the transaction's attribution.

The history triggers (guanxi.history.triggers) read it; nothing else does.

    with attributed(actor=person, source="visit"):          # a service write
        ...
    with attributed(actor=None, via="command"):             # a management command
        ...
    with attributed(actor=person, source=key, via="import"):  # the Excel import
        customer_create(actor=person, ...)                   # recorded with via "import"

`attributed` enters `transaction.atomic()` itself. On PostgreSQL it sets the
transaction-local settings `guanxi.actor`, `guanxi.source` and `guanxi.via`; on SQLite it sets
a context variable that the SQL functions `guanxi_actor()` etc. return. Writes with no
attribution (raw SQL, another client) are recorded with via "database" and no actor.

Service functions are decorated with `attributed_write`: the actor is the service's `actor`,
the source its `source` keyword (or the record's own `source` field, see `record_source`),
and an enclosing attribution's path (import, command) is kept.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils.translation import gettext as _

from guanxi.history.models import Via
from guanxi.policy.loader import current as current_policy

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Attribution:
    actor_id: int | None
    source: str
    via: str


_current: ContextVar[Attribution | None] = ContextVar("guanxi_history_attribution", default=None)


def current() -> Attribution | None:
    return _current.get()


def _check(source: str, via: str) -> None:
    if via not in Via.values:
        raise ValueError(f"unknown history path {via!r}")
    if source and source not in current_policy().sources:
        raise ValidationError({"source": _("Unknown information source “%(s)s”.") % {"s": source}})


def _push(attribution: Attribution | None) -> None:
    """Tell PostgreSQL, for the rest of this transaction (SQLite reads the context variable)."""
    if connection.vendor != "postgresql":
        return
    values = ("", "", "") if attribution is None else _values(attribution)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('guanxi.actor', %s, true), set_config('guanxi.source', %s, true),"
            " set_config('guanxi.via', %s, true)",
            values,
        )


def _values(attribution: Attribution) -> tuple[str, str, str]:
    actor = "" if attribution.actor_id is None else str(attribution.actor_id)
    return actor, attribution.source, attribution.via


@contextmanager
def _attribution(attribution: Attribution) -> Iterator[Attribution]:
    with transaction.atomic():
        previous = _current.get()
        token = _current.set(attribution)
        try:
            _push(attribution)
            yield attribution
        except BaseException:
            # the savepoint rolls back, and with it the transaction-local settings
            _current.reset(token)
            raise
        _current.reset(token)
        _push(previous)


def attributed(
    *, actor: Model | int | None, source: str = "", via: str = Via.SERVICE
) -> AbstractContextManager[Attribution]:
    """Attribute the archive writes inside the block to `actor`, `source` and `via`."""
    _check(source, via)
    actor_id = actor if isinstance(actor, int) or actor is None else int(actor.pk)
    return _attribution(Attribution(actor_id=actor_id, source=source, via=str(via)))


def _for_service(actor: Model | None, source: str) -> Attribution:
    outer = _current.get()
    via = outer.via if outer is not None else str(Via.SERVICE)
    if not source and outer is not None:
        source = outer.source
    _check(source, via)
    return Attribution(actor_id=None if actor is None else int(actor.pk), source=source, via=via)


def attributed_write(function: Callable[P, R]) -> Callable[P, R]:
    """Run a service write attributed to its `actor` keyword and optional `source` keyword.

    A `source` keyword is accepted even by services that have no such parameter (their
    records have no source field): it is then only recorded in the history.
    """
    accepts_source = _accepts(function, "source")

    @functools.wraps(function)
    def write(*args: P.args, **kwargs: P.kwargs) -> R:
        source = str(kwargs.get("source") or "")
        if not accepts_source:
            kwargs.pop("source", None)
        actor = kwargs.get("actor")
        with _attribution(_for_service(actor if isinstance(actor, Model) else None, source)):
            return function(*args, **kwargs)

    return write


def _accepts(function: Callable[..., Any], name: str) -> bool:
    parameters = inspect.signature(function).parameters.values()
    return any(p.name == name or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def record_source(record: Model) -> AbstractContextManager[object]:
    """Attribute the save of `record` to its own `source` field when it has a value."""
    source = str(getattr(record, "source", "") or "")
    outer = _current.get()
    if not source or outer is None or outer.source == source:
        return nullcontext()
    return _attribution(replace(outer, source=source))


# SQLite: the functions the triggers call -------------------------------------------------


def _actor() -> int | None:
    attribution = _current.get()
    return None if attribution is None else attribution.actor_id


def _source() -> str:
    attribution = _current.get()
    return "" if attribution is None else attribution.source


def _via() -> str:
    attribution = _current.get()
    return str(Via.DATABASE) if attribution is None else attribution.via


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: give a new SQLite connection the attribution functions."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("guanxi_actor", 0, _actor)
    raw.create_function("guanxi_source", 0, _source)
    raw.create_function("guanxi_via", 0, _via)
