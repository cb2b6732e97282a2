"""The task queue's embedded default: with no broker, tasks run in-process at once."""

from __future__ import annotations

import pytest
from django.db import transaction

from guanxi.celery import app
from guanxi.outbox.models import Message, MessageStatus
from guanxi.outbox.services import enqueue_email
from guanxi.tasks import deliver_outbox
from tests.outbox.conftest import Inbox, smtp_server  # noqa: F401 - the fixture


@pytest.fixture
def eager() -> object:
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_tasks_are_acknowledged_late_so_a_killed_worker_loses_nothing() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    schedule = app.conf.beat_schedule["deliver-outbox"]
    assert schedule["task"] == deliver_outbox.name


@pytest.mark.django_db
def test_delivery_task_runs_in_process_and_a_rerun_sends_nothing_twice(
    eager: object,
    smtp_server: Inbox,  # noqa: F811
) -> None:
    with transaction.atomic():
        enqueue_email(
            to="li.na@cosl.example",
            subject="客户档案已更新",
            body="中海石油（中国）有限公司天津分公司的档案已更新。",
            dedupe_key="ops-task-1",
        )
    first = deliver_outbox.delay().get()
    second = deliver_outbox.delay().get()
    assert first["sent"] == 1
    assert second["sent"] == 0
    assert len(smtp_server.messages) == 1
    assert Message.objects.get(dedupe_key="ops-task-1").status == MessageStatus.SENT
