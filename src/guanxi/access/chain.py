"""The canonical form of an access-log entry and its hash; shared by writer and verifier."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    seq: int,
    at: datetime,
    reader_id: int,
    username: str,
    record_type: str,
    record_id: str,
    record_unit_id: int | None,
    channel: str,
    address: str | None,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        [
            seq,
            stamp(at),
            reader_id,
            username,
            record_type,
            record_id,
            record_unit_id,
            channel,
            address,
            prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
