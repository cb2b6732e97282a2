from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _flushable(append_only_flushable: None) -> None:
    """Browser tests run against a live server, so they are transactional."""
