from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.access.chain import CURRENT_FORM, GENESIS_HASH

__all__ = ["GENESIS_HASH", "AccessLogEntry", "AppendOnly", "ChainHead", "Channel", "ReadJournal"]


class Channel(models.TextChoices):
    PAGE = "page", _("page")
    API = "api", _("API")
    EXPORT = "export", _("export")
    DOCUMENT = "document", _("document")
    COMMAND = "command", _("command")


class AppendOnly(Exception):
    pass


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("the access log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnly("the access log is append-only")


class AccessLogEntry(models.Model):
    """One registered read. Entries are chained: `hash` covers the entry and `prev_hash`.

    Reader and record are kept as plain values, not foreign keys, so the log outlives
    the rows it speaks of and an insert costs no constraint checks. On PostgreSQL the table
    is partitioned by month of `at` and its primary key there is (seq, at); see
    `guanxi.access.partitions`. `form` names the canonical form the hash covers (`chain`).
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(_("time"))
    reader_id = models.BigIntegerField()
    username = models.CharField(_("reader"), max_length=150)
    record_type = models.CharField(_("record type"), max_length=64)
    record_id = models.CharField(_("record"), max_length=64)
    record_unit_id = models.BigIntegerField(null=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    address = models.GenericIPAddressField(_("client address"), null=True)
    # A list, search or export read: the ids returned (comma-separated) and the query that
    # produced them; NULL on a single-record read. Nullable so adding them rewrote no rows.
    record_ids = models.TextField(_("records returned"), null=True)
    query = models.TextField(_("query"), null=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    form = models.PositiveSmallIntegerField(default=CURRENT_FORM)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["record_unit_id", "-seq"], name="accesslog_unit_seq"),
            models.Index(fields=["reader_id", "-seq"], name="accesslog_reader_seq"),
            models.Index(fields=["record_type", "record_id", "-seq"], name="accesslog_record_seq"),
            # Entries in the legacy canonical form, verified in Python: a few, found fast.
            models.Index(fields=["seq"], condition=models.Q(form=1), name="accesslog_form1_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.username} {self.record_type}:{self.record_id}"

    @property
    def returned_ids(self) -> list[str]:
        """The ids a list read returned; empty for a single-record read."""
        return self.record_ids.split(",") if self.record_ids else []

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("the access log is append-only")


class ChainHead(models.Model):
    """The last entry of the chain; locking this row orders concurrent appends."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class ReadJournal(models.Model):
    """A registered read not yet chained (PostgreSQL): insert-only, no lock, so concurrent
    requests register in parallel. The chainer moves rows from here into the chain in
    batches; rows leave only that way (the database refuses any other update or delete).
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField()
    reader_id = models.BigIntegerField()
    username = models.CharField(max_length=150)
    record_type = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64)
    record_unit_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    address = models.GenericIPAddressField(null=True)
    record_ids = models.TextField(null=True)
    query = models.TextField(null=True)

    def __str__(self) -> str:
        return f"pending {self.username} {self.record_type}:{self.record_id}"
