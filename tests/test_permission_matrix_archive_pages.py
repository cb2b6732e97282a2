"""Permission-matrix rows for the market-report, information-meaning and personal-data-request
pages: role × relation of the record's unit to the person's unit × action, written out by hand.

Reports follow their unit's line, the table and requests their customer's line (000 §20.2);
carrying out a personal data request needs `personal_data.handle`, granted to the department
manager and the information administrator (PRV-1).
"""

from __future__ import annotations

from datetime import date

import pytest

from guanxi.customers import archive
from guanxi.customers.models import InformationMeaning, MarketReport, PersonalDataRequest
from tests.test_permission_matrix import CASES, DOWN, NONE, RELATIONS, persona

# Routes whose rows are in this module: url name -> the action column that decides them.
COVERS = {
    "market-report-list": "read (the report is listed only where it may be read)",
    "market-report-create": "write (the form offers only units the person may write in)",
    "market-report-detail": "read",
    "market-report-edit": "write (GET and POST)",
    "customer-information": "read",
    "customer-information-edit": "write (GET and POST)",
    "personal-request-create": "write (GET and POST)",
    "personal-request-list": "read (the request is listed only where it may be read)",
    "personal-request-detail": "read",
    "personal-request-complete": "handle",
    "personal-request-export": "handle",
    "personal-request-print": "handle",
}

PAGES: dict[str, dict[str, set[str]]] = {
    "staff": {"read": DOWN, "write": DOWN, "handle": NONE},
    "customer_manager": {"read": DOWN, "write": DOWN, "handle": NONE},
    "info_admin": {"read": DOWN, "write": DOWN, "handle": DOWN},
    "manager": {"read": DOWN, "write": DOWN, "handle": DOWN},
    "executive": {"read": DOWN, "write": NONE, "handle": NONE},
    "finance": {"read": NONE, "write": NONE, "handle": NONE},
    "auditor": {"read": NONE, "write": NONE, "handle": NONE},
    "admin": {"read": NONE, "write": NONE, "handle": NONE},
}


def allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = PAGES[role][action]
    return bool(rows) if home == "HQ" else relation in rows


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(PAGES)


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_archive_pages_matrix(  # type: ignore[no-untyped-def]
    role: str, home: str, relation: str, people, units, make_customer, make_key_person, client
) -> None:
    code = RELATIONS[home][relation]
    writer = people["hq.manager"]
    report = archive.market_report_create(
        actor=writer, unit=units[code], month=date(2025, 6, 1), title="六月市场", body="正文"
    )
    contact = make_key_person(make_customer(code))
    request = archive.personal_request_record(
        actor=writer, contact=contact, kind="see", requested_by="本人", verification="身份证"
    )
    client.force_login(persona(role, home, units))
    read = allowed(role, "read", home, relation)
    write = allowed(role, "write", home, relation)
    handle = allowed(role, "handle", home, relation)
    hidden = 404

    listed = client.get("/market-reports/")
    assert (listed.status_code == 200 and "六月市场" in listed.content.decode()) == read
    assert client.get(f"/market-reports/{report.pk}/").status_code == (200 if read else hidden)
    edit = client.get(f"/market-reports/{report.pk}/edit/").status_code
    assert edit == (200 if write else 403 if read else hidden)
    customer = contact.customer_id
    assert client.get(f"/customers/{customer}/information/").status_code == (
        200 if read else hidden
    )
    fill = client.get(f"/customers/{customer}/information/plans/").status_code
    assert fill == (200 if write else 403 if read else hidden)
    new = client.get(f"/contacts/{contact.pk}/requests/new/").status_code
    assert new == (200 if write else 403 if read else hidden)
    detail = client.get(f"/personal-data-requests/{request.pk}/").status_code
    assert detail == (200 if read else hidden)
    copy = client.get(f"/personal-data-requests/{request.pk}/print/").status_code
    assert copy == (200 if handle else 403 if read else hidden)

    # The remaining pages, and the writes behind every form: a refused write changes nothing.
    requests = client.get("/personal-data-requests/")
    assert requests.status_code == (200 if PAGES[role]["read"] else 403)
    seen = requests.status_code == 200 and contact.customer.name in requests.content.decode()
    assert seen == read
    workbook = client.get(f"/personal-data-requests/{request.pk}/data.xlsx").status_code
    assert workbook == (200 if handle else 403 if read else hidden)
    may_write_somewhere = bool(PAGES[role]["write"])
    assert client.get("/market-reports/new/").status_code == (200 if may_write_somewhere else 403)
    created = client.post(
        "/market-reports/new/",
        {"unit": units[code].pk, "month": "2025-07", "title": "七月市场", "body": "正文"},
    ).status_code
    # A unit outside the person's line is not among the form's choices: 400, nothing written.
    assert created == (302 if write else 400 if may_write_somewhere else 403)
    assert MarketReport.objects.filter(title="七月市场").exists() == write
    changed = client.post(
        f"/market-reports/{report.pk}/edit/",
        {"month": "2025-06", "title": "六月市场（改）", "body": "正文", "version": report.version},
    ).status_code
    assert changed == (302 if write else 403 if read else hidden)
    assert MarketReport.objects.get(pk=report.pk).title == (
        "六月市场（改）" if write else "六月市场"
    )
    filled = client.post(
        f"/customers/{customer}/information/plans/", {"information": "扩产计划", "version": 0}
    ).status_code
    assert filled == (302 if write else 403 if read else hidden)
    assert InformationMeaning.objects.filter(customer_id=customer).exists() == write
    recorded = client.post(
        f"/contacts/{contact.pk}/requests/new/",
        {"kind": "see", "requested_by": "本人", "verification": "身份证"},
    ).status_code
    assert recorded == (302 if write else 403 if read else hidden)
    assert PersonalDataRequest.objects.filter(contact=contact).count() == (2 if write else 1)
    done = client.post(
        f"/personal-data-requests/{request.pk}/complete/", {"outcome": "已提供"}
    ).status_code
    assert done == (302 if handle else 403 if read else hidden)
    request.refresh_from_db()
    assert (request.done_at is not None) == handle
