"""API rate limits per token (issue 6): one client cannot starve the others.

Counts live in the default cache, which is Redis when REDIS_URL is set, so the limit holds
across every worker process. Rates come from settings (API_RATE / API_ANON_RATE).
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

    def allow_request(self, request: Request, view: Any) -> bool:
        signed_in = bool(request.user and request.user.is_authenticated)
        self.scope = type(self).scope if signed_in else self.anonymous_scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        token = getattr(request.auth, "key", None)
        if token:
            ident = "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
        elif request.user and request.user.is_authenticated:
            ident = f"person:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
