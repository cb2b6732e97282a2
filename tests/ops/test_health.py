"""Health and readiness probes, request ids, JSON log lines and the metrics endpoint."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

from guanxi.celery import app
from guanxi.ops.logs import JsonFormatter, RequestIdFilter

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """JSON lines written by the product's own formatter and filter, as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    watched = [logging.getLogger("guanxi.request"), logging.getLogger("django.request")]
    for logger in watched:
        logger.addHandler(handler)
    yield stream
    for logger in watched:
        logger.removeHandler(handler)


def _parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_liveness_answers_without_touching_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_readiness_checks_database_redis_and_task_queue(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failed"] == []
    assert set(body["checks"]) == {"database", "redis", "task_queue"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
@override_settings(REDIS_URL=DEAD_REDIS)
def test_readiness_is_503_naming_redis_when_redis_is_down(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["redis"]
    assert "ConnectionError" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readiness_is_503_naming_the_task_queue_when_its_broker_is_down(client: Client) -> None:
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, DEAD_REDIS
    try:
        response = client.get("/readyz")
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
    assert response.status_code == 503
    assert "task_queue" in response.json()["failed"]


def test_request_id_from_the_proxy_is_echoed_and_logged(
    client: Client, log_lines: io.StringIO
) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-7f3a9c21-0001"})
    assert response["X-Request-ID"] == "nginx-7f3a9c21-0001"
    lines = _parsed(log_lines)
    access = [line for line in lines if line["logger"] == "guanxi.request"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "nginx-7f3a9c21-0001"
    assert line["route"] == "healthz"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"


def test_a_malformed_request_id_is_replaced_not_trusted(client: Client) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": 'evil"\n{"level":"ERROR"}'})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.ops.urls", DEBUG=False)
def test_error_page_and_every_log_line_of_the_request_carry_its_id(
    log_lines: io.StringIO,
) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/ops-test/boom/", headers={"X-Request-ID": "req-boom-000123"})
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-boom-000123"
    assert "req-boom-000123" in response.content.decode()
    lines = _parsed(log_lines)
    assert {line["logger"] for line in lines} == {"django.request", "guanxi.request"}
    assert all(line["request_id"] == "req-boom-000123" for line in lines)
    error = next(line for line in lines if line["logger"] == "django.request")
    assert error["level"] == "ERROR"
    assert "deliberate failure" in str(error["exception"])


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.mark.django_db
def test_metrics_count_requests_latency_and_queries_per_route(client: Client) -> None:
    def scrape() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        response = client.get("/metrics")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return _samples(response.content.decode())

    before = scrape()
    for _ in range(3):
        client.get("/readyz")
    after = scrape()
    labels = (("method", "GET"), ("route", "readyz"), ("status", "200"))
    key = ("guanxi_http_requests_total", labels)
    assert after[key] - before.get(key, 0) == 3
    count = ("guanxi_http_request_duration_seconds_count", (("method", "GET"), ("route", "readyz")))
    assert after[count] - before.get(count, 0) == 3
    queries = ("guanxi_db_queries_total", (("route", "readyz"),))
    assert after[queries] - before.get(queries, 0) >= 3  # SELECT 1 each time
    per_request = ("guanxi_db_queries_per_request_count", (("route", "readyz"),))
    assert after[per_request] - before.get(per_request, 0) == 3


def test_metrics_refuse_a_caller_through_the_proxy(client: Client) -> None:
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.10").status_code == 404


@override_settings(GUANXI_METRICS_TOKEN="m3trics-t0ken-9f8e")
def test_metrics_with_a_token_want_the_token(client: Client) -> None:
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 404
    right = client.get(
        "/metrics",
        headers={"Authorization": "Bearer m3trics-t0ken-9f8e", "X-Forwarded-For": "203.0.113.9"},
        REMOTE_ADDR="192.0.2.10",
    )
    assert right.status_code == 200
    assert b"guanxi_http_requests_total" in right.content


def test_probes_refuse_other_methods_without_a_500(client: Client) -> None:
    assert client.post("/healthz").status_code == 405
    assert client.post("/metrics").status_code in {403, 405}


def test_json_formatter_writes_one_parseable_line_with_extras() -> None:
    record = logging.makeLogRecord(
        {"name": "guanxi.x", "levelname": "WARNING", "msg": "客户 %s", "args": ("中海油服",)}
    )
    record.customer_id = 42
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "客户 中海油服"
    assert parsed["customer_id"] == 42
    assert parsed["request_id"] is None
