"""Permission matrix for the satisfaction analytics (ACT-6).

role × relation of the forms' executing unit to the person's unit × action, from the grants in
policies/cosl.toml: the analytics count a form exactly when its reader may see it
(`feedback.view`, down the line), on the page and over the API alike; without the permission
both answer 403, and a refused request registers nothing.
"""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from guanxi.access.models import AccessLogEntry
from guanxi.activities.models import Activity
from guanxi.feedback.models import FormRecord
from guanxi.satisfaction.services import ratings_refresh
from tests.test_permission_matrix import CASES, DOWN, NONE, RELATIONS, persona

COVERS = {
    "satisfaction:page": "view",
    "satisfaction:customer-section": "view",
    "api:satisfaction": "view",
}
MATRIX: dict[str, set[str]] = {
    "staff": DOWN,
    "customer_manager": DOWN,
    "info_admin": DOWN,
    "manager": DOWN,
    "executive": DOWN,
    "finance": NONE,
    "auditor": NONE,
    "admin": NONE,
}


def counted(role: str, home: str, relation: str) -> bool:
    if home == "HQ":
        return bool(MATRIX[role])  # HQ's line is the whole tree
    return relation in MATRIX[role]


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(MATRIX)


def _rated_form(people, units, make_customer, code: str):  # type: ignore[no-untyped-def]
    customer = make_customer(code)
    day = datetime.date(2025, 3, 1)
    activity = Activity.objects.create(
        unit=units[code],
        kind="visit",
        name="作业后回访",
        customer=customer,
        date=day,
        place="天津",
        status="carried_out",
        created_by=people["hq.manager"],
    )
    record = FormRecord.objects.create(
        kind="visit",
        activity=activity,
        unit=units[code],
        customer=customer,
        date=day,
        satisfaction="good",
        ratings={"quality": "fair"},
        created_by=people["hq.manager"],
    )
    ratings_refresh(record=record)
    return record


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_satisfaction_matrix(role, home, relation, people, units, make_customer, client) -> None:  # type: ignore[no-untyped-def]
    record = _rated_form(people, units, make_customer, RELATIONS[home][relation])
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)
    allowed = bool(MATRIX[role])
    sees = counted(role, home, relation)

    answer = api.get("/api/v1/satisfaction/")
    page = client.get("/satisfaction/?from=2025-01-01")
    assert (answer.status_code, page.status_code) == ((200, 200) if allowed else (403, 403))
    if allowed:
        assert answer.json()["forms"] == (1 if sees else 0)
    registered = AccessLogEntry.objects.filter(
        record_type="feedback.formrecord", reader_id=person.pk
    )
    assert registered.count() == (2 if sees else 0)  # the API's and the page's, or none
    assert set(registered.values_list("record_unit_id", flat=True)) <= {record.unit_id}
