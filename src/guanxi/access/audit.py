"""Verifying the read register, and checkpoints of its head kept outside the database.

A database superuser can bypass the append-only triggers and rewrite the whole chain
consistently; a checkpoint written elsewhere on a schedule pins the hash that entry N had then,
so such a rewrite is caught by comparing against it.
"""

from __future__ import annotations

# ruff: noqa: S608  (SQL built from constants, never from input)
import hashlib
import json
import multiprocessing
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from guanxi.access.chain import (
    FORM_JSON,
    FORM_LIST,
    FORM_PIPE,
    GENESIS_HASH,
    HASH_SQL,
    LIST_HASH_SQL,
    entry_hash,
)
from guanxi.access.models import ChainHead, ReadJournal

LOG = "access_accesslogentry"
COLUMNS = (
    "seq, {at}, reader_id, username, record_type, record_id, record_unit_id, channel, {address}, "
    "prev_hash, hash, form, record_ids, query"
)


@dataclass(frozen=True)
class Verdict:
    checked: int
    bad_seq: int | None = None
    reason: str = ""
    pending: int = 0  # reads registered in the journal, not yet chained

    @property
    def ok(self) -> bool:
        return self.bad_seq is None and not self.reason


@dataclass(frozen=True)
class Fault:
    seq: int
    reason: str


_SQLITE_AT = "at || ''"
Row = tuple[int, datetime, int, str, str, str, int | None, str, str | None, str, str, int, Any, Any]


def _missing(bad: int, following: int) -> Fault:
    return Fault(bad, f"entry {bad} is missing (next entry is {following})")


def _altered(seq: int) -> str:
    return f"entry {seq} has been altered (its content does not match its hash)"


def _link_fault(seq: int, prev_seq: int, unlinked: bool) -> Fault:
    if seq == prev_seq:
        return Fault(seq, f"entry {seq} appears more than once (the chain forks there)")
    if seq != prev_seq + 1:
        return _missing(prev_seq + 1, seq)
    if unlinked:
        return Fault(seq, f"entry {seq} does not link to entry {prev_seq}")
    return Fault(seq, _altered(seq))


def _hash_of(row: Row) -> str | None:
    """The hash the entry's content calls for, or None when the stored content cannot even be
    read as an entry (an unknown form, a time that is not a time): such an entry is altered."""
    try:
        return _content_hash(row)
    except (TypeError, ValueError, AttributeError, OverflowError):
        return None


def _content_hash(row: Row) -> str:
    seq, at, reader_id, username, record_type, record_id, unit_id, channel, address = row[:9]
    if not isinstance(at, datetime):
        raise TypeError("the time is not a time")
    return entry_hash(
        seq=seq,
        at=at,
        reader_id=reader_id,
        username=username,
        record_type=record_type,
        record_id=record_id,
        record_unit_id=unit_id,
        channel=channel,
        address=address,
        prev_hash=row[9],
        form=row[11],
        record_ids=row[12],
        query=row[13],
    )


def _stream(sql: str, params: list[Any], size: int) -> Iterator[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield from batch


def _sqlite_rows(upto: int, chunk: int, lo: int = 1) -> Iterator[Row]:
    """SQLite stores times as ISO text in UTC; parse them in C, not through the ORM."""
    parse = datetime.fromisoformat
    sql = (
        # `at || ''` is text without a declared type: the driver's converter, which would
        # raise on a malformed time, leaves it alone, and a bad one is found altered below
        f"SELECT {COLUMNS.format(at=_SQLITE_AT, address='address')} FROM {LOG} "
        "WHERE seq >= %s AND seq <= %s ORDER BY seq"
    )
    for row in _stream(sql, [lo, upto], chunk):
        try:
            at = row[1] if isinstance(row[1], datetime) else parse(row[1])
        except (TypeError, ValueError):
            yield (row[0], None, *row[2:])  # unreadable: `_hash_of` finds it altered
            continue
        yield (row[0], at.replace(tzinfo=UTC), *row[2:])


# SQLite builds the form-2 canonical text itself (`chain.CANONICAL_SQL`'s twin) with one
# format() call, leaving Python only the hash. The time is the whole seconds of the stored ISO
# text (without its fraction, which unixepoch would round) plus the six digits after the point.
# A row whose text or hash disagrees is re-checked through `_hash_of`, so an unusual stored time
# can cost speed, never a false alarm. Placeholders are qmark: this runs on the driver's own
# connection, below Django's `%s` translation.
_SQLITE_MICROS = (
    "(unixepoch(substr(at, 1, 19)) * 1000000 + "
    "CASE WHEN substr(at, 20, 1) = '.' THEN CAST(substr(at || '000000', 21, 6) AS INTEGER) "
    "ELSE 0 END)"
)
_SQLITE_RANGE = (
    "SELECT seq, prev_hash, hash, form, format('%d|%d|%d|%d:%s|%d:%s|%d:%s|%s|%d:%s|%s|%s', "
    f"seq, {_SQLITE_MICROS}, reader_id, length(username), username, "
    "length(record_type), record_type, length(record_id), record_id, "
    "coalesce(record_unit_id, ''), length(channel), channel, coalesce(address, ''), prev_hash), "
    "format('|%d:%s|%d:%s', length(coalesce(record_ids, '')), coalesce(record_ids, ''), "
    "length(coalesce(query, '')), coalesce(query, '')) "
    f"FROM {LOG} WHERE seq >= ? AND seq <= ? ORDER BY seq"
)


def _sqlite_walk(lo: int, hi: int, chunk: int) -> tuple[Fault | None, int, str]:
    """Check entries lo..hi on this process's connection: the first fault, and the last
    (seq, hash) seen. The link into lo is the stored hash of entry lo - 1."""
    connection.ensure_connection()
    raw = connection.connection
    prev_seq, prev_hash = 0, GENESIS_HASH
    if lo > 1:
        before = raw.execute(f"SELECT hash FROM {LOG} WHERE seq = ?", [lo - 1]).fetchone()
        prev_seq, prev_hash = lo - 1, (before[0] if before else "")
    sha256 = hashlib.sha256
    cursor = raw.execute(_SQLITE_RANGE, [lo, hi])
    while batch := cursor.fetchmany(chunk):
        for seq, linked_to, digest, form, canonical, suffix in batch:
            if not isinstance(seq, int):
                return Fault(prev_seq + 1, _altered(prev_seq + 1)), prev_seq, prev_hash
            if seq != prev_seq + 1 or linked_to != prev_hash:
                return _link_fault(seq, prev_seq, linked_to != prev_hash), prev_seq, prev_hash
            text = canonical + suffix if form == FORM_LIST else canonical
            if (
                form not in (FORM_PIPE, FORM_LIST)
                or sha256(str(text).encode()).hexdigest() != digest
            ) and (_hash_of(next(_sqlite_rows(seq, 1, lo=seq))) != digest):
                return _link_fault(seq, prev_seq, False), prev_seq, prev_hash
            prev_seq, prev_hash = seq, digest
    return None, prev_seq, prev_hash


def _sqlite_range(bounds: tuple[int, int, int]) -> tuple[Fault | None, int, str]:
    """A range in a worker process: its own connection, closed again when done."""
    try:
        return _sqlite_walk(*bounds)
    finally:
        connection.close()


def _sqlite_chain(upto: int, workers: int, chunk: int) -> tuple[Fault | None, int, str]:
    """Check 1..upto in `workers` ranges, each in a process of its own (the hashing is Python,
    so threads would share one core). A database in memory or an open transaction is not
    visible to other processes: those are walked here, range after range."""
    if upto < 1:
        return None, 0, GENESIS_HASH
    step = -(-upto // max(workers, 1))
    ranges = [(lo, min(lo + step - 1, upto), chunk) for lo in range(1, upto + 1, step)]
    in_memory = connection.is_in_memory_db()  # type: ignore[attr-defined]  # SQLite only
    if workers <= 1 or len(ranges) == 1 or in_memory or connection.in_atomic_block:
        results = [_sqlite_walk(*bounds) for bounds in ranges]
    else:
        connections.close_all()  # a forked child must not share this process's connection
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=len(ranges), mp_context=context) as pool:
            results = list(pool.map(_sqlite_range, ranges))
    for (_lo, hi, _chunk), (fault, last_seq, last_hash) in zip(ranges, results, strict=True):
        if fault is not None:
            return fault, last_seq, last_hash
        if hi != upto and last_seq != hi:  # the range ended early: the entries after are gone
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT min(seq) FROM {LOG} WHERE seq > %s", [last_seq])
                following = cursor.fetchone()[0]
            return _missing(last_seq + 1, following), last_seq, last_hash
    return results[-1]


# The first entry in [lo, hi] that is missing, duplicated, unlinked or (form 2) altered.
# Rows of seq lo - 1 and before lo only provide the link to lo.
_PG_FAULT = f"""
SELECT seq, p_seq, p_hash IS DISTINCT FROM prev_hash
FROM (
  SELECT seq, prev_hash,
    coalesce(lag(seq) OVER w, %(seed_seq)s) AS p_seq,
    coalesce(lag(hash) OVER w, %(seed_hash)s) AS p_hash,
    CASE form WHEN {FORM_JSON} THEN true WHEN {FORM_PIPE} THEN {HASH_SQL} = hash
      WHEN {FORM_LIST} THEN {LIST_HASH_SQL} = hash ELSE false END AS hash_ok
  FROM {LOG} WHERE seq >= %(lo)s - 1 AND seq <= %(hi)s
  WINDOW w AS (ORDER BY seq)
) checked
WHERE seq >= %(lo)s
  AND (p_seq IS DISTINCT FROM seq - 1 OR p_hash IS DISTINCT FROM prev_hash OR NOT hash_ok)
ORDER BY seq LIMIT 1
"""


# For a range checked on a connection of its own. The ranges already run side by side, one per
# core, so parallel workers inside each would only compete for the same cores (and leave the
# hashing to one process anyway); and each month's seq index is already in seq order, so merging
# them beats sorting millions of rows, which spills to disk.
_RANGE_SETTINGS = ("SET max_parallel_workers_per_gather = 0", "SET enable_sort = off")


def _pg_range(lo: int, hi: int, own_connection: bool) -> Fault | None:
    params = {
        "lo": lo,
        "hi": hi,
        "seed_seq": 0 if lo == 1 else None,
        "seed_hash": GENESIS_HASH if lo == 1 else None,
    }
    conn = connections["default"]  # in a worker thread: that thread's own connection
    try:
        with conn.cursor() as cursor:
            if own_connection:
                for setting in _RANGE_SETTINGS:
                    cursor.execute(setting)
            cursor.execute(_PG_FAULT, params)
            row = cursor.fetchone()
            if row is None:
                return None
            seq, prev_seq, unlinked = row
            if prev_seq is None:  # the entry before this range is missing: find where it starts
                cursor.execute(f"SELECT max(seq) FROM {LOG} WHERE seq < %s", [lo - 1])
                before = cursor.fetchone()[0] or 0
                cursor.execute(f"SELECT min(seq) FROM {LOG} WHERE seq > %s", [before])
                return _missing(before + 1, cursor.fetchone()[0])
            return _link_fault(seq, prev_seq, unlinked)
    finally:
        if own_connection:
            conn.close()


def _pg_legacy(upto: int, chunk: int) -> Fault | None:
    """Form-1 entries (JSON canonical form) are hashed in Python; links were checked in SQL."""
    sql = (
        f"SELECT {COLUMNS.format(at='at', address='host(address)')} FROM {LOG} "
        f"WHERE form = {FORM_JSON} AND seq <= %s ORDER BY seq"
    )
    for row in _stream(sql, [upto], chunk):
        if _hash_of(row) != row[10]:
            return _link_fault(row[0], row[0] - 1, False)
    return None


def _pg_chain(upto: int, workers: int, chunk: int) -> Fault | None:
    """Check 1..upto inside PostgreSQL, split into `workers` ranges on their own connections."""
    if upto < 1:
        return None
    if workers <= 1 or connection.in_atomic_block:
        faults = [_pg_range(1, upto, own_connection=False)]
    else:
        step = -(-upto // workers)
        ranges = [(lo, min(lo + step - 1, upto)) for lo in range(1, upto + 1, step)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            faults = list(pool.map(lambda r: _pg_range(r[0], r[1], own_connection=True), ranges))
    faults.append(_pg_legacy(upto, chunk))
    found = [fault for fault in faults if fault is not None]
    return min(found, key=lambda fault: fault.seq) if found else None


def _last(upto: int) -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT seq, hash FROM {LOG} WHERE seq <= %s ORDER BY seq DESC LIMIT 1", [upto]
        )
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)


def _stored(seqs: list[int]) -> dict[int, str]:
    if not seqs:
        return {}
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(seqs))
        cursor.execute(f"SELECT seq, hash FROM {LOG} WHERE seq IN ({marks})", seqs)
        return {int(seq): str(digest) for seq, digest in cursor.fetchall()}


def verify(
    checkpoints: list[dict[str, object]] | None = None,
    chunk: int = 20000,
    workers: int = 2,
) -> Verdict:
    """Check the whole chain up to its head and name the first entry that does not hold.

    The head is read first and only entries up to it are checked, so appends made while
    verifying are left for the next run. On PostgreSQL the work runs in SQL over `workers`
    connections (linear, no rows shipped); elsewhere one cursor streams the rows to Python.
    """
    pins = {int(str(c["seq"])): str(c["hash"]) for c in checkpoints or []}
    head = ChainHead.objects.filter(pk=1).first() or ChainHead(seq=0, hash=GENESIS_HASH)
    pending = ReadJournal.objects.count() if connection.vendor == "postgresql" else 0
    if connection.vendor == "postgresql":
        fault = _pg_chain(head.seq, workers, chunk)
        last_seq, last_hash = _last(head.seq)
    else:
        fault, last_seq, last_hash = _sqlite_chain(head.seq, workers, chunk)
    limit = fault.seq if fault else last_seq + 1
    stored = _stored(sorted(p for p in pins if p < limit))
    for seq in sorted(stored):
        if stored[seq] != pins[seq]:
            return Verdict(
                seq,
                bad_seq=seq,
                reason=(
                    f"entry {seq} differs from the checkpoint taken of it: "
                    "the chain was rewritten after that checkpoint"
                ),
                pending=pending,
            )
    if fault is not None:
        return Verdict(fault.seq - 1, bad_seq=fault.seq, reason=fault.reason, pending=pending)
    if head.seq != last_seq or head.hash != last_hash:
        return Verdict(
            last_seq,
            bad_seq=last_seq + 1,
            reason=(
                f"the chain ends at entry {last_seq} but its head records entry {head.seq}: "
                "entries were removed from the end"
            ),
            pending=pending,
        )
    gone = sorted(p for p in pins if p not in stored)
    if gone:
        return Verdict(
            last_seq,
            bad_seq=gone[0],
            reason=f"a checkpoint records entry {gone[0]}, which is no longer in the log",
            pending=pending,
        )
    return Verdict(last_seq, pending=pending)


def checkpoint_record() -> dict[str, object]:
    head = ChainHead.objects.filter(pk=1).first() or ChainHead(seq=0, hash=GENESIS_HASH)
    return {"seq": head.seq, "hash": head.hash, "taken_at": timezone.now().isoformat()}


def write_checkpoint(target: str) -> str:
    """Write the chain head to a directory (one file per checkpoint) or POST it to a URL."""
    record = checkpoint_record()
    body = json.dumps(record, indent=2)
    if target.startswith(("http://", "https://")):
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            target, data=body.encode(), headers={"Content-Type": "application/json"}, method="POST"
        )
        # bandit B310: the checkpoint store URL is given by the operator.
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310
            response.read()
        return target
    directory = Path(target)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().strftime("%Y%m%dT%H%M%S%f")
    path = directory / f"checkpoint-{record['seq']:0>12}-{stamp}.json"
    path.write_text(body)
    return str(path)


def read_checkpoints(directory: Path) -> list[dict[str, object]]:
    records = []
    for path in sorted(directory.glob("checkpoint-*.json")):
        record = json.loads(path.read_text())
        if int(record["seq"]) > 0:
            records.append(record)
    return records
