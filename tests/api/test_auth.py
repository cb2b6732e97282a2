from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from guanxi.seeding.demo import DEMO_PASSWORD


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def test_a_token_is_issued_for_good_credentials_and_works(people, anon) -> None:  # type: ignore[no-untyped-def]
    answer = anon.post(
        "/api/v1/auth/token/", {"username": "div1.staff", "password": DEMO_PASSWORD}, format="json"
    )
    assert answer.status_code == 200
    token = answer.json()["token"]
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = anon.get("/api/v1/me/").json()
    assert me["username"] == "div1.staff"


def test_a_wrong_password_gets_a_clear_chinese_message(people, anon) -> None:  # type: ignore[no-untyped-def]
    answer = anon.post(
        "/api/v1/auth/token/", {"username": "div1.staff", "password": "nope"}, format="json"
    )
    assert answer.status_code in {401, 403}
    assert answer.json()["detail"] == "用户名或密码错误。"


def test_english_when_asked(people, anon) -> None:  # type: ignore[no-untyped-def]
    answer = anon.post(
        "/api/v1/auth/token/",
        {"username": "div1.staff", "password": "nope"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.json()["detail"] == "Wrong username or password."


def test_five_failures_lock_the_account(people, anon) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        anon.post(
            "/api/v1/auth/token/", {"username": "div2.staff", "password": "bad"}, format="json"
        )
    answer = anon.post(
        "/api/v1/auth/token/", {"username": "div2.staff", "password": DEMO_PASSWORD}, format="json"
    )
    assert answer.status_code == 403
    assert "锁定" in answer.json()["detail"]
    other = anon.post(
        "/api/v1/auth/token/", {"username": "div1.staff", "password": DEMO_PASSWORD}, format="json"
    )
    assert other.status_code == 200


@pytest.mark.parametrize(
    "header", ["Token", "Token a b", "Token nonsense", "Bearer x", "Token \x00"]
)
def test_a_malformed_token_is_refused_cleanly(people, anon, header: str) -> None:  # type: ignore[no-untyped-def]
    anon.credentials(HTTP_AUTHORIZATION=header)
    answer = anon.get("/api/v1/customers/")
    assert answer.status_code in {400, 401, 403}
    assert answer.json()["detail"]


def test_missing_fields_are_reported(anon, db) -> None:  # type: ignore[no-untyped-def]
    answer = anon.post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert answer.status_code == 400
    assert "password" in answer.json()


def test_the_schema_and_docs_are_served_without_network(people, api_as) -> None:  # type: ignore[no-untyped-def]
    client = api_as("div1.staff")
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/customers/",
        "/api/v1/customers/{id}/",
        "/api/v1/units/",
        "/api/v1/people/",
        "/api/v1/me/",
        "/api/v1/auth/token/",
        "/api/v1/access-log/",
    ):
        assert path in paths
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn." not in docs
    assert "unpkg" not in docs
    assert "jsdelivr" not in docs
