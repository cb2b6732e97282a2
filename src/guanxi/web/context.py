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
        "nav_archive_review": may(user, "customer.view"),  # see web.review_views
        "nav_market_reports": may(user, "customer.view"),
        "nav_personal_requests": may(user, "customer.view"),
        "nav_key_customers": "keycustomers:visit-list"
        if may(user, "visit.view")
        else ("keycustomers:campaign-list" if may(user, "campaign.view") else ""),
        "nav_plans": may(user, "plan.view"),
        "nav_activities": may(user, "activity.view"),
        "nav_contact_reports": may(user, "contact_report.view"),
        "nav_approvals": may(user, "approval.view"),
        "nav_demands": "demands:demand-list"
        if may(user, "demand.view")
        else ("demands:complaint-list" if may(user, "complaint.view") else ""),
        "nav_forms": may(user, "feedback.view"),
        "nav_improvements": may(user, "improvement.view"),
        "nav_risk": may(user, "risk.view"),
        "nav_admin": user.is_staff,
    }
