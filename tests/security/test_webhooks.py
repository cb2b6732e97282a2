"""Webhooks cannot be aimed at the company's own network (server-side request forgery): loopback,
private, link-local and metadata addresses are refused when queued and again when posted, and
redirects are never followed, unless the policy's [security] allows internal addresses."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from guanxi.outbox.models import Message, MessageStatus
from guanxi.outbox.services import WebhookRefused, deliver_due, enqueue_webhook

pytestmark = pytest.mark.django_db


class Hook:
    """A real HTTP endpoint on 127.0.0.1 recording what it receives."""

    def __init__(self, redirect_to: str | None = None) -> None:
        self.received: list[dict[str, Any]] = []
        self.redirect_to = redirect_to
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                hook.received.append(
                    {
                        "body": json.loads(self.rfile.read(length)),
                        "key": self.headers["Idempotency-Key"],
                        "path": self.path,
                    }
                )
                if hook.redirect_to and self.path == "/hook":
                    self.send_response(307)
                    self.send_header("Location", hook.redirect_to)
                else:
                    self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook() -> Iterator[Hook]:
    endpoint = Hook()
    yield endpoint
    endpoint.server.shutdown()


def _queue(url: str, key: str = "visit:7:notify") -> Message:
    with transaction.atomic():
        return enqueue_webhook(
            url=url, subject="拜访方案通知", body="渤海湾合作拜访已确定", dedupe_key=key
        )


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.20.30.40/hook",
        "http://192.168.1.10/hook",
        "http://172.16.0.5/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_internal_addresses_are_refused_and_nothing_is_queued(url: str) -> None:
    with pytest.raises(WebhookRefused) as refused:
        _queue(url)
    host = urlsplit(url).hostname or ""
    assert host in str(refused.value)  # the message names the refused host
    assert not Message.objects.exists()


@pytest.mark.parametrize("url", ["ftp://1.1.1.1/hook", "file:///etc/passwd", "javascript:x"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(ValidationError):
        _queue(url)
    assert not Message.objects.exists()


def test_a_public_address_is_queued() -> None:
    message = _queue("https://1.1.1.1/hooks/guanxi")
    assert message.status == MessageStatus.PENDING


def test_the_policy_may_allow_internal_addresses_and_the_post_arrives_once(
    policy_with, hook: Hook
) -> None:
    policy_with(webhook_private_addresses=True)
    message = _queue(hook.url)
    assert deliver_due().sent == [message.pk]
    assert deliver_due().sent == []
    assert hook.received == [
        {
            "body": {"subject": "拜访方案通知", "body": "渤海湾合作拜访已确定"},
            "key": "visit:7:notify",
            "path": "/hook",
        }
    ]


def test_a_redirect_is_not_followed(policy_with) -> None:
    policy_with(webhook_private_addresses=True)
    target = Hook()
    redirecting = Hook(redirect_to=target.url.replace("/hook", "/internal"))
    try:
        message = _queue(redirecting.url)
        report = deliver_due()
    finally:
        target.server.shutdown()
        redirecting.server.shutdown()
    assert report.retried == [message.pk]
    assert target.received == []
    message.refresh_from_db()
    assert message.status == MessageStatus.PENDING
    assert "307" in message.last_error


def test_the_address_is_checked_again_when_posting(policy_with, hook: Hook) -> None:
    """Queued while allowed; the policy tightened before delivery: nothing is posted."""
    policy_with(webhook_private_addresses=True)
    message = _queue(hook.url)
    policy_with(webhook_private_addresses=False)
    report = deliver_due()
    assert report.retried == [message.pk]
    assert hook.received == []
    message.refresh_from_db()
    assert message.last_error.startswith("WebhookRefused")
