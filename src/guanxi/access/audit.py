"""Verifying the read register, and checkpoints of its head kept outside the database.

A database superuser can bypass the append-only triggers and rewrite the whole chain
consistently; a checkpoint written elsewhere on a schedule pins the hash that entry N had then,
so such a rewrite is caught by comparing against it.
"""

from __future__ import annotations

# ruff: noqa: S608  (SQL built from constants, never from input)
import hashlib
import json
import urllib.request
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from guanxi.access.chain import FORM_JSON, FORM_PIPE, GENESIS_HASH, HASH_SQL, entry_hash
from guanxi.access.models import ChainHead, ReadJournal

LOG = "access_accesslogentry"
COLUMNS = (
    "seq, at, reader_id, username, record_type, record_id, record_unit_id, channel, {address}, "
    "prev_hash, hash, form"
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


Row = tuple[int, datetime, int, str, str, str, int | None, str, str | None, str, str, int]


def _missing(bad: int, following: int) -> Fault:
    return Fault(bad, f"entry {bad} is missing (next entry is {following})")


def _link_fault(seq: int, prev_seq: int, unlinked: bool) -> Fault:
    if seq == prev_seq:
        return Fault(seq, f"entry {seq} appears more than once (the chain forks there)")
    if seq != prev_seq + 1:
        return _missing(prev_seq + 1, seq)
    if unlinked:
        return Fault(seq, f"entry {seq} does not link to entry {prev_seq}")
    return Fault(seq, f"entry {seq} has been altered (its content does not match its hash)")


def _hash_of(row: Row) -> str:
    seq, at, reader_id, username, record_type, record_id, unit_id, channel, address = row[:9]
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
    )


def _walk(rows: Iterable[Row]) -> tuple[Fault | None, int, str]:
    """Python: check every row in seq order; the first fault, and the last (seq, hash).

    Form-2 entries are hashed inline (the same bytes as `chain._pipe_form`): this loop is the
    whole cost of verifying on SQLite.
    """
    sha256 = hashlib.sha256
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    tick = timedelta(microseconds=1)
    prev_seq, prev_hash = 0, GENESIS_HASH
    for row in rows:
        seq, at, reader_id, username, record_type, record_id, unit_id, channel, address = row[:9]
        if row[11] == FORM_PIPE:
            digest = sha256(
                f"{seq}|{(at - epoch) // tick}|{reader_id}|{len(username)}:{username}|"
                f"{len(record_type)}:{record_type}|{len(record_id)}:{record_id}|"
                f"{'' if unit_id is None else unit_id}|{len(channel)}:{channel}|"
                f"{address or ''}|{row[9]}".encode()
            ).hexdigest()
        else:
            digest = _hash_of(row)
        if seq != prev_seq + 1 or row[9] != prev_hash or digest != row[10]:
            return _link_fault(seq, prev_seq, row[9] != prev_hash), prev_seq, prev_hash
        prev_seq, prev_hash = seq, row[10]
    return None, prev_seq, prev_hash


def _stream(sql: str, params: list[Any], size: int) -> Iterator[Any]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield from batch


def _sqlite_rows(upto: int, chunk: int) -> Iterator[Row]:
    """SQLite stores times as ISO text in UTC; parse them in C, not through the ORM."""
    parse = datetime.fromisoformat
    sql = f"SELECT {COLUMNS.format(address='address')} FROM {LOG} WHERE seq <= %s ORDER BY seq"
    for row in _stream(sql, [upto], chunk):
        at = row[1] if isinstance(row[1], datetime) else parse(row[1])
        yield (row[0], at.replace(tzinfo=UTC), *row[2:])


# The first entry in [lo, hi] that is missing, duplicated, unlinked or (form 2) altered.
# Rows of seq lo - 1 and before lo only provide the link to lo.
_PG_FAULT = f"""
SELECT seq, p_seq, p_hash IS DISTINCT FROM prev_hash
FROM (
  SELECT seq, prev_hash,
    coalesce(lag(seq) OVER w, %(seed_seq)s) AS p_seq,
    coalesce(lag(hash) OVER w, %(seed_hash)s) AS p_hash,
    CASE WHEN form = {FORM_JSON} THEN true ELSE {HASH_SQL} = hash END AS hash_ok
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
        f"SELECT {COLUMNS.format(address='host(address)')} FROM {LOG} "
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
        fault, last_seq, last_hash = _walk(_sqlite_rows(head.seq, chunk))
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
