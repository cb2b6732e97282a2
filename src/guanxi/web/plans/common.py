"""Helpers shared by the plan, activity and approval pages: refusals as clear pages."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from guanxi.approvals.services import Refused
from guanxi.params import parse_int
from guanxi.versioning import StaleVersion


def int_or_none(value: str | None) -> int | None:
    """A version or id sent by a form; anything else is None (the page then refuses)."""
    return parse_int(value)


def refused(request: HttpRequest, message: str, back: str, status: int) -> HttpResponse:
    return render(request, "plans/refused.html", {"message": message, "back": back}, status=status)


def attempt(request: HttpRequest, change: Callable[[], object], back: str) -> HttpResponse:
    """Run one service call; a refusal or a stale version is a 409 page, bad input a 400."""
    try:
        change()
    except StaleVersion as stale:
        return refused(request, str(stale), back, 409)
    except Refused as refusal:
        return refused(request, str(refusal), back, 409)
    except ValidationError as error:
        return refused(request, " ".join(error.messages), back, 400)
    return redirect(back)
