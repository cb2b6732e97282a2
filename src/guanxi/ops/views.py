"""Liveness, readiness, metrics and the error page that names the request id.

`/healthz` answers while the process can answer at all (restart it otherwise); `/readyz` answers
503 naming the part that failed while the database, Redis or the task queue's broker is away, so
the proxy sends traffic elsewhere until it is back.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from guanxi.ops.logs import current_request_id
from guanxi.ops.metrics import exposition

CHECK_TIMEOUT_SECONDS = 2


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return "not configured (local cache)"
    import redis

    client = redis.Redis.from_url(
        url, socket_timeout=CHECK_TIMEOUT_SECONDS, socket_connect_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


def check_task_queue() -> str:
    """The broker takes connections; with no broker, tasks run in-process and need none."""
    from guanxi.celery import app

    if app.conf.task_always_eager:
        return "in-process (no broker configured)"
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT_SECONDS)
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "redis": check_redis,
    "task_queue": check_task_queue,
}


def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
        except Exception as error:  # any failure means "not ready", never a 500
            healthy = False
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        else:
            results[name] = {"ok": True, "detail": detail}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches nothing else, so a slow database restarts nothing."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    healthy, results = run_checks()
    failed = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "ok" if healthy else "unavailable", "failed": failed, "checks": results}
    return JsonResponse(body, status=200 if healthy else 503)


def _is_direct_loopback(request: HttpRequest) -> bool:
    if request.META.get("HTTP_X_FORWARDED_FOR") or request.META.get("HTTP_X_REAL_IP"):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def metrics_allowed(request: HttpRequest) -> bool:
    """With GUANXI_METRICS_TOKEN set, the bearer token; otherwise only a direct loopback caller."""
    token: str = getattr(settings, "GUANXI_METRICS_TOKEN", "")
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return _is_direct_loopback(request)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, quoting the request id so a report can be matched to the log lines."""
    template = loader.get_template("ops/500.html")
    return HttpResponseServerError(template.render({"request_id": current_request_id()}))
