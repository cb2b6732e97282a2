"""The relay: outbox delivery and read chaining polled from the database, on its own clock."""

from __future__ import annotations

import pytest
from django.db import transaction

from guanxi.ops.relay import Relay
from guanxi.outbox.models import Message, MessageStatus
from guanxi.outbox.services import enqueue_email
from tests.outbox.conftest import Inbox

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _enqueue(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            enqueue_email(
                to=f"kehu{i}@cosl.example",
                subject=f"季度拜访计划 {i}",
                body="请查收。",
                dedupe_key=f"relay-{i}",
            )


def test_a_tick_delivers_every_due_message_in_batches(smtp_server: Inbox) -> None:
    _enqueue(7)
    relay = Relay(delivery_seconds=30, chain_seconds=1, limit=3, clock=Clock())
    done = relay.tick()
    assert done["sent"] == 7
    assert len(smtp_server.messages) == 7
    assert not Message.objects.exclude(status=MessageStatus.SENT).exists()


def test_delivery_waits_for_its_interval(smtp_server: Inbox) -> None:
    clock = Clock()
    relay = Relay(delivery_seconds=30, chain_seconds=1, clock=clock)
    relay.tick()
    _enqueue(1)
    clock.now += 10
    assert relay.tick()["sent"] == 0
    clock.now += 25
    assert relay.tick()["sent"] == 1
    assert relay.interval == 1


def test_a_database_error_is_survived(smtp_server: Inbox, monkeypatch: pytest.MonkeyPatch) -> None:
    _enqueue(1)
    clock = Clock()
    relay = Relay(delivery_seconds=5, chain_seconds=5, clock=clock)

    def broken(limit: int) -> None:
        raise RuntimeError("database restarting")

    monkeypatch.setattr("guanxi.outbox.services.deliver_due", broken)
    assert relay.tick()["sent"] == 0
    monkeypatch.undo()
    clock.now += 5
    assert relay.tick()["sent"] == 1
    assert len(smtp_server.messages) == 1
