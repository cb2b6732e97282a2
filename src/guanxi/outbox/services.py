"""Enqueue notifications inside the change's transaction; deliver them afterwards.

Delivery is at-least-once, never "at-most-once": a worker claims due rows with a lease
(`claimed_until`, `claim_token`) in one short transaction, sends outside any transaction, then
marks each row sent with a conditional UPDATE that only succeeds while it still holds the claim.
Two workers never claim the same row (PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED`; SQLite:
the one-writer lock taken by the IMMEDIATE transaction). Exactly-once is impossible with SMTP,
which cannot join our transaction: if a worker dies after the server accepted a message but
before the row is marked sent, the lease runs out and another worker sends it again. Such a
duplicate carries the same `Message-ID` (derived from the dedupe key) and `X-Guanxi-Dedupe`
header, so mail clients and receivers can detect and drop it. A worker checks its lease before
each send, so a slow batch does not send rows another worker has since reclaimed.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import socket
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.outbox.models import Message, MessageChannel, MessageStatus
from guanxi.policy.loader import current as current_policy

logger = logging.getLogger(__name__)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


class NotInTransaction(RuntimeError):
    """Enqueueing outside the change's transaction would lose the all-or-nothing guarantee."""


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction("enqueue inside transaction.atomic() with the change it reports")


def _enqueue(message: Message) -> Message:
    """Write the row, or return the one already enqueued under the same dedupe key."""
    _require_transaction()
    existing = Message.objects.filter(dedupe_key=message.dedupe_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:  # a concurrent transaction enqueued the same key first
        return Message.objects.get(dedupe_key=message.dedupe_key)
    return message


def enqueue_email(*, to: str, subject: str, body: str, dedupe_key: str, html: str = "") -> Message:
    """Queue one e-mail. MUST run inside the transaction of the change it reports."""
    try:
        validate_email(to)
    except ValidationError as error:
        raise ValidationError({"recipient": _("Not a valid e-mail address: %s") % to}) from error
    return _enqueue(
        Message(
            channel=MessageChannel.EMAIL,
            recipient=to,
            subject=subject[:300],
            body=body,
            html=html,
            dedupe_key=dedupe_key[:200],
            next_attempt_at=timezone.now(),
        )
    )


class WebhookRefused(ValidationError):
    """The address is inside the company network (or unresolvable) and the policy forbids it."""


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError as error:
        raise WebhookRefused(
            _("The webhook host %(host)s cannot be resolved.") % {"host": host}
        ) from error
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def check_webhook_address(url: str) -> None:
    """Refuse http(s) URLs that resolve to loopback, private, link-local or other non-public
    addresses unless the policy allows them (001 §1.3): a webhook must not become a way to
    reach the company's internal services. Checked when queued and again before each post,
    since DNS may answer differently later."""
    URLValidator(schemes=["http", "https"])(url)
    if current_policy().security.webhook_private_addresses:
        return
    host = urllib.parse.urlsplit(url).hostname or ""
    for address in _addresses(host):
        if not address.is_global or address.is_multicast:
            raise WebhookRefused(
                _(
                    "Webhooks may not be sent to %(host)s (%(address)s): it is not a public "
                    "address, and the policy does not allow internal addresses."
                )
                % {"host": host, "address": address}
            )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead a checked public address to an internal one: never follow."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def enqueue_webhook(*, url: str, subject: str, body: str, dedupe_key: str) -> Message:
    """Queue one chat-webhook post (JSON with subject and body), in the change's transaction."""
    check_webhook_address(url)
    return _enqueue(
        Message(
            channel=MessageChannel.WEBHOOK,
            recipient=url,
            subject=subject[:300],
            body=body,
            dedupe_key=dedupe_key[:200],
            next_attempt_at=timezone.now(),
        )
    )


@dataclass
class Delivery:
    """What one `deliver_due` call did."""

    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    lost_lease: list[int] = field(default_factory=list)


def _claim(limit: int, now: datetime) -> tuple[str, list[Message]]:
    """Claim up to `limit` due rows under a fresh token, in one short transaction."""
    token = uuid.uuid4().hex
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    lease = timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 300))
    with transaction.atomic():
        due = Message.objects.filter(
            unclaimed, status=MessageStatus.PENDING, next_attempt_at__lte=now
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
        Message.objects.filter(unclaimed, id__in=ids, status=MessageStatus.PENDING).update(
            claimed_until=now + lease, claim_token=token, attempts=F("attempts") + 1
        )
    claimed = Message.objects.filter(claim_token=token, status=MessageStatus.PENDING)
    return token, list(claimed.order_by("id"))


def message_id(message: Message) -> str:
    """A stable Message-ID: a resent duplicate has the same one, so receivers can drop it."""
    digest = hashlib.sha256(message.dedupe_key.encode()).hexdigest()[:32]
    domain = getattr(settings, "OUTBOX_MESSAGE_ID_DOMAIN", "guanxi.local")
    return f"<{digest}@{domain}>"


def _email(message: Message, mail_connection: object) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        connection=mail_connection,
        headers={"Message-ID": message_id(message), "X-Guanxi-Dedupe": message.dedupe_key},
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    return email


def _post_webhook(message: Message) -> None:
    check_webhook_address(message.recipient)
    payload = json.dumps({"subject": message.subject, "body": message.body}).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked when enqueued
        message.recipient,
        data=payload,
        headers={"Content-Type": "application/json", "Idempotency-Key": message.dedupe_key},
        method="POST",
    )
    timeout = _setting("OUTBOX_WEBHOOK_TIMEOUT", 10)
    # bandit B310: check_webhook_address admits only http(s) URLs.
    with _OPENER.open(request, timeout=timeout) as answer:  # nosec B310
        if answer.status >= 300:
            raise OSError(f"webhook answered {answer.status}")


def _still_ours(message: Message, token: str) -> bool:
    return Message.objects.filter(
        pk=message.pk, claim_token=token, claimed_until__gt=timezone.now()
    ).exists()


def _mark_sent(message: Message, token: str) -> bool:
    return bool(
        Message.objects.filter(pk=message.pk, claim_token=token).update(
            status=MessageStatus.SENT,
            sent_at=timezone.now(),
            claimed_until=None,
            last_error="",
        )
    )


def backoff(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt, capped."""
    base = _setting("OUTBOX_BACKOFF_SECONDS", 60)
    cap = _setting("OUTBOX_BACKOFF_MAX_SECONDS", 6 * 3600)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def _mark_failed(message: Message, token: str, error: Exception, report: Delivery) -> None:
    gave_up = message.attempts >= _setting("OUTBOX_MAX_ATTEMPTS", 10)
    Message.objects.filter(pk=message.pk, claim_token=token).update(
        status=MessageStatus.FAILED if gave_up else MessageStatus.PENDING,
        next_attempt_at=timezone.now() + backoff(message.attempts),
        claimed_until=None,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    (report.failed if gave_up else report.retried).append(message.pk)
    logger.warning("outbox message %s not delivered: %s", message.pk, error)


def _send_one(message: Message, token: str, mail_connection: object, report: Delivery) -> None:
    if not _still_ours(message, token):
        report.lost_lease.append(message.pk)
        return
    try:
        if message.channel == MessageChannel.WEBHOOK:
            _post_webhook(message)
        else:
            _email(message, mail_connection).send()
    except Exception as error:
        _mark_failed(message, token, error, report)
        return
    if _mark_sent(message, token):
        report.sent.append(message.pk)
    else:
        report.lost_lease.append(message.pk)


def deliver_due(limit: int = 100) -> Delivery:
    """Claim and deliver up to `limit` due messages. Safe to run in several workers at once."""
    report = Delivery()
    token, claimed = _claim(limit, timezone.now())
    if not claimed:
        return report
    mail_connection = get_connection(fail_silently=False)
    try:
        mail_connection.open()
    except Exception as error:
        for message in claimed:
            if message.channel == MessageChannel.EMAIL:
                _mark_failed(message, token, error, report)
        claimed = [m for m in claimed if m.channel != MessageChannel.EMAIL]
    try:
        for message in claimed:
            _send_one(message, token, mail_connection, report)
    finally:
        mail_connection.close()
    return report
