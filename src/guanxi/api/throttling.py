"""API rate limits per token (issue 6): one client cannot starve the others.

Counts live in the default cache, which is Redis when REDIS_URL is set, so the limit holds
across every worker process. Rates come from settings (API_RATE / API_ANON_RATE).

A counter per fixed window (one `add` and one `incr`) rather than DRF's sliding log: the log
is a list of every request time in the window, read and written whole on each request, which
at the default rate is thousands of floats per call. A window lets a client send up to twice
its rate across a window boundary, which is acceptable for a guard against starvation.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """One bucket per API token; a browser session counts per person, strangers per address."""

    scope = "client"
    anonymous_scope = "anon"
    window_end = 0.0

    def allow_request(self, request: Request, view: Any) -> bool:
        signed_in = bool(request.user and request.user.is_authenticated)
        self.scope = type(self).scope if signed_in else self.anonymous_scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if self.rate is None or not self.duration:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = float((window + 1) * self.duration)
        key = f"{self.key}:{window}"
        timeout = self.duration + 1  # the window, and a second for clock skew between servers
        self.cache.add(key, 0, timeout)
        try:
            count = self.cache.incr(key)
        except ValueError:  # the key expired between add and incr
            self.cache.set(key, 1, timeout)
            count = 1
        return self.num_requests is None or count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.window_end - self.now)

    def get_cache_key(self, request: Request, view: Any) -> str:
        token = getattr(request.auth, "key", None)
        if token:
            ident = "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
        elif request.user and request.user.is_authenticated:
            ident = f"person:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
