"""The registry of timeline sources: one `Source` per kind of record (see the package doc)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise


def _blank(_record: Any) -> str:
    return ""


@dataclass(frozen=True)
class Source:
    """Where one kind of timeline entry comes from, who may see it and how it reads."""

    key: str
    label: str | Promise
    rows: Callable[[int], QuerySet[Any]]
    date_field: str
    permission: str
    unit_field: str
    url: Callable[[Any], str]
    title: Callable[[Any], str]
    detail: Callable[[Any], str] = _blank

    def model(self) -> type[models.Model]:
        return self.rows(0).model

    def is_datetime(self) -> bool:
        return isinstance(self.model()._meta.get_field(self.date_field), models.DateTimeField)


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Add a source; registering a key again replaces it (a reload in development)."""
    _SOURCES[source.key] = source
    return source


def registered() -> list[Source]:
    """Every source, in the order of their keys (the order of ties on one day)."""
    return [_SOURCES[key] for key in sorted(_SOURCES)]
