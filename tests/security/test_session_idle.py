"""Page sessions end after the policy's minutes without activity (issue 6, 001 §1.3)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone


def test_a_session_idle_past_the_limit_is_signed_out(page_as, idle_minutes) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = page_as("div1.staff")
        assert client.get("/customers/").status_code == 200

        clock.shift(timedelta(minutes=idle_minutes + 1))
        answer = client.get("/customers/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_activity_within_the_limit_keeps_the_session(page_as, idle_minutes) -> None:  # type: ignore[no-untyped-def]
    step = timedelta(minutes=idle_minutes - 1)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = page_as("div1.staff")
        for _ in range(4):  # well past the limit in total, never idle that long
            assert client.get("/customers/").status_code == 200
            clock.shift(step)


def test_the_limit_comes_from_the_policy(page_as, policy_with) -> None:  # type: ignore[no-untyped-def]
    policy_with(session_idle_minutes=5)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = page_as("div1.staff")
        client.get("/customers/")
        clock.shift(timedelta(minutes=6))
        assert client.get("/customers/").status_code == 302


def test_an_idle_api_session_is_refused_too(page_as, idle_minutes) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = page_as("div1.staff")
        assert client.get("/api/v1/me/").status_code == 200
        clock.shift(timedelta(minutes=idle_minutes + 1))
        assert client.get("/api/v1/me/").status_code in {401, 403}


def test_the_login_page_says_why(page_as, idle_minutes) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = page_as("div1.staff")
        client.cookies["django_language"] = "en"
        client.get("/customers/")
        clock.shift(timedelta(minutes=idle_minutes + 1))
        page = client.get("/customers/", follow=True)

    assert "without activity" in page.content.decode()


def test_an_active_session_is_written_at_most_once_a_minute(page_as) -> None:  # type: ignore[no-untyped-def]
    """Stamping every request would write the session row on every page."""
    from guanxi.web.session_idle import LAST_SEEN

    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = page_as("div1.staff")
        client.get("/customers/")
        first = client.session[LAST_SEEN]
        clock.shift(timedelta(seconds=30))
        client.get("/customers/")
        assert client.session[LAST_SEEN] == first
        clock.shift(timedelta(seconds=31))
        client.get("/customers/")
        assert client.session[LAST_SEEN] == first + 61


def test_signing_in_starts_the_idle_clock(client, people) -> None:  # type: ignore[no-untyped-def]
    """The sign-in saves the session anyway; the first page then need not write it again."""
    from guanxi.seeding.demo import DEMO_PASSWORD
    from guanxi.web.session_idle import LAST_SEEN

    with time_machine.travel(timezone.now(), tick=False):
        answer = client.post(
            "/accounts/login/", {"username": "div1.staff", "password": DEMO_PASSWORD}
        )
        assert answer.status_code == 302
        assert client.session[LAST_SEEN] == int(timezone.now().timestamp())
