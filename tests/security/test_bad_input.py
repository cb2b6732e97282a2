"""Hostile bytes in headers are a clear 400, never a 500 (found by Schemathesis on PostgreSQL)."""

from __future__ import annotations

from django.test import Client


def test_a_session_cookie_with_a_nul_byte_is_refused_not_a_server_error(db) -> None:  # type: ignore[no-untyped-def]
    for path in ("/customers/", "/api/v1/me/"):
        client = Client()
        client.cookies["sessionid"] = "abc\x00def"
        answer = client.get(path)
        assert answer.status_code == 400, path
        assert answer.cookies["sessionid"].value == ""  # the poisoned cookie is dropped
