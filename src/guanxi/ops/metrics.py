"""Prometheus metrics, safe under several gunicorn worker processes.

`guanxi serve` sets PROMETHEUS_MULTIPROC_DIR (emptied at start) before the workers import
anything, so every worker writes its samples to files there and `/metrics` merges them; without
it (tests, `runserver`) the samples live in this process.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter(
    "guanxi_http_requests_total",
    "HTTP requests answered, by route name, method and status code.",
    ["route", "method", "status"],
)
LATENCY = Histogram(
    "guanxi_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
DB_QUERIES = Counter(
    "guanxi_db_queries_total",
    "Database queries run while answering requests, by route name.",
    ["route"],
)
DB_QUERIES_PER_REQUEST = Histogram(
    "guanxi_db_queries_per_request",
    "Database queries one request ran, by route name; growth here means a page scales badly.",
    ["route"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def exposition() -> tuple[bytes, str]:
    """The metrics text of every worker process (or of this process alone)."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
