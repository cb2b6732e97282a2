"""Permission matrix for the activity forms of 000 附表一–三 (000 §22: copies up the line).

role × relation of the form's executing unit to the person's unit × action, written out by hand
from the grants in policies/cosl.toml. Seeing follows the line (own, child, grandchild); the
original is changed only *in* the executing unit ("own"): a child unit's form is a read-only
copy, 403 to a change. Missing and out of sight both answer 404.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from guanxi.feedback import services
from guanxi.feedback.models import FormRecord
from tests.test_permission_matrix import CASES, DOWN, NONE, RELATIONS, persona

ROUTES = ("visit-record", "care-record", "seminar-feedback")
PAGES = ("list", "create", "detail", "edit", "sign", "pdf", "signature")
COVERS = {
    **{f"{r}-{p}": "page: view / own" for r in ROUTES for p in PAGES},
    **{f"api:{r}-{a}": "view / own" for r in ROUTES for a in ("list", "detail", "sign", "pdf")},
}
OWN = {"own"}
MATRIX: dict[str, dict[str, set[str]]] = {
    "staff": {"view": DOWN, "change": OWN},
    "customer_manager": {"view": DOWN, "change": OWN},
    "info_admin": {"view": DOWN, "change": NONE},
    "manager": {"view": DOWN, "change": OWN},
    "executive": {"view": DOWN, "change": NONE},
    "finance": {"view": NONE, "change": NONE},
    "auditor": {"view": NONE, "change": NONE},
    "admin": {"view": NONE, "change": NONE},
}


def allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = MATRIX[role][action]
    if action == "view" and home == "HQ":
        return bool(rows)  # HQ's line is the whole tree
    return relation in rows


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(MATRIX)


def _record(people, units, make_customer, code: str) -> FormRecord:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from guanxi.activities.models import Activity

    customer = make_customer(code)
    activity = Activity.objects.create(
        unit=units[code],
        kind="visit",
        name="作业后回访",
        customer=customer,
        date=timezone.localdate(),
        place="天津",
        created_by=people["hq.manager"],
    )
    data = services.prefill(activity)
    return FormRecord.objects.create(
        kind="visit",
        activity=activity,
        unit=units[code],
        customer=customer,
        date=data.date,
        created_by=people["hq.manager"],
    )


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_feedback_matrix(role, home, relation, people, units, make_customer, client) -> None:  # type: ignore[no-untyped-def]
    record = _record(people, units, make_customer, RELATIONS[home][relation])
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    sees = allowed(role, "view", home, relation)
    assert api.get(f"/api/v1/visit-records/{record.pk}/").status_code == (200 if sees else 404)
    assert client.get(f"/visit-records/{record.pk}/").status_code == (200 if sees else 404)
    assert client.get(f"/visit-records/{record.pk}/print.pdf").status_code == (200 if sees else 404)
    listed = api.get("/api/v1/visit-records/")
    ids = {r["id"] for r in listed.json()["results"]} if listed.status_code == 200 else set()
    assert (record.pk in ids) == sees
    assert client.get("/visit-records/").status_code == (200 if MATRIX[role]["view"] else 403)

    change = api.patch(
        f"/api/v1/visit-records/{record.pk}/", {"place": "塘沽", "version": 1}, format="json"
    )
    edit = client.get(f"/visit-records/{record.pk}/edit/")
    if allowed(role, "change", home, relation):
        assert (change.status_code, edit.status_code) == (200, 200)
    else:
        expected = 403 if sees else 404
        assert (change.status_code, edit.status_code) == (expected, expected)
    create = client.get(f"/visit-records/new/{record.activity_id}/")
    assert create.status_code in ({302} if allowed(role, "change", home, relation) else {403, 404})
