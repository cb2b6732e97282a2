"""Fixtures of the security tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from guanxi.policy.loader import current
from guanxi.policy.schema import Policy


@pytest.fixture
def policy_with(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Policy]:
    """Run the test under the installed policy with some [security] values changed."""

    def change(**security: object) -> Policy:
        installed = current()
        changed = dataclasses.replace(
            installed, security=dataclasses.replace(installed.security, **security)
        )
        monkeypatch.setattr("guanxi.web.session_idle.current_policy", lambda: changed)
        monkeypatch.setattr("guanxi.outbox.services.current_policy", lambda: changed)
        return changed

    return change


@pytest.fixture
def idle_minutes() -> int:
    """The limit of the installed policy, read rather than assumed."""
    return current().security.session_idle_minutes
