"""Every page of the URL map, as each demo role, in Chinese and in English: no visible text is an
untranslated message, a stored code or a database constraint name (issue 12 item 5).

The demo is loaded once for the module (inside a transaction rolled back at the end). Each route
with parameters gets real ids from a table below; a new route without a row fails the test, so
the walk keeps up with the URL map. Printed documents are checked as the HTML they are printed
from; Excel downloads by the text of their cells.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.db import models, transaction
from django.test import Client
from django.urls import reverse

from guanxi.customers import archive
from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person, Unit
from guanxi.seeding.demo import PEOPLE, load_demo
from tests.security.test_url_coverage import routes
from tests.web.visible_text import Words, language_cookie, visible_chunks

LANGUAGES = ("zh-hans", "en")
# The activity forms' models and route names (000 附表一–三).
FORM_ROUTES = {
    "VisitRecord": "visit-record",
    "CareRecord": "care-record",
    "SeminarFeedback": "seminar-feedback",
}


# Routes that are not pages a person reads, with the reason.
NOT_PAGES = {
    "healthz": "a probe",
    "readyz": "a probe",
    "metrics": "Prometheus text",
    "logout": "POST only",
    "set_language": "POST only",
    "login": "checked signed out in test_the_sign_in_page_says_it_in_both_languages",
    "keycustomers:material": "the uploaded file itself, served as it was uploaded",
    "customer-import-report": "only the uploader's own; the demo holds no upload",
    "customer-photo": "the stored image itself",
    "contact-photo": "the stored image itself",
    "customer-photo-upload": "POST only",
    "customer-photo-remove": "POST only",
    "contact-photo-upload": "POST only",
    "contact-photo-remove": "POST only",
    **{f"{r}-signature": "the drawn signature image itself" for r in FORM_ROUTES.values()},
}
# Lines a record may belong to, nearest the demo's lowest personas first.
LINES = (("BASE11",), ("DIV1",), ())


def _ids(model: type[models.Model], unit_path: str) -> list[int]:
    """One id per line, so every persona finds a record it may open."""
    found: list[int] = []
    for codes in LINES:
        rows = model._default_manager.exclude(pk__in=found)
        if codes:
            rows = rows.filter(**{f"{unit_path}__code__in": codes})
        pk = rows.order_by("pk").values_list("pk", flat=True).first()
        if pk is not None:
            found.append(pk)
    return found


def _by(label: str, unit_path: str, name: str = "pk", **fixed: str) -> Callable[[], list[dict]]:
    def kwargs() -> list[dict[str, Any]]:
        from django.apps import apps

        model = apps.get_model(label)
        return [{name: pk, **fixed} for pk in _ids(model, unit_path)]

    return kwargs


def _child(parent: str, parent_path: str, child: str, related: str, **fixed: str) -> Callable:
    """(pk, child id) pairs: a parent record and one of its rows."""

    def kwargs() -> list[dict[str, Any]]:
        from django.apps import apps

        model = apps.get_model(parent)
        pairs = []
        for pk in _ids(model, parent_path):
            row = getattr(model._default_manager.get(pk=pk), related).order_by("pk").first()
            if row is not None:
                pairs.append({"pk": pk, child: row.pk, **fixed})
        return pairs

    return kwargs


CUSTOMER = _by("customers.Customer", "owning_unit")
PLAN = _by("plans.Plan", "unit")
VISIT = _by("keycustomers.VisitPlan", "customer__owning_unit")
CUSTOMER_PLAN = _by("keycustomers.CustomerPlan", "customer__owning_unit")
CAMPAIGN = _by("keycustomers.Campaign", "unit")
REQUEST = _by("customers.PersonalDataRequest", "contact__customer__owning_unit")
REPORT = _by("customers.MarketReport", "unit")
ACTIVITY = _by("activities.Activity", "unit")
APPROVAL = _by("approvals.Approval", "requesting_unit")
CONTACT_REPORT = _by("contactreports.ContactReport", "unit")
DEMAND = _by("demands.Demand", "owning_unit")
COMPLAINT = _by("demands.Complaint", "owning_unit")
MONTHLY = _by("demands.MonthlyReport", "unit")
SUBMISSION = _by("demands.MonthlySubmission", "unit")
PROPOSAL = _by("improvements.ImprovementProposal", "unit")


def _form_activities(kind: str) -> Callable[[], list[dict]]:
    """Activities of `kind`: with a form (the page leads to it) or without (the form to fill)."""

    def kwargs() -> list[dict[str, Any]]:
        from guanxi.activities.models import Activity

        rows = Activity.objects.filter(kind=kind, status="carried_out")
        found: list[int] = []
        for codes in LINES:
            line = rows.filter(unit__code__in=codes) if codes else rows
            pk = line.exclude(pk__in=found).order_by("pk").values_list("pk", flat=True).first()
            if pk is not None:
                found.append(pk)
        return [{"activity": pk} for pk in found]

    return kwargs


def _form_rows() -> dict[str, Callable[[], list[dict[str, Any]]]]:
    rows: dict[str, Callable[[], list[dict[str, Any]]]] = {}
    kinds = {"VisitRecord": "visit", "CareRecord": "care", "SeminarFeedback": "seminar"}
    for model, route in FORM_ROUTES.items():
        label = f"feedback.{model}"
        for page in ("detail", "edit", "pdf"):
            rows[f"{route}-{page}"] = _by(label, "unit")
        rows[f"{route}-sign"] = _by(label, "unit", role="visitor")
        rows[f"{route}-create"] = _form_activities(kinds[model])
    return rows


# url name -> where its parameters come from
PARAMETERS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "demands:demand-detail": DEMAND,
    "demands:demand-edit": DEMAND,
    "demands:demand-move": DEMAND,
    "demands:demand-escalate": DEMAND,
    "demands:complaint-detail": COMPLAINT,
    "demands:complaint-answer": COMPLAINT,
    "demands:report-detail": MONTHLY,
    "demands:report-pdf": MONTHLY,
    "demands:report-xlsx": MONTHLY,
    "demands:report-publish": MONTHLY,
    "demands:submission-detail": SUBMISSION,
    "demands:submission-entry": SUBMISSION,
    "demands:submission-submit": SUBMISSION,
    "demands:follower-set": _by("customers.Customer", "owning_unit"),
    "demands:unit-contact-set": lambda: [
        {"pk": pk} for pk in Unit.objects.order_by("-path").values_list("pk", flat=True)[:3]
    ],
    "customer-detail": CUSTOMER,
    "customer-edit": CUSTOMER,
    "contact-create": CUSTOMER,
    "department-create": CUSTOMER,
    "dealing-create": CUSTOMER,
    "operation-create": CUSTOMER,
    "customer-information": CUSTOMER,
    "history-customer": CUSTOMER,
    "customer-information-edit": _by("customers.Customer", "owning_unit", topic="plans"),
    "contact-detail": _by("customers.Contact", "customer__owning_unit"),
    "department-detail": _by("customers.CustomerDepartment", "customer__owning_unit"),
    "contact-edit": _by("customers.Contact", "customer__owning_unit"),
    "relationship-edit": _by("customers.Contact", "customer__owning_unit"),
    "personal-request-create": _by("customers.Contact", "customer__owning_unit"),
    "market-report-detail": REPORT,
    "market-report-edit": REPORT,
    "personal-request-detail": REQUEST,
    "personal-request-complete": REQUEST,
    "personal-request-export": REQUEST,
    "personal-request-print": REQUEST,
    "plan-detail": PLAN,
    "plan-item-add": PLAN,
    "plan-pdf": PLAN,
    "plan-xlsx": PLAN,
    "plan-transition": _by("plans.Plan", "unit", transition="submit"),
    "plan-item-edit": _child("plans.Plan", "unit", "item", "items"),
    "plan-item-delete": _child("plans.Plan", "unit", "item", "items"),
    "activity-detail": ACTIVITY,
    "activity-write-off": ACTIVITY,
    "activity-carry-out": ACTIVITY,
    "approval-detail": APPROVAL,
    "approval-decide": _by("approvals.Approval", "requesting_unit", decision="approve"),
    "approval-delegation-cancel": _by("approvals.Delegation", "delegator__memberships__unit"),
    "keycustomers:visit-detail": VISIT,
    "keycustomers:visit-pdf": VISIT,
    "keycustomers:visit-summarise": VISIT,
    "keycustomers:material-upload": VISIT,
    "keycustomers:follow-up-update": _by("keycustomers.FollowUp", "visit__customer__owning_unit"),
    "keycustomers:plan-detail": CUSTOMER_PLAN,
    "keycustomers:plan-pdf": CUSTOMER_PLAN,
    "keycustomers:plan-xlsx": CUSTOMER_PLAN,
    "keycustomers:plan-edit": CUSTOMER_PLAN,
    "keycustomers:plan-row-add": _by(
        "keycustomers.CustomerPlan", "customer__owning_unit", kind="action"
    ),
    "keycustomers:plan-row-edit": _child(
        "keycustomers.CustomerPlan", "customer__owning_unit", "row", "action_rows", kind="action"
    ),
    "keycustomers:campaign-detail": CAMPAIGN,
    "keycustomers:target-add": CAMPAIGN,
    "keycustomers:campaign-step": _by("keycustomers.Campaign", "unit", step="launch"),
    "keycustomers:target-update": _by("keycustomers.CampaignTarget", "campaign__unit"),
    "contactreports:report-detail": CONTACT_REPORT,
    "contactreports:report-edit": CONTACT_REPORT,
    "contactreports:customer-timeline": CUSTOMER,
    "contactreports:timeline-section": CUSTOMER,
    "contactreports:next-contact": CUSTOMER,
    "satisfaction:customer-section": CUSTOMER,
    **_form_rows(),
    "improvements:proposal-create": _by("feedback.FormRecord", "unit", name="record"),
    "improvements:proposal-detail": PROPOSAL,
    "improvements:proposal-edit": PROPOSAL,
    "improvements:proposal-submit": PROPOSAL,
    "improvements:proposal-decide": PROPOSAL,
    "improvements:item-progress": _by("improvements.PlanItem", "department"),
    "improvements:item-assign": _by("improvements.PlanItem", "department"),
    "improvements:opinion-forward": _by("feedback.SeminarFeedback", "unit", name="record"),
    "improvements:opinion-answer": _by("improvements.OpinionForward", "department"),
    "risk:customer-panel": CUSTOMER,
}


def personas() -> list[str]:
    """One demo person per role, the lowest in the organisation first."""
    chosen: dict[str, str] = {}
    for username, _name, _unit, role, _superuser in sorted(PEOPLE, key=lambda p: p[2] == "HQ"):
        chosen.setdefault(role, username)
    return sorted(chosen.values())


class _HtmlNotPdf:
    """Printed documents are read as the HTML they are printed from: cheap, and the same words."""

    def __init__(self, string: str) -> None:
        self.string = string

    def write_pdf(self) -> bytes:
        return self.string.encode()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Person]]:
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        _records_the_demo_lacks()
        yield {p.username: p for p in Person.objects.all()}
        transaction.set_rollback(True)


def _records_the_demo_lacks() -> None:
    """A market report and a personal data request, so their pages have something to show."""
    actor = Person.objects.get(username="hq.manager")
    for code in ("BASE11", "DIV1"):
        unit = Unit.objects.get(code=code)
        archive.market_report_create(
            actor=actor, unit=unit, month=date(2026, 6, 1), title="六月市场动态", body="渤海湾"
        )
        contact = Contact.objects.filter(customer__owning_unit=unit, is_key=True).first()
        if contact is not None:
            archive.personal_request_record(
                actor=actor, contact=contact, kind="see", requested_by="本人", verification="证件"
            )
    customer = Customer.objects.filter(owning_unit__code="DIV1").first()
    assert customer is not None
    archive.information_set(actor=actor, customer=customer, topic="plans", information="扩产")


@pytest.fixture(scope="module")
def words(demo: dict[str, Person]) -> Words:
    return Words(data=set(demo))


def page_paths() -> Iterator[tuple[str, list[str]]]:
    """(url name, candidate paths) of every page route."""
    from django.urls import get_resolver

    for route, name in routes(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/", "static/")) or name in NOT_PAGES:
            continue
        if "<" not in route:
            yield name, [reverse(name)]
            continue
        assert name in PARAMETERS, f"add a PARAMETERS row for the route {name} /{route}"
        yield name, [reverse(name, kwargs=kwargs) for kwargs in PARAMETERS[name]()]


def _chunks(answer: Any) -> list[str] | None:
    kind = answer.get("Content-Type", "")
    if answer.status_code in {301, 302, 303, 405} or answer.streaming:
        return None
    if kind.startswith("text/html") or kind.startswith("application/pdf"):
        return visible_chunks(answer.content.decode())
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(answer.content), read_only=True)
        return [
            " ".join(str(cell).split())
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if isinstance(cell, str) and cell.strip()
        ]
    return None


def _read(client: Client, candidates: list[str]) -> tuple[str, Any]:
    """The first candidate the person may open, else the refusal they meet."""
    answer = None
    for path in candidates:
        answer = client.get(path)
        if answer.status_code == 200:
            return path, answer
    return (candidates[-1] if candidates else ""), answer


@pytest.mark.django_db  # also tells pytest-django to set the test database up when run alone
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_shows_a_code_an_untranslated_message_or_a_constraint_name(
    language: str, demo: dict[str, Person], words: Words, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("guanxi.documents.pdf.HTML", _HtmlNotPdf)
    pages = list(page_paths())
    problems: list[str] = []
    opened = 0
    for username in personas():
        client = Client()
        client.cookies.load(language_cookie(language))
        client.force_login(demo[username])
        for name, candidates in pages:
            if not candidates:
                problems.append(f"{name}: the demo has no record to open")
                continue
            path, answer = _read(client, candidates)
            chunks = _chunks(answer)
            opened += answer.status_code == 200
            for problem in words.problems(chunks or [], language):
                problems.append(f"{username} {path}: {problem}")
    assert opened > len(pages) * 2
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_says_it_in_both_languages(
    client: Client, db: None, language: str
) -> None:
    client.cookies.load(language_cookie(language))
    chunks = visible_chunks(client.get(reverse("login")).content.decode())
    assert Words().problems(chunks, language) == []
