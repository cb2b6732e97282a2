"""Verifying the read register, and checkpoints of its head kept outside the database.

A database superuser can bypass the append-only triggers and rewrite the whole chain
consistently; a checkpoint written elsewhere on a schedule pins the hash that entry N had then,
so such a rewrite is caught by comparing against it.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.utils import timezone

from guanxi.access.chain import entry_hash
from guanxi.access.models import GENESIS_HASH, AccessLogEntry, ChainHead

FIELDS = (
    "seq",
    "at",
    "reader_id",
    "username",
    "record_type",
    "record_id",
    "record_unit_id",
    "channel",
    "address",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Verdict:
    checked: int
    bad_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_seq is None and not self.reason


Row = tuple[int, datetime, int, str, str, str, int | None, str, str | None, str, str]


def _check_entry(row: Row, prev_seq: int, prev_hash: str) -> str:
    seq, at, reader_id, username, record_type, record_id, unit_id, channel, address = row[:9]
    stored_prev, stored_hash = row[9], row[10]
    if seq != prev_seq + 1:
        return f"entry {prev_seq + 1} is missing (next entry is {seq})"
    if stored_prev != prev_hash:
        return f"entry {seq} does not link to entry {prev_seq}"
    actual = entry_hash(
        seq=seq,
        at=at,
        reader_id=reader_id,
        username=username,
        record_type=record_type,
        record_id=record_id,
        record_unit_id=unit_id,
        channel=channel,
        address=address,
        prev_hash=stored_prev,
    )
    if actual != stored_hash:
        return f"entry {seq} has been altered (its content does not match its hash)"
    return ""


def verify(checkpoints: list[dict[str, object]] | None = None, chunk: int = 20000) -> Verdict:
    """Walk the whole chain once, in order, and name the first entry that does not hold."""
    pins = {int(str(c["seq"])): str(c["hash"]) for c in checkpoints or []}
    prev_seq, prev_hash, checked = 0, GENESIS_HASH, 0
    rows = AccessLogEntry.objects.order_by("seq").values_list(*FIELDS)
    row: Row
    for row in rows.iterator(chunk_size=chunk):
        reason = _check_entry(row, prev_seq, prev_hash)
        if reason:
            bad = prev_seq + 1 if "missing" in reason else row[0]
            return Verdict(checked, bad_seq=bad, reason=reason)
        prev_seq, prev_hash = row[0], row[-1]
        checked += 1
        if prev_seq in pins and pins.pop(prev_seq) != prev_hash:
            return Verdict(
                checked,
                bad_seq=prev_seq,
                reason=(
                    f"entry {prev_seq} differs from the checkpoint taken of it: "
                    "the chain was rewritten after that checkpoint"
                ),
            )
    head = ChainHead.objects.filter(pk=1).first() or ChainHead(seq=0, hash=GENESIS_HASH)
    if head.seq != prev_seq or head.hash != prev_hash:
        return Verdict(
            checked,
            bad_seq=prev_seq + 1,
            reason=(
                f"the chain ends at entry {prev_seq} but its head records entry {head.seq}: "
                "entries were removed from the end"
            ),
        )
    if pins:
        first = min(pins)
        return Verdict(
            checked,
            bad_seq=first,
            reason=(f"a checkpoint records entry {first}, which is no longer in the log"),
        )
    return Verdict(checked)


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
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
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
