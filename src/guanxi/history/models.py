"""One row per change of an archive record, written by database triggers (CUS-6, CUS-12)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    pass


class Op(models.TextChoices):
    INSERT = "insert", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")


class Via(models.TextChoices):
    """The path a change came through; `database` when nothing in the application said."""

    SERVICE = "service", _("application")
    IMPORT = "import", _("import")
    ADMIN = "admin", _("administration")
    COMMAND = "command", _("command")
    DATABASE = "database", _("direct database change")


class ChangeQuerySet(models.QuerySet["Change"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("the change history is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnly("the change history is append-only")


class Change(models.Model):
    """A row inserted, updated or deleted in a tracked archive table.

    Rows are written only by the triggers of guanxi.history.triggers, so `update()`,
    `bulk_*`, raw SQL and other clients are recorded too. People, customers and units are
    plain ids, not foreign keys, so history outlives the rows it speaks of. `changes` holds
    {column: [old, new]} for an update, the new row for an insert, the old row for a delete.
    """

    at = models.DateTimeField(_("time"))
    table = models.CharField(_("table"), max_length=64)
    record_id = models.CharField(_("record"), max_length=64)
    op = models.CharField(_("operation"), max_length=8, choices=Op.choices)
    changes = models.JSONField(_("changes"), default=dict)
    actor_id = models.BigIntegerField(_("changed by"), null=True)
    source = models.CharField(_("information source"), max_length=32, blank=True)
    via = models.CharField(_("via"), max_length=16, choices=Via.choices)
    customer_id = models.BigIntegerField(_("customer unit"), null=True)
    unit_id = models.BigIntegerField(_("owning unit"), null=True)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("change history")
        indexes = [
            models.Index(fields=["table", "record_id", "-id"], name="change_record_id"),
            models.Index(fields=["customer_id", "-id"], name="change_customer_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.op} {self.table}:{self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("the change history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("the change history is append-only")
