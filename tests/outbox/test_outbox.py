"""The outbox: written with the change, delivered once afterwards, retried when mail is down."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from guanxi.outbox.models import Message, MessageStatus
from guanxi.outbox.services import (
    NotInTransaction,
    backoff,
    deliver_due,
    enqueue_email,
    message_id,
)


def _enqueue(key: str = "visit:1", to: str = "zhang.wei@cosl.example.cn") -> Message:
    with transaction.atomic():
        return enqueue_email(
            to=to, subject="拜访方案通知：中海油天津分公司", body="请配合支持。", dedupe_key=key
        )


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_enqueue_outside_a_transaction(append_only_flushable) -> None:
    with pytest.raises(NotInTransaction):
        enqueue_email(to="a@example.cn", subject="s", body="b", dedupe_key="k")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_it_sends_a_queued_email_once_through_real_smtp(smtp_server) -> None:
    message = _enqueue()
    report = deliver_due()
    assert report.sent == [message.pk]
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["Message-ID"] == message_id(message)
    assert received["X-Guanxi-Dedupe"] == "visit:1"
    assert received["To"] == "zhang.wei@cosl.example.cn"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.sent_at is not None
    assert deliver_due().sent == []
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_enqueueing_the_same_dedupe_key_twice_keeps_one_row() -> None:
    first = _enqueue("same")
    second = _enqueue("same")
    assert first.pk == second.pk
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_a_rolled_back_change_sends_nothing(smtp_server) -> None:
    def change_that_fails() -> None:
        with transaction.atomic():
            enqueue_email(to="li.na@cosl.example.cn", subject="s", body="b", dedupe_key="gone")
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not Message.objects.exists()
    assert deliver_due().sent == []
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_an_invalid_address_is_refused_with_a_message() -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError), transaction.atomic():
        enqueue_email(to="not an address", subject="s", body="b", dedupe_key="bad")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_smtp_down_means_retry_later_with_backoff(smtp_down, settings) -> None:
    message = _enqueue()
    before = timezone.now()
    report = deliver_due()
    assert report.retried == [message.pk]
    assert report.sent == []
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at >= before + backoff(1)
    assert message.claimed_until is None
    assert deliver_due().retried == []  # not due yet


@pytest.mark.django_db
def test_a_retried_message_goes_out_when_the_server_is_back(smtp_down, settings) -> None:
    message = _enqueue()
    deliver_due()
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    from aiosmtpd.controller import Controller

    from tests.outbox.conftest import Inbox, free_port

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_PORT = port
    try:
        assert deliver_due().sent == [message.pk]
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    message.refresh_from_db()
    assert message.attempts == 2


@pytest.mark.django_db
def test_it_gives_up_after_the_configured_attempts(smtp_down, settings) -> None:
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = _enqueue()
    deliver_due()
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert deliver_due().failed == [message.pk]
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


@pytest.mark.django_db
def test_a_live_claim_is_not_taken_but_an_expired_one_is(smtp_server) -> None:
    message = _enqueue()
    Message.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() + timedelta(minutes=5), claim_token="other"
    )
    assert deliver_due().sent == []
    Message.objects.filter(pk=message.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert deliver_due().sent == [message.pk]  # the dead worker's lease ran out


def test_backoff_doubles_and_is_capped(settings) -> None:
    settings.OUTBOX_BACKOFF_SECONDS = 60
    settings.OUTBOX_BACKOFF_MAX_SECONDS = 600
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 600]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs in the PostgreSQL pass: concurrent workers need more than SQLite's one writer",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliverers_send_each_message_once(
    smtp_server, append_only_flushable
) -> None:
    for n in range(40):
        _enqueue(f"concurrent:{n}", to=f"user{n}@cosl.example.cn")
    sent: list[list[int]] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        from django.db import connections

        barrier.wait()
        try:
            ids: list[int] = []
            for _round in range(10):
                ids += deliver_due(limit=5).sent
            sent.append(ids)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everything = sent[0] + sent[1]
    assert sorted(everything) == sorted(set(everything))
    assert len(everything) == 40
    assert len(smtp_server.messages) == 40
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 40


@pytest.mark.django_db
def test_the_command_delivers_due_messages(smtp_server) -> None:
    from io import StringIO

    from django.core.management import call_command

    _enqueue()
    out = StringIO()
    call_command("outbox", "deliver", stdout=out)
    assert "sent 1" in out.getvalue()
    assert len(smtp_server.messages) == 1
