"""The outermost middleware: request id, one access-log line and the metrics of every request."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse

from guanxi.ops.logs import request_id_var
from guanxi.ops.metrics import DB_QUERIES, DB_QUERIES_PER_REQUEST, LATENCY, REQUESTS

HEADER = "X-Request-ID"
# What a proxy may hand us: short and plain, so it cannot forge log lines or headers.
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{8,128}$")

access_log = logging.getLogger("guanxi.request")


def incoming_request_id(request: HttpRequest) -> str:
    """The proxy's X-Request-ID when it is well formed, otherwise a new one."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if ACCEPTED_ID.match(given) else uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    """The URL pattern's name, never the raw path, so the metrics have bounded labels."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return str(match.view_name or match.route or "unnamed")
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


class RequestMiddleware:
    """Give the request its id, count its queries and time it; log and measure the outcome."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        counter = _QueryCounter()
        started = time.perf_counter()
        status = 500
        try:
            with connection.execute_wrapper(counter):
                response = self.get_response(request)
            status = response.status_code
            response[HEADER] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - started
            route = route_of(request)
            REQUESTS.labels(route, request.method or "", str(status)).inc()
            LATENCY.labels(route, request.method or "").observe(elapsed)
            DB_QUERIES.labels(route).inc(counter.count)
            DB_QUERIES_PER_REQUEST.labels(route).observe(counter.count)
            user = getattr(request, "user", None)
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                    "db_queries": counter.count,
                    "user_id": getattr(user, "pk", None),
                    "client": request.META.get("REMOTE_ADDR"),
                },
            )
            request_id_var.reset(token)
