"""Every page, print, export and download of the URL map, as each demo role: a refused request
(403, 404) leaves the read register as it was, a printed or exported document that was answered
grows it, and a page registers the records it links to and only those (DOC-4; issue 12 items 1, 2).

Uses the demo and the route table of the visible-text walk, so a new route without a row of
parameters fails there and here alike.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from guanxi.access.models import AccessLogEntry
from guanxi.organisation.models import Person
from tests.web.test_visible_text import _HtmlNotPdf, demo, page_paths, personas

__all__ = ["demo"]

# A document leaves the system: when it is answered, its read must be registered.
DOCUMENT = re.compile(r"(-pdf|-xlsx|-export|-print)$")
# Record types whose pages a list links to, and the detail route of each.
DETAIL = {
    "customers.customer": "customer-detail",
    "customers.contact": "contact-detail",
    "customers.customerdepartment": "department-detail",
    "customers.marketreport": "market-report-detail",
    "customers.personaldatarequest": "personal-request-detail",
    "plans.plan": "plan-detail",
    "activities.activity": "activity-detail",
    "approvals.approval": "approval-detail",
    "keycustomers.visitplan": "keycustomers:visit-detail",
    "keycustomers.customerplan": "keycustomers:plan-detail",
    "keycustomers.campaign": "keycustomers:campaign-detail",
    "contactreports.contactreport": "contactreports:report-detail",
    "demands.demand": "demands:demand-detail",
    "demands.complaint": "demands:complaint-detail",
    "demands.monthlyreport": "demands:report-detail",
    "demands.monthlysubmission": "demands:submission-detail",
    "feedback.visitrecord": "visit-record-detail",
    "feedback.carerecord": "care-record-detail",
    "feedback.seminarfeedback": "seminar-feedback-detail",
    "improvements.improvementproposal": "improvements:proposal-detail",
}
# (page, record type) pairs where the page links records it does not read: it names them
# beside the record it is about, whose read is registered.
REFERENCES: dict[tuple[str, str], str] = {
    ("contact-detail", "customers.customer"): "the contact's customer",
    ("contact-detail", "customers.customerdepartment"): "the contact's department",
    ("department-detail", "customers.customer"): "the department's customer",
    ("activity-detail", "plans.plan"): "the plan the activity carries out",
    ("activity-detail", "approvals.approval"): "the approval of its spending",
    ("approval-detail", "activities.activity"): "the activity the approval is for",
    ("keycustomers:visit-detail", "customers.customer"): "the customer visited",
    ("keycustomers:visit-detail", "customers.contact"): "the key persons visited, by name",
    ("personal-request-detail", "customers.customer"): "the contact's customer",
    ("personal-request-detail", "customers.contact"): "the contact who asked",
    ("plan-detail", "customers.customer"): "the customers the plan's items name",
    ("keycustomers:follow-ups", "keycustomers.visitplan"): "the visit each follow-up came from",
    ("contactreports:customer-timeline", "plans.plan"): "the plan each plan item belongs to",
    ("contactreports:timeline-section", "plans.plan"): "the plan each plan item belongs to",
    ("activity-detail", "feedback.visitrecord"): "the form that records the activity",
    ("activity-detail", "feedback.carerecord"): "the form that records the activity",
    ("activity-detail", "feedback.seminarfeedback"): "the form that records the activity",
    ("improvements:plan", "improvements.improvementproposal"): "the proposal an item came from",
}
# Pages that name records only to say which record an entry concerns.
NAMES_ONLY = {"access-log": "the read register names the records its entries concern"}


def _detail_patterns() -> dict[str, re.Pattern[str]]:
    """record type -> a pattern of its detail links in a page, capturing the id."""
    patterns = {}
    for record_type, name in DETAIL.items():
        try:
            sample = reverse(name, kwargs={"pk": 987654321})
        except NoReverseMatch:  # pragma: no cover - a renamed route fails the assertion below
            raise AssertionError(f"the detail route {name} of {record_type} is gone") from None
        prefix, suffix = sample.split("987654321")
        patterns[record_type] = re.compile(
            r'href="' + re.escape(prefix) + r"(\d+)" + re.escape(suffix) + r'"'
        )
    return patterns


def _registered(entries: list[AccessLogEntry]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in entries:
        ids = entry.returned_ids or [entry.record_id]
        found.setdefault(entry.record_type, set()).update(ids)
    return found


def _new_entries(since: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=since).order_by("pk"))


def _last() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.django_db
def test_refused_requests_register_nothing_and_answered_ones_register_what_they_show(
    demo: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("guanxi.documents.pdf.HTML", _HtmlNotPdf)
    patterns = _detail_patterns()
    pages = list(page_paths())
    problems: list[str] = []
    refused = answered_documents = checked_links = 0
    # The auditor and the administrator last: by then the register has entries to export.
    for username in sorted(personas(), key=lambda u: u in {"admin", "auditor"}):
        client = Client()
        client.force_login(demo[username])
        for name, candidates in pages:
            for path in candidates:
                since = _last()
                answer: Any = client.get(path)
                entries = _new_entries(since)
                status = answer.status_code
                if status in {403, 404}:
                    refused += 1
                    if entries:
                        problems.append(f"{username} {path}: refused ({status}) but registered")
                    continue
                if status != 200:
                    continue
                html_page = answer.get("Content-Type", "").startswith("text/html")
                # An export above the policy's number answers with a confirm page first.
                if DOCUMENT.search(name) and not html_page:
                    answered_documents += 1
                    if not entries:
                        problems.append(f"{username} {path}: a document left unregistered")
                if not html_page:
                    continue
                html = answer.content.decode()
                registered = _registered(entries)
                for record_type, pattern in patterns.items():
                    linked = set(pattern.findall(html))
                    shown_ids = registered.get(record_type, set())
                    checked_links += len(linked)
                    if (name, record_type) in REFERENCES or name in NAMES_ONLY:
                        continue
                    if missing := linked - shown_ids:
                        problems.append(
                            f"{username} {name} {path}: links {record_type} "
                            f"{sorted(missing)[:5]} it did not register"
                        )
    # The walk met refusals, answered documents and linked records, or it proved nothing.
    assert refused > 20
    assert answered_documents > 5
    assert checked_links > 50
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems)))
