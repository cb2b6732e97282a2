"""The canonical form of an access-log entry and its hash; shared by writer and verifier.

Three canonical forms exist and every entry records which one its hash covers (`form`), because
entries are append-only and can never be re-hashed:

* form 1 (entries written before the read register was partitioned): a compact JSON array.
  Only Python computes it, so form-1 entries are verified in Python.
* form 2 (every entry since): fields joined by ``|``; free text is length-prefixed
  (``7:div1.hq``), integers in decimal, NULL as an empty field, the time as whole microseconds
  since the Unix epoch. PostgreSQL computes exactly the same bytes in `CANONICAL_SQL`, which
  lets `guanxi audit verify` check tens of millions of entries inside the database.
* form 3 (every entry registered since list reads are registered): form 2 followed by the ids
  of the records a list, search or export returned and the query that produced them, both
  length-prefixed (NULL as ``0:``). Bulk-loaded single-record entries stay in form 2.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta

GENESIS_HASH = "0" * 64
FORM_JSON = 1
FORM_PIPE = 2
FORM_LIST = 3
CURRENT_FORM = FORM_LIST
FORMS = (FORM_JSON, FORM_PIPE, FORM_LIST)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

# The PostgreSQL twin of `_pipe_form`, over the columns of access_accesslogentry.
CANONICAL_SQL = (
    "concat_ws('|', seq, (extract(epoch from at) * 1000000)::bigint, reader_id, "
    "length(username) || ':' || username, length(record_type) || ':' || record_type, "
    "length(record_id) || ':' || record_id, coalesce(record_unit_id::text, ''), "
    "length(channel) || ':' || channel, coalesce(host(address), ''), prev_hash)"
)
HASH_SQL = f"encode(sha256(convert_to({CANONICAL_SQL}, 'UTF8')), 'hex')"
# Form 3: form 2 and the list's record ids and query.
LIST_SUFFIX_SQL = (
    "'|' || coalesce(length(record_ids), 0) || ':' || coalesce(record_ids, '') || "
    "'|' || coalesce(length(query), 0) || ':' || coalesce(query, '')"
)
LIST_HASH_SQL = f"encode(sha256(convert_to({CANONICAL_SQL} || {LIST_SUFFIX_SQL}, 'UTF8')), 'hex')"

# Column order of the tuples `bulk_chain` yields: the table's columns, ready for COPY.
LOG_COLUMNS = (
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
    "form",
)


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def micros(at: datetime) -> int:
    """Whole microseconds since the Unix epoch, exactly (no float rounding)."""
    return (at - _EPOCH) // _MICROSECOND


def _json_form(fields: list[object], at: datetime) -> bytes:
    fields[1] = stamp(at)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def _pipe_form(
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
) -> bytes:
    return (
        f"{seq}|{micros(at)}|{reader_id}|{len(username)}:{username}|"
        f"{len(record_type)}:{record_type}|{len(record_id)}:{record_id}|"
        f"{'' if record_unit_id is None else record_unit_id}|{len(channel)}:{channel}|"
        f"{address or ''}|{prev_hash}"
    ).encode()


def list_suffix(record_ids: str | None, query: str | None) -> str:
    ids, text = record_ids or "", query or ""
    return f"|{len(ids)}:{ids}|{len(text)}:{text}"


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
    form: int = CURRENT_FORM,
    record_ids: str | None = None,
    query: str | None = None,
) -> str:
    if form == FORM_JSON:
        canonical = _json_form(
            [
                seq,
                None,
                reader_id,
                username,
                record_type,
                record_id,
                record_unit_id,
                channel,
                address,
                prev_hash,
            ],
            at,
        )
    elif form in (FORM_PIPE, FORM_LIST):
        canonical = _pipe_form(
            seq,
            at,
            reader_id,
            username,
            record_type,
            record_id,
            record_unit_id,
            channel,
            address,
            prev_hash,
        )
        if form == FORM_LIST:
            canonical += list_suffix(record_ids, query).encode()
    else:
        raise ValueError(f"unknown canonical form {form}")
    return hashlib.sha256(canonical).hexdigest()


# One read to chain: at, reader_id, username, record_type, record_id, record_unit_id,
# channel, address.
BulkRow = tuple[datetime, int, str, str, str, int | None, str, str | None]
ChainedRow = tuple[int, datetime, int, str, str, str, int | None, str, str | None, str, str, int]


def bulk_chain(
    rows: Iterable[BulkRow], *, after_seq: int = 0, after_hash: str = GENESIS_HASH
) -> Iterator[ChainedRow]:
    """Chain reads onto the entry (`after_seq`, `after_hash`): one tuple per `LOG_COLUMNS`.

    Fast enough to generate tens of millions of entries (seed data, benchmarks) for COPY.
    The caller owns the head: see `guanxi.access.bulk.load` for a locked, COPY-based writer.
    """
    sha256 = hashlib.sha256
    seq, prev = after_seq, after_hash
    for at, reader_id, username, record_type, record_id, unit_id, channel, address in rows:
        seq += 1
        canonical = (
            f"{seq}|{(at - _EPOCH) // _MICROSECOND}|{reader_id}|{len(username)}:{username}|"
            f"{len(record_type)}:{record_type}|{len(record_id)}:{record_id}|"
            f"{'' if unit_id is None else unit_id}|{len(channel)}:{channel}|"
            f"{address or ''}|{prev}"
        )
        digest = sha256(canonical.encode()).hexdigest()
        yield (
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
            FORM_PIPE,
        )
        prev = digest
