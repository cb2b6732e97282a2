"""Sign a person out after a stretch without activity (issue 6: sessions expire when idle).

An unattended screen in an open office should not stay signed in to customer archives. The
number of idle minutes is the policy's `[security] session_idle_minutes` (001 §1.3). Each request
of a signed-in session stamps the time; a request that comes later than the limit after the last
one finds the person signed out.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from guanxi.policy.loader import current as current_policy

LAST_SEEN = "guanxi_last_seen"
STAMP_EVERY_SECONDS = 60  # an active session is written at most this often, not per request


def stamp_at_sign_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """Start the idle clock with the sign-in, which saves the session anyway; otherwise the
    first page after it would write the session a second time."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


def idle_minutes() -> int:
    return current_policy().security.session_idle_minutes


class SessionIdleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            minutes = idle_minutes()
            if isinstance(last_seen, int) and now - last_seen > minutes * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(minutes)d minutes without activity.")
                    % {"minutes": minutes},
                )
            elif not isinstance(last_seen, int) or now - last_seen >= STAMP_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
