"""The API is rate-limited per token, with a clear 429 and Retry-After (issue 6)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from guanxi.api.throttling import ClientRateThrottle
from guanxi.organisation.models import Person


@pytest.fixture
def low_rates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"client": "3/min", "anon": "2/min"})
    cache.clear()
    yield
    cache.clear()


def token_client(person: Person, language: str = "zh-hans") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    token = Token.objects.get_or_create(user=person)[0]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_token_past_its_rate_gets_429_with_retry_after(people, low_rates) -> None:  # type: ignore[no-untyped-def]
    client = token_client(people["div1.staff"], language="en")

    answers = [client.get("/api/v1/me/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    refused = client.get("/api/v1/me/")
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()


def test_the_refusal_is_in_chinese_by_default(people, low_rates) -> None:  # type: ignore[no-untyped-def]
    client = token_client(people["div1.staff"])
    for _ in range(3):
        client.get("/api/v1/me/")

    refused = client.get("/api/v1/me/")

    assert refused.status_code == 429
    assert "请求" in refused.json()["detail"]


def test_each_token_has_its_own_bucket(people, low_rates) -> None:  # type: ignore[no-untyped-def]
    busy = token_client(people["div1.staff"])
    for _ in range(4):
        busy.get("/api/v1/me/")

    assert busy.get("/api/v1/me/").status_code == 429
    assert token_client(people["div2.staff"]).get("/api/v1/me/").status_code == 200


def test_a_second_connection_with_the_same_token_shares_the_bucket(people, low_rates) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        assert token_client(people["div1.staff"]).get("/api/v1/me/").status_code == 200

    assert token_client(people["div1.staff"]).get("/api/v1/me/").status_code == 429


def test_sign_in_attempts_are_limited_per_address_not_by_forwarded_headers(
    people, low_rates
) -> None:  # type: ignore[no-untyped-def]
    def attempt(forwarded: str) -> int:
        body = {"username": "nobody", "password": "wrong"}
        return (
            APIClient(HTTP_X_FORWARDED_FOR=forwarded)
            .post("/api/v1/auth/token/", body, format="json")
            .status_code
        )

    answers = [attempt(f"10.0.0.{n}") for n in range(3)]

    assert answers[:2] == [401, 401] or answers[:2] == [403, 403]
    assert answers[2] == 429


def test_a_throttled_request_changes_nothing(people, units, low_rates) -> None:  # type: ignore[no-untyped-def]
    from guanxi.customers.models import Customer

    client = token_client(people["div1.manager"])
    for _ in range(3):
        client.get("/api/v1/me/")

    answer = client.post(
        "/api/v1/customers/",
        {"name": "限流测试有限公司", "owning_unit": units["DIV1"].pk, "tier": "vip"},
        format="json",
    )

    assert answer.status_code == 429
    assert not Customer.objects.filter(name="限流测试有限公司").exists()


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")
def test_counts_live_in_redis_so_every_process_shares_them() -> None:
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_the_count_is_one_number_per_window_and_a_new_window_starts_afresh(  # type: ignore[no-untyped-def]
    people, low_rates, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1_000_040.0]  # 20 s into a minute (minute 16,667 began at 1,000,020)
    monkeypatch.setattr(ClientRateThrottle, "timer", lambda self: clock[0])
    client = token_client(people["div1.staff"])
    token = Token.objects.get(user=people["div1.staff"]).key

    answers = [client.get("/api/v1/me/").status_code for _ in range(4)]
    refused = client.get("/api/v1/me/")
    clock[0] += 40  # the next minute
    again = client.get("/api/v1/me/").status_code

    assert answers == [200, 200, 200, 429]
    assert int(refused["Retry-After"]) == 40
    assert again == 200
    throttle = ClientRateThrottle()
    ident = "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    stored = cache.get(throttle.cache_format % {"scope": "client", "ident": ident} + ":16667")
    assert stored == 5  # a counter, not a list of request times
