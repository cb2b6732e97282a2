"""Concurrent readers, each on its own database connection, append to one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from guanxi.access.audit import verify
from guanxi.access.models import AccessLogEntry, Channel
from guanxi.access.register import register_read

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
