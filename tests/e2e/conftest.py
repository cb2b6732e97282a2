"""Transactional tests end with a flush, which the access log's append-only triggers refuse.

The triggers are (re)made before each such test and dropped just before its flush;
pytest-django runs transactional tests after all others, so no other test sees them missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connection

migration = importlib.import_module("guanxi.access.migrations.0002_chain_head_and_append_only")


@pytest.fixture(autouse=True)
def _append_only_around_flush(transactional_db: None) -> Iterator[None]:
    with connection.schema_editor() as editor:
        migration.triggers_down(apps, editor)
        migration.triggers_up(apps, editor)
    yield
    with connection.schema_editor() as editor:
        migration.triggers_down(apps, editor)
