from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from guanxi.access.scope import may


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_customers": may(user, "customer.view"),
        "nav_access_log": may(user, "access_log.view"),
        "nav_admin": user.is_staff,
    }
