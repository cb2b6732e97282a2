"""Field-level history of the archive, with who, when and from what source (CUS-6, CUS-12)."""

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def _drop_sqlite_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Before migrate: SQLite rebuilds tables by drop-and-rename, which our triggers block."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'guanxi_history_%'"
        )
        names = [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def _make_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After migrate: (re)make the triggers from the columns the tables now have."""
    from guanxi.history import triggers

    state = kwargs.get("apps")
    if state is None:
        return
    try:
        state.get_model("history", "Change")
        triggers.install(connections[using], state.get_model)
    except LookupError:  # history not migrated yet (a partial migrate)
        return


class HistoryConfig(AppConfig):
    name = "guanxi.history"
    verbose_name = _("History")

    def ready(self) -> None:
        from guanxi.history.context import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="guanxi_history_fns")
        pre_migrate.connect(_drop_sqlite_triggers, sender=self)
        post_migrate.connect(_make_triggers, sender=self)
