"""Refuse NUL characters at the door: no database stores them, and no person types them."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

NUL_MARKERS = (b"\x00", b"\\u0000")
CHECKED_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")
MAX_CHECKED_BODY = 10 * 1024 * 1024


def _has_nul(request: HttpRequest) -> bool:
    if b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if "\x00" in request.META.get("HTTP_AUTHORIZATION", ""):
        return True
    if any("\x00" in value for value in request.COOKIES.values()):  # a session key, e.g.
        return True
    content_type = request.META.get("CONTENT_TYPE", "")
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if content_type.startswith(CHECKED_BODIES) and 0 < length <= MAX_CHECKED_BODY:
        body = request.body
        if content_type.startswith("application/x-www-form-urlencoded"):
            body = unquote_to_bytes(body.replace(b"+", b" "))
        return any(marker in body for marker in NUL_MARKERS)
    return False


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            if hasattr(request, "session"):  # never look a NUL-bearing session key up
                request.session = import_module(settings.SESSION_ENGINE).SessionStore()
            message = _("The request contains a NUL character, which is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class ChineseFirstMiddleware:
    """Pages are Chinese unless the person chose English with the switch (INT-1).

    A browser's Accept-Language says what the computer was set up with, not what the person
    chose here, so pages ignore it; API clients set it on purpose, so the API honours it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ReadNotRegisteredMiddleware:
    """A page whose read could not be registered answers 503 without its data (DOC-4,
    fail-closed), whichever view raised it; the API says the same through its own handler."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from guanxi.access.register import ReadNotRegistered

        if not isinstance(exception, ReadNotRegistered) or request.path.startswith("/api/"):
            return None
        context = {"message": ReadNotRegistered.message}
        return render(request, "web/unavailable.html", context, status=503)
