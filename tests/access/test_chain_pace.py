"""In production a registering request chains at most once a second per process; the rest of
that second's reads wait, durable, in the journal until the next chaining, the scheduler's task
or the read register's own page moves them."""

from __future__ import annotations

import math

import pytest
from django.db import connection

from guanxi.access import register
from guanxi.access.audit import verify
from guanxi.access.models import AccessLogEntry, Channel, ReadJournal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the journal exists on PostgreSQL; SQLite appends to the chain directly",
    ),
]


def _read(people, customer) -> None:  # type: ignore[no-untyped-def]
    register.register_read(actor=people["div1.staff"], obj=customer, channel=Channel.PAGE)


def test_one_chaining_a_second_then_the_scheduler_and_the_page(  # type: ignore[no-untyped-def]
    append_only_flushable, people, make_customer, settings, monkeypatch, page_as
) -> None:
    settings.READ_CHAIN_SECONDS = 3600  # "a second" that does not pass during the test
    monkeypatch.setattr(register, "_last_chain", -math.inf)  # monotonic time may be small
    customer = make_customer("DIV1")
    _read(people, customer)  # the first registration chains
    assert (AccessLogEntry.objects.count(), ReadJournal.objects.count()) == (1, 0)
    _read(people, customer)
    _read(people, customer)  # within the interval: journal only, durable, not lost
    assert (AccessLogEntry.objects.count(), ReadJournal.objects.count()) == (1, 2)
    assert verify().pending == 2

    from guanxi.tasks import chain_reads

    assert chain_reads() == 2  # the scheduler's task
    assert (AccessLogEntry.objects.count(), ReadJournal.objects.count()) == (3, 0)

    _read(people, customer)
    assert ReadJournal.objects.count() == 1
    assert page_as("div1.manager").get("/access-log/").status_code == 200  # chains first
    assert ReadJournal.objects.count() == 0
    verdict = verify()
    assert verdict.ok
    assert verdict.pending == 0
    assert list(AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_without_an_interval_every_registration_chains(  # type: ignore[no-untyped-def]
    append_only_flushable, people, make_customer, settings
) -> None:
    settings.READ_CHAIN_SECONDS = 0
    customer = make_customer("DIV1")
    for _ in range(3):
        _read(people, customer)
    assert (AccessLogEntry.objects.count(), ReadJournal.objects.count()) == (3, 0)
