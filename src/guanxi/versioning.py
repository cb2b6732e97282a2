"""The concurrency rule: every editable record carries a version; a stale save is refused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


class StaleVersion(Exception):
    """The record changed since the editor loaded it; the save is refused, never merged."""

    def __init__(self, *, expected: int, actual: int) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            _(
                "This record was changed by someone else (your version %(expected)s, "
                "current version %(actual)s). Reload it and apply your change again."
            )
            % {"expected": expected, "actual": actual}
        )


def lock_current(model: type[M], pk: Any, version: int) -> M:
    """Lock the row and check the editor's version. Call inside a transaction."""
    locked = model._default_manager.select_for_update().get(pk=pk)
    current = int(locked.version)  # type: ignore[attr-defined]
    if current != version:
        raise StaleVersion(expected=version, actual=current)
    return locked


def apply(obj: M, changes: dict[str, Any], fields: Iterable[str]) -> M:
    for field in fields:
        if field in changes:
            setattr(obj, field, changes[field])
    return obj
