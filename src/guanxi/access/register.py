"""Registering reads: fail-closed, hash-chained, without serialising concurrent requests.

Guarantees (DOC-4):

* **A read is registered iff its data may be shown.** `register_reads` returns only once the
  read is durably stored; if that fails it raises `ReadNotRegistered`, and the caller answers
  503 without the data (fail-closed).
* **On PostgreSQL a registration is one insert into the journal** (`ReadJournal`), with no lock,
  committed with the usual durability. Requests therefore register in parallel.
* **The chainer moves journal rows into the chain** (`chain_pending`): under the chain-head
  row lock it deletes a batch from the journal, gives the rows the next `seq` numbers in
  journal order, hashes them onto the head and inserts them, in one transaction. Because the
  move is one transaction, a row is either still in the journal or in the chain, never both or
  neither; because `seq` is only assigned under the head lock, the chain has no gaps and no
  forks. The move commits asynchronously (`synchronous_commit = off`): a crash can lose only
  whole recent moves, whose rows are then still in the journal, durable, and chained again.
* **A registering request chains at most once per `READ_CHAIN_SECONDS` per process**, right
  after its own commit, with SKIP LOCKED: when another process holds the head, this one returns
  at once (no queue), and the holder, after releasing the head, looks again for rows committed
  meanwhile and chains them, so no row is left behind by a race (for at most `ROUNDS` moves;
  under a stream that outlasts them, the next chaining carries on). The other requests of that
  second only insert their journal row: under load one move carries many requests' reads (group
  commit) and the chain lags the journal by about a second. The scheduler chains every
  `READ_CHAIN_SECONDS` too (`guanxi.access.chain_pending`), so a read registered just before a
  quiet spell does not wait for the next one; the access-log page and `audit verify` chain what
  is pending before they read.
* **Inside an outer transaction** (tests, services that register within their own atomic
  block) the rows are chained in that transaction, so they commit or vanish together with it;
  the head stays locked until it ends, as before.
* If a process dies between its journal commit and chaining, its rows wait in the journal until
  the next registration anywhere, or `guanxi audit chain`; `audit verify` reports how many wait.

SQLite has one writer at a time anyway: there a registration appends to the chain directly.
"""

from __future__ import annotations

# ruff: noqa: S608  (SQL built from constants, never from input)
import contextlib
import fcntl
import json
import logging
import math
import os
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.access import partitions
from guanxi.access.chain import CURRENT_FORM, GENESIS_HASH, LOG_COLUMNS, entry_hash
from guanxi.access.models import AccessLogEntry, ChainHead, Channel, ReadJournal
from guanxi.organisation.models import Person

logger = logging.getLogger(__name__)

BATCH = 5000
ROUNDS = 20  # moves one registering request makes at most, so none is held up long

# A journal row as the chainer reads it: id, at, reader_id, username, record_type, record_id,
# record_unit_id, channel, address (as PostgreSQL's host() text, which verify hashes too),
# record_ids, query.
_MOVE_SQL = f"""
DELETE FROM access_readjournal WHERE id IN (
  SELECT id FROM access_readjournal ORDER BY id LIMIT {BATCH}
) RETURNING id, at, reader_id, username, record_type, record_id, record_unit_id, channel,
  host(address), record_ids, query
"""


class ReadNotRegistered(Exception):
    """The read could not be registered, so the data must not be shown (DOC-4, fail-closed)."""

    message = _(
        "This record cannot be shown right now because the read could not be "
        "registered. Please try again in a moment; if it persists, tell the administrator."
    )


@dataclass(frozen=True)
class Read:
    """One entry to register: a single record, or (with `record_ids`) the records one list,
    search or export response returned, with the query that produced them."""

    record_type: str
    record_id: str
    record_unit_id: int | None
    record_ids: str | None = None
    query: str | None = None


# A read as it is chained: at, reader_id, username, record_type, record_id, record_unit_id,
# channel, address, record_ids, query.
Pending = tuple[datetime, int, str, str, str, int | None, str, str | None, str | None, str | None]


def unit_id_of(obj: Model, unit_field: str = "owning_unit") -> int | None:
    """The id of the unit owning `obj`, following a path such as "customer__owning_unit"."""
    *hops, last = unit_field.split("__")
    target: object = obj
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    value = getattr(target, f"{last}_id", None)
    return int(value) if value is not None else None


def read_of(obj: Model, unit_field: str = "owning_unit") -> Read:
    return Read(
        record_type=obj._meta.label_lower,
        record_id=str(obj.pk),
        record_unit_id=unit_id_of(obj, unit_field),
    )


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _head_row(cursor: Any, *, wait: bool) -> tuple[int, str] | None:
    """Lock the chain head; None if another process holds it (only when not waiting).

    An empty log may start a chain; a log without a head may not.
    """
    lock = ""  # SQLite: the IMMEDIATE transaction already holds the one write lock
    if connection.vendor == "postgresql":
        lock = "FOR UPDATE" if wait else "FOR UPDATE SKIP LOCKED"
    cursor.execute(f"SELECT seq, hash FROM access_chainhead WHERE id = 1 {lock}")
    row = cursor.fetchone()
    if row is not None:
        return int(row[0]), str(row[1])
    if ChainHead.objects.filter(pk=1).exists():
        return None  # held by another chainer
    if AccessLogEntry.objects.exists():
        raise ChainHead.DoesNotExist("the access log has entries but no chain head")
    ChainHead.objects.get_or_create(pk=1)
    return _head_row(cursor, wait=True)


# The chain's columns as `_link` yields them, and the one INSERT that writes them: the ORM's
# bulk_create built two model instances and prepared every value of every entry again, which
# cost more than the hashing on a list page of many units.
_ENTRY_COLUMNS = (*LOG_COLUMNS, "record_ids", "query")
_INSERT_ENTRIES = (
    f"INSERT INTO access_accesslogentry ({', '.join(_ENTRY_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(_ENTRY_COLUMNS))})"
)
_COPY_ENTRIES = f"COPY access_accesslogentry ({', '.join(_ENTRY_COLUMNS)}) FROM STDIN"
_JOURNAL_COLUMNS = (
    "at, reader_id, username, record_type, record_id, record_unit_id, channel, address, "
    "record_ids, query"
)
# A registration is one INSERT of however many reads, their own fields passed as one JSON
# text: a statement of six parameters whatever the list's length, which the driver parses once
# and caches (a VALUES row per read, or an array per field, cost more to build and quote than
# the database took to store them).
_INSERT_JOURNAL = (
    f"INSERT INTO access_readjournal ({_JOURNAL_COLUMNS}) "
    "SELECT %s::timestamptz, %s::bigint, %s::varchar, r.kind, r.id, r.unit, %s::varchar, "
    "%s::inet, r.ids, r.query FROM ROWS FROM (json_to_recordset(%s::json) AS (kind varchar, "
    "id varchar, unit bigint, ids text, query text)) WITH ORDINALITY "
    "AS r(kind, id, unit, ids, query, n) ORDER BY r.n"
)


def _link(rows: list[Pending], seq: int, prev: str) -> tuple[list[tuple[Any, ...]], int, str]:
    entries = []
    for row in rows:
        at, reader_id, username, record_type, record_id, unit_id, channel, address = row[:8]
        record_ids, query = row[8], row[9]
        seq += 1
        digest = entry_hash(
            seq=seq,
            at=at,
            reader_id=reader_id,
            username=username,
            record_type=record_type,
            record_id=record_id,
            record_unit_id=unit_id,
            channel=channel,
            address=address,
            prev_hash=prev,
            form=CURRENT_FORM,
            record_ids=record_ids,
            query=query,
        )
        entries.append(
            (
                seq,
                at,
                reader_id,
                username,
                record_type,
                record_id,
                unit_id,
                channel,
                address,
                prev,
                digest,
                CURRENT_FORM,
                record_ids,
                query,
            )
        )
        prev = digest
    return entries, seq, prev


def _stored_time(at: datetime) -> Any:
    """The time as the database driver takes it (SQLite: UTC text, as the ORM writes it)."""
    return connection.ops.adapt_datetimefield_value(at)


def _append(entries: list[tuple[Any, ...]], seq: int, prev: str) -> None:
    """Insert the linked entries and move the head. PostgreSQL takes them by COPY (the
    chainer of a busy list page moves hundreds a second); SQLite by one executemany."""
    with connection.cursor() as cursor:
        if entries and connection.vendor == "postgresql":
            # the driver's own COPY: its errors are wrapped as Django's, as a query's are
            with connection.wrap_database_errors, cursor.cursor.copy(_COPY_ENTRIES) as copy:
                for entry in entries:
                    copy.write_row(entry)
        elif entries:
            stored = _stored_time(entries[0][1])
            rows = [
                (e[0], stored if e[1] is entries[0][1] else _stored_time(e[1]), *e[2:])
                for e in entries
            ]
            cursor.executemany(_INSERT_ENTRIES, rows)
        cursor.execute("UPDATE access_chainhead SET seq = %s, hash = %s WHERE id = 1", [seq, prev])


def _move_batch(*, wait: bool, own_transaction: bool) -> int | None:
    """One move from journal to chain in the current transaction; None if the head was busy.

    In a transaction of its own the chainer's flag simply ends with it; inside a caller's
    transaction it is switched off again right after the move.
    """
    with connection.cursor() as cursor:
        if own_transaction:
            cursor.execute(
                "SET LOCAL synchronous_commit = off; "
                "SELECT set_config('guanxi.chainer', 'on', true)"
            )
        head = _head_row(cursor, wait=wait)
        if head is None:
            return None
        if not own_transaction:
            cursor.execute("SELECT set_config('guanxi.chainer', 'on', true)")
        cursor.execute(_MOVE_SQL)
        moved = sorted(cursor.fetchall())
        if not own_transaction:
            cursor.execute("SELECT set_config('guanxi.chainer', 'off', true)")
        if not moved:
            return 0
        for at in {partitions.month_of(row[1]): row[1] for row in moved}.values():
            partitions.ensure_month(cursor, at)
        entries, seq, prev = _link([row[1:] for row in moved], *head)
        _append(entries, seq, prev)
        return len(moved)


def chain_pending(*, wait: bool = False) -> int:
    """Move every committed journal row into the chain; returns how many were chained.

    Not waiting, it gives up at once when another process holds the head: that one, after
    releasing it, looks again for rows committed in the meantime (see the module docstring).
    """
    if connection.vendor != "postgresql":
        return 0
    if connection.in_atomic_block:
        total = 0
        while (moved := _move_batch(wait=True, own_transaction=False)) is not None and moved:
            total += moved
            if moved < BATCH:
                break
        return total
    total = 0
    for _round in range(ROUNDS):
        with transaction.atomic():
            moved = _move_batch(wait=wait, own_transaction=True)
        if moved is None:
            return total  # the holder of the head will look again after releasing it
        total += moved
        # Rows committed while this process held the head were left to it: look again.
        # Through the primary key: a scan of the table would read every row the moves just
        # deleted (dead until vacuum), milliseconds on a busy journal.
        if moved < BATCH and ReadJournal.objects.order_by("pk").values_list("pk").first() is None:
            return total
    return total  # under a steady stream the next registration carries on


def _journal_rows(
    actor: Person, reads: list[Read], channel: Channel, address: str | None
) -> list[Pending]:
    now, reader, username, kind = timezone.now(), actor.pk, actor.get_username(), str(channel)
    return [
        (
            now,
            reader,
            username,
            read.record_type,
            read.record_id,
            read.record_unit_id,
            kind,
            address,
            read.record_ids,
            read.query,
        )
        for read in reads
    ]


def _append_directly(rows: list[Pending]) -> None:
    """SQLite: lock the head (the one writer) and append the rows to the chain."""
    with connection.cursor() as cursor:
        head = _head_row(cursor, wait=True)
    if head is None:
        raise ChainHead.DoesNotExist("the chain head is held elsewhere")
    entries, seq, prev = _link(rows, *head)
    _append(entries, seq, prev)


def _journal(rows: list[Pending]) -> None:
    """PostgreSQL: insert the reads into the journal (no lock; the chainer moves them). The
    rows of one registration share their reader, time, channel and address."""
    at, reader, username, _kind, _id, _unit, channel, address = rows[0][:8]
    reads = json.dumps(
        [
            {"kind": row[3], "id": row[4], "unit": row[5], "ids": row[8], "query": row[9]}
            for row in rows
        ],
        ensure_ascii=False,
    )
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_JOURNAL, [at, reader, username, channel, address, reads])


# SQLite has one writer, and a writer that finds the lock taken sleeps in SQLite's busy
# handler (1, 2, 5, 10 … ms) rather than waking when it is free: under eight concurrent
# readers the read register's own appends spent most of their time asleep. They queue here
# instead, on a lock that wakes the next one at once: a thread lock within the process and an
# flock on a file beside the database between processes.
_writer_gate = threading.Lock()
_writer_files: dict[str, int] = {}


def _forked() -> None:
    """A forked child gets its own gate and opens its own lock file: an inherited descriptor
    would share the parent's lock, and an inherited gate might be held by a parent's thread."""
    global _writer_gate
    _writer_gate = threading.Lock()
    _writer_files.clear()


os.register_at_fork(after_in_child=_forked)


@contextlib.contextmanager
def _one_writer(outer: bool) -> Iterator[None]:
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        # one connection shared by every thread of the process (a test's live server): its
        # appends queue on the thread gate, or two requests would read the same chain head
        with _writer_gate:
            yield
        return
    if outer or not name:
        yield  # inside a transaction the write lock is already this connection's
        return
    with _writer_gate:
        descriptor = _writer_files.get(name)
        if descriptor is None:
            descriptor = os.open(f"{name}-register.lock", os.O_RDWR | os.O_CREAT, 0o600)
            _writer_files[name] = descriptor
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


_last_chain = -math.inf  # the first registration of a process chains, however soon after boot
_chain_gate = threading.Lock()


def _due_to_chain() -> bool:
    """True for at most one registration per `READ_CHAIN_SECONDS` in this process."""
    global _last_chain
    interval = float(getattr(settings, "READ_CHAIN_SECONDS", 1.0))
    if interval <= 0:
        return True
    with _chain_gate:
        now = time.monotonic()
        if now - _last_chain < interval:
            return False
        _last_chain = now
        return True


def chain_before_reading() -> None:
    """Bring the chain up to date before showing it (the read register's pages): reads of the
    last second may still be in the journal. Never fails the page: at worst it lags."""
    try:
        chain_pending(wait=False)
    except (DatabaseError, ChainHead.DoesNotExist):
        logger.exception("chaining deferred")


def _chain_after_commit() -> None:
    if not _due_to_chain():
        return  # the journal row is durable; this second's chaining or the scheduler moves it
    try:
        chain_pending(wait=False)
    except (DatabaseError, ChainHead.DoesNotExist):
        # Registered (in the journal) all the same; the next registration chains it.
        logger.exception("chaining deferred")


def register_reads(
    *, actor: Person, reads: Iterable[Read], channel: Channel, address: str | None
) -> int:
    """Register one entry per read durably, or raise ReadNotRegistered; returns the count."""
    reads = list(reads)
    if not reads:
        return 0
    rows = _journal_rows(actor, reads, channel, address)
    outer = connection.in_atomic_block
    try:
        if connection.vendor == "postgresql" and not outer:
            # one INSERT in autocommit is atomic by itself; a transaction would add BEGIN and
            # COMMIT round trips to the busiest paths there are (a detail read, a list page)
            _journal(rows)
        elif connection.vendor != "postgresql":
            with _one_writer(outer), transaction.atomic():
                _append_directly(rows)
        else:
            with transaction.atomic():
                _journal(rows)
                if outer:
                    chain_pending(wait=True)
    except (DatabaseError, ChainHead.DoesNotExist) as error:
        logger.exception("read register unavailable")
        raise ReadNotRegistered(str(error)) from error
    if connection.vendor == "postgresql":
        if outer:
            transaction.on_commit(_chain_after_commit)
        else:
            _chain_after_commit()
    return len(rows)


def register_read(
    *,
    actor: Person,
    obj: Model,
    channel: Channel,
    request: HttpRequest | None = None,
    unit_field: str = "owning_unit",
) -> None:
    register_reads(
        actor=actor,
        reads=[read_of(obj, unit_field)],
        channel=channel,
        address=client_address(request),
    )


__all__ = [
    "GENESIS_HASH",
    "Read",
    "ReadNotRegistered",
    "chain_before_reading",
    "chain_pending",
    "client_address",
    "read_of",
    "register_read",
    "register_reads",
    "unit_id_of",
]
