"""Concurrent readers, each on its own database connection, append to one unbroken chain."""

from __future__ import annotations

import multiprocessing
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from guanxi.access.audit import verify
from guanxi.access.models import AccessLogEntry, ChainHead, Channel, ReadJournal
from guanxi.access.register import ReadNotRegistered, chain_pending, register_read
from tests.access.tampering import refusing_log_inserts

THREADS = 8
READS_EACH = 40


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs in the PostgreSQL pass: in-memory SQLite has one writer by design",
)
def test_concurrent_registration_keeps_one_chain(
    append_only_flushable,
    people,  # type: ignore[no-untyped-def]
    make_customer,
) -> None:
    customers = [make_customer("DIV1") for _ in range(4)]
    readers = [people[name] for name in ("div1.staff", "div1.manager", "hq.staff", "hq.manager")]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(index: int) -> None:
        try:
            start.wait()
            for n in range(READS_EACH):
                register_read(
                    actor=readers[(index + n) % 4], obj=customers[n % 4], channel=Channel.API
                )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, THREADS * READS_EACH + 1))
    verdict = verify()
    assert verdict.ok, verdict.reason
    assert verdict.checked == THREADS * READS_EACH


PROCESSES = 6
READS_PER_PROCESS = 60


def _hammer(reader_ids: list[int], customer_ids: list[int], errors: Any) -> None:
    """One OS process: register reads as fast as it can, each in its own request-like call."""
    from guanxi.customers.models import Customer
    from guanxi.organisation.models import Person

    try:
        readers = list(Person.objects.filter(pk__in=reader_ids))
        customers = list(Customer.objects.filter(pk__in=customer_ids))
        for n in range(READS_PER_PROCESS):
            register_read(
                actor=readers[n % len(readers)],
                obj=customers[n % len(customers)],
                channel=Channel.API,
            )
    except BaseException as error:  # reported to the parent, which fails the test
        errors.put(repr(error))
    finally:
        connections.close_all()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several writers: PostgreSQL")
def test_several_processes_append_to_one_chain_without_gaps_or_forks(
    append_only_flushable,
    people,  # type: ignore[no-untyped-def]
    make_customer,
) -> None:
    customers = [make_customer("DIV1").pk for _ in range(3)]
    readers = [people[name].pk for name in ("div1.staff", "hq.staff", "hq.manager")]
    connections.close_all()  # each process opens its own connection
    context = multiprocessing.get_context("fork")
    errors = context.Queue()
    workers = [
        context.Process(target=_hammer, args=(readers, customers, errors)) for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    assert errors.empty(), errors.get()
    chain_pending(wait=True)  # a last race may leave rows for the next registration
    total = PROCESSES * READS_PER_PROCESS
    seqs = list(AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))  # dense: no gap, no duplicate (fork)
    assert not ReadJournal.objects.exists()
    verdict = verify(workers=2)
    assert verdict.ok, verdict.reason
    assert verdict.checked == total


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the journal is PostgreSQL's")
def test_registration_does_not_wait_for_a_busy_chain_head(
    append_only_flushable,
    people,  # type: ignore[no-untyped-def]
    make_customer,
) -> None:
    customer = make_customer("DIV1")
    ChainHead.objects.get_or_create(pk=1)
    locked, release = threading.Event(), threading.Event()

    def hold_head() -> None:
        with transaction.atomic():
            ChainHead.objects.select_for_update().get(pk=1)
            locked.set()
            release.wait(30)
        connections.close_all()

    holder = threading.Thread(target=hold_head)
    holder.start()
    assert locked.wait(10)
    started = time.monotonic()
    register_read(actor=people["div1.staff"], obj=customer, channel=Channel.PAGE)
    assert time.monotonic() - started < 2  # registered without queueing behind the head
    assert ReadJournal.objects.count() == 1
    assert AccessLogEntry.objects.count() == 0
    assert verify().pending == 1
    release.set()
    holder.join()
    register_read(actor=people["hq.staff"], obj=customer, channel=Channel.PAGE)
    assert list(AccessLogEntry.objects.values_list("username", flat=True).order_by("seq")) == [
        "div1.staff",
        "hq.staff",
    ]
    assert not ReadJournal.objects.exists()
    assert verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the journal is PostgreSQL's")
def test_fail_closed_without_an_outer_transaction(
    append_only_flushable,
    people,  # type: ignore[no-untyped-def]
    make_customer,
) -> None:
    customer = make_customer("DIV1")
    with refusing_log_inserts(), pytest.raises(ReadNotRegistered):
        register_read(actor=people["div1.staff"], obj=customer, channel=Channel.API)
    assert not ReadJournal.objects.exists()
    assert AccessLogEntry.objects.count() == 0
    # the journal stored the read, the chain could not take it yet: registered all the same
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_chain() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql;"
            "CREATE TRIGGER test_refuse_chain BEFORE INSERT ON access_accesslogentry "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_chain();"
        )
    register_read(actor=people["div1.staff"], obj=customer, channel=Channel.API)
    assert ReadJournal.objects.count() == 1
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER test_refuse_chain ON access_accesslogentry")
        cursor.execute("DROP FUNCTION test_refuse_chain()")
    call_command("audit", "chain")
    assert not ReadJournal.objects.exists()
    assert verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the journal is PostgreSQL's")
def test_the_journal_refuses_changes_except_the_chainers_move(db: None) -> None:
    from django.db import DatabaseError
    from django.utils import timezone

    row = ReadJournal.objects.create(
        at=timezone.now(),
        reader_id=1,
        username="张伟",
        record_type="customers.customer",
        record_id="1",
        channel="page",
    )
    for sql in (
        "UPDATE access_readjournal SET username = 'x'",
        "DELETE FROM access_readjournal",
        "TRUNCATE access_readjournal",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert ReadJournal.objects.get().pk == row.pk
    assert chain_pending(wait=True) == 1
    assert AccessLogEntry.objects.get().username == "张伟"


def test_processes_and_threads_append_to_one_chain_on_a_sqlite_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On a SQLite file, appends queue on the register's lock (a thread lock and an flock
    beside the database) rather than in SQLite's sleeping busy handler: 3 processes × 4
    threads × 30 reads (forked after the parent appended one) make one gapless, verified
    chain."""
    from tests.access.fresh_sqlite import run_script

    result = run_script("register_sqlite_file.py", tmp_path)[-1]

    assert result["exit_codes"] == [0, 0, 0]
    assert result["entries"] == result["expected"] == 361
    assert result["gapless"]
    assert (result["verified"], result["checked"]) == (True, 361)
    assert result["lock_file"]
