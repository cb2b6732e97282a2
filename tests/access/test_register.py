from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from guanxi.access.audit import read_checkpoints, verify, write_checkpoint
from guanxi.access.chain import entry_hash
from guanxi.access.models import AccessLogEntry, AppendOnly, ChainHead, Channel
from guanxi.access.register import ReadNotRegistered, register_read
from tests.access.tampering import raw, refusing_log_inserts


@pytest.fixture
def logged(people, make_customer):  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    for username in ("div1.staff", "hq.staff", "div1.manager", "base11.staff", "hq.manager"):
        register_read(actor=people[username], obj=customer, channel=Channel.PAGE)
    return customer


def test_entries_are_chained_one_to_the_next(logged) -> None:  # type: ignore[no-untyped-def]
    entries = list(AccessLogEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (5, entries[-1].hash)
    assert verify().ok


def test_an_entry_records_reader_record_channel_and_unit(logged, people) -> None:  # type: ignore[no-untyped-def]
    entry = AccessLogEntry.objects.get(seq=1)
    assert (entry.username, entry.reader_id) == ("div1.staff", people["div1.staff"].pk)
    assert (entry.record_type, entry.record_id) == ("customers.customer", str(logged.pk))
    assert entry.record_unit_id == logged.owning_unit_id
    assert entry.channel == "page"


def test_the_application_offers_no_update_or_delete(logged) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AppendOnly):
        AccessLogEntry.objects.filter(seq=1).update(username="someone")
    with pytest.raises(AppendOnly):
        AccessLogEntry.objects.filter(seq=1).delete()
    with pytest.raises(AppendOnly):
        AccessLogEntry.objects.get(seq=1).delete()


def test_the_database_refuses_update_and_delete(logged) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    for sql in (
        "UPDATE access_accesslogentry SET username = 'x' WHERE seq = 1",
        "DELETE FROM access_accesslogentry WHERE seq = 1",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLogEntry.objects.get(seq=1).username == "div1.staff"


def test_verify_names_an_altered_entry(logged) -> None:  # type: ignore[no-untyped-def]
    raw("UPDATE access_accesslogentry SET username = %s WHERE seq = 3", ["hq.staff"])
    verdict = verify()
    assert (verdict.ok, verdict.bad_seq) == (False, 3)
    assert "altered" in verdict.reason
    with pytest.raises(CommandError, match="FAILED at entry 3"):
        call_command("audit", "verify")


def test_verify_names_a_removed_entry(logged) -> None:  # type: ignore[no-untyped-def]
    raw("DELETE FROM access_accesslogentry WHERE seq = 2")
    verdict = verify()
    assert (verdict.bad_seq, verdict.reason) == (2, "entry 2 is missing (next entry is 3)")


def test_verify_notices_entries_cut_from_the_end(logged) -> None:  # type: ignore[no-untyped-def]
    raw("DELETE FROM access_accesslogentry WHERE seq >= 4")
    verdict = verify()
    assert verdict.bad_seq == 4
    assert "removed from the end" in verdict.reason


def _rewrite_whole_chain(new_username: str) -> None:
    """What a superuser can do: change an entry and recompute every hash after it."""
    prev = "0" * 64
    raw("UPDATE access_accesslogentry SET username = %s WHERE seq = 2", [new_username])
    for entry in AccessLogEntry.objects.order_by("seq"):
        new_hash = entry_hash(
            seq=entry.seq,
            at=entry.at,
            reader_id=entry.reader_id,
            username=entry.username,
            record_type=entry.record_type,
            record_id=entry.record_id,
            record_unit_id=entry.record_unit_id,
            channel=entry.channel,
            address=entry.address,
            prev_hash=prev,
        )
        raw(
            "UPDATE access_accesslogentry SET prev_hash = %s, hash = %s WHERE seq = %s",
            [prev, new_hash, entry.seq],
        )
        prev = new_hash
    ChainHead.objects.filter(pk=1).update(hash=prev)


def test_a_rewritten_chain_passes_alone_but_fails_against_a_checkpoint(
    logged, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    write_checkpoint(str(tmp_path))
    _rewrite_whole_chain("nobody")
    assert verify().ok  # self-consistent: only the checkpoint can tell
    verdict = verify(read_checkpoints(tmp_path))
    assert (verdict.ok, verdict.bad_seq) == (False, 5)
    assert "rewritten" in verdict.reason
    with pytest.raises(CommandError, match="FAILED at entry 5"):
        call_command("audit", "verify", "--checkpoints", str(tmp_path))


def test_checkpoint_command_writes_the_head(logged, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    call_command("audit", "checkpoint", "--to", str(tmp_path))
    (record,) = read_checkpoints(tmp_path)
    head = ChainHead.objects.get(pk=1)
    assert (record["seq"], record["hash"]) == (head.seq, head.hash)
    call_command("audit", "verify", "--checkpoints", str(tmp_path))


def test_checkpoint_can_be_posted_to_an_address(logged) -> None:  # type: ignore[no-untyped-def]
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict[str, object]] = []

    class Sink(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Sink)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    write_checkpoint(f"http://127.0.0.1:{server.server_port}/checkpoints")
    thread.join(5)
    server.server_close()
    assert received
    assert received[0]["seq"] == 5


def test_registration_fails_closed(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    with refusing_log_inserts(), pytest.raises(ReadNotRegistered):
        register_read(actor=people["div1.staff"], obj=customer, channel=Channel.API)
    assert AccessLogEntry.objects.count() == 0
    assert verify().ok
