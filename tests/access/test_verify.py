"""Verification names the first fault exactly, however the chain is split into ranges: SQL
ranges on PostgreSQL, worker processes on SQLite (walked one after another in this process when
the test database lives in memory; `verify_sqlite_file.py` runs the processes on a real file)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from guanxi.access import bulk
from guanxi.access.audit import verify
from tests.access.fresh_sqlite import run_script
from tests.access.tampering import raw
from tests.access.test_chain import reads

pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pg_only
def test_a_forked_entry_is_named(db: None) -> None:
    bulk.load(reads(30))
    raw(
        "INSERT INTO access_accesslogentry SELECT seq, at + interval '1 second', reader_id, "
        "username, record_type, record_id, record_unit_id, channel, address, prev_hash, hash, "
        "form FROM access_accesslogentry WHERE seq = 17"
    )
    verdict = verify()
    assert verdict.bad_seq == 17
    assert "forks" in verdict.reason


@pytest.mark.parametrize(
    ("sql", "bad", "words"),
    [
        ("UPDATE access_accesslogentry SET record_id = '1' WHERE seq = 151", 151, "altered"),
        ("UPDATE access_accesslogentry SET prev_hash = hash WHERE seq = 152", 152, "link"),
        ("DELETE FROM access_accesslogentry WHERE seq IN (150, 151)", 150, "missing"),
        ("DELETE FROM access_accesslogentry WHERE seq BETWEEN 90 AND 160", 90, "missing"),
        ("DELETE FROM access_accesslogentry WHERE seq = 1", 1, "missing"),
    ],
)
def test_parallel_ranges_name_the_first_fault(
    append_only_flushable,  # type: ignore[no-untyped-def]
    sql: str,
    bad: int,
    words: str,
) -> None:
    bulk.load(reads(300))
    raw(sql)
    raw("UPDATE access_accesslogentry SET record_id = '2' WHERE seq = 280")  # a later fault
    for workers in (1, 2, 3):
        verdict = verify(workers=workers)
        assert (verdict.bad_seq, verdict.checked) == (bad, bad - 1), verdict.reason
        assert words in verdict.reason


@pg_only
def test_the_command_verifies_with_workers(append_only_flushable, capsys) -> None:  # type: ignore[no-untyped-def]
    bulk.load(reads(500))
    call_command("audit", "verify", "--workers", "2")
    assert "500 entries verified" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--workers"):
        call_command("audit", "verify", "--workers", "0")


def test_entries_appended_after_the_head_was_read_wait_for_the_next_run(db: None) -> None:
    """Verify checks up to the head it read first, so a concurrent append is no false alarm."""
    bulk.load(reads(10))
    from guanxi.access.chain import bulk_chain
    from guanxi.access.models import AccessLogEntry, ChainHead

    head = ChainHead.objects.get(pk=1)
    (row,) = bulk_chain(
        [(datetime.now(UTC), 1, "张伟", "customers.customer", "1", None, "page", None)],
        after_seq=head.seq,
        after_hash=head.hash,
    )
    AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(**dict(zip(bulk.LOG_COLUMNS, row, strict=True)))]
    )  # in the log, the head not yet moved: as seen mid-append from another connection
    verdict = verify()
    assert (verdict.ok, verdict.checked) == (True, 10)


@pytest.mark.parametrize(
    ("sql", "bad", "words"),
    [
        ("", None, "OK"),
        ("UPDATE access_accesslogentry SET username = '张伟伟' WHERE seq = 1700", 1700, "altered"),
        ("UPDATE access_accesslogentry SET prev_hash = hash WHERE seq = 1001", 1001, "link"),
        ("DELETE FROM access_accesslogentry WHERE seq BETWEEN 998 AND 1000", 998, "missing"),
        ("DELETE FROM access_accesslogentry WHERE seq = 2000", 2000, "missing"),
    ],
)
def test_worker_processes_on_a_sqlite_file_name_the_first_fault(
    tmp_path: Path, sql: str, bad: int | None, words: str
) -> None:
    verdicts = run_script("verify_sqlite_file.py", tmp_path, sql)

    assert [v["workers"] for v in verdicts] == [1, 2, 3]
    for verdict in verdicts:
        assert verdict["bad_seq"] == bad, verdict
        assert verdict["checked"] == (3000 if bad is None else bad - 1), verdict
        assert words in (verdict["reason"] or "OK"), verdict
