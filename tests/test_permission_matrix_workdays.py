"""Permission matrix for the working-day calendar (CMP-1).

role × unit of the person (HQ, a division) × action, from policies/cosl.toml: everyone signed
in reads the calendar (page and API), it holds no customer data and registers nothing; only a
holder of `calendar.manage` over the root unit — the administrator at HQ — changes it. An
administrator of a division keeps no company calendar.
"""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from guanxi.access.models import AccessLogEntry
from guanxi.workdays.models import CalendarDay
from tests.test_permission_matrix import persona
from tests.workdays.notices import NOTICE_2027_SAMPLE

COVERS = {
    "workdays:calendar": "read",
    "workdays:notice": "manage",
    "workdays:override-add": "manage",
    "workdays:override-remove": "manage",
    "api:calendar-working-days": "read",
    "api:calendar-days": "read",
}
ROLES = (
    "staff",
    "customer_manager",
    "info_admin",
    "manager",
    "executive",
    "finance",
    "auditor",
    "admin",
)
HOMES = ("HQ", "DIV1")
# (role, home) -> may manage; everyone may read.
MANAGES = {("admin", "HQ")}
CASES = [(role, home) for role in ROLES for home in HOMES]


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(ROLES)


@pytest.mark.parametrize(("role", "home"), CASES)
def test_calendar_matrix(role: str, home: str, units, client) -> None:  # type: ignore[no-untyped-def]
    person = persona(role, home, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)
    manages = (role, home) in MANAGES
    before = AccessLogEntry.objects.count()

    reads = (
        client.get("/calendar/", {"year": 2026}).status_code,
        api.get("/api/v1/calendar/working-days/", {"from": "2026-09-30", "days": 1}).status_code,
        api.get("/api/v1/calendar/days/", {"year": 2026}).status_code,
    )
    assert reads == (200, 200, 200)
    assert AccessLogEntry.objects.count() == before  # no confidential data: nothing registered

    notice = client.get("/calendar/notice/").status_code
    preview = client.post("/calendar/notice/", {"text": NOTICE_2027_SAMPLE}).status_code
    added = client.post(
        "/calendar/overrides/", {"date": "2026-03-10", "kind": "holiday", "name": "公司司庆"}
    ).status_code
    assert (notice, preview, added) == ((200, 200, 302) if manages else (403, 403, 403))
    row = CalendarDay.objects.filter(date=date(2026, 3, 10)).first()
    assert (row is not None) == manages
    if row is None:
        row = CalendarDay.objects.create(
            date=date(2026, 3, 10), kind="holiday", name="公司司庆", source="override",
            created_by=person,
        )  # fmt: skip
    removed = client.post(
        "/calendar/overrides/remove/", {"day": row.pk, "version": row.version}
    ).status_code
    assert removed == (302 if manages else 403)
    assert CalendarDay.objects.filter(pk=row.pk).exists() != manages
