"""The permission matrix of Excel import and export (CUS-11, DOC-5): role × own / other division.

Export is a permission of its own (000 §20.1): the department manager and the information
administrator hold it, marketing staff and finance do not; what is exported never leaves the
reader's line. Import creates only in units of the importer's line.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from guanxi.access.models import AccessLogEntry
from guanxi.customers import excel
from guanxi.organisation.models import Person
from guanxi.organisation.services import membership_create, person_create
from tests.customers.test_excel import workbook

UNIT = {"own": "DIV1", "other": "DIV2"}
MATRIX: dict[str, dict[str, set[str]]] = {
    "staff": {"export": set(), "import": {"own"}},
    "manager": {"export": {"own"}, "import": {"own"}},
    "info_admin": {"export": {"own"}, "import": {"own"}},
    "finance": {"export": set(), "import": set()},
}
CASES = [(role, relation) for role in MATRIX for relation in UNIT]


def persona(role: str, units) -> Person:  # type: ignore[no-untyped-def]
    person = person_create(actor=None, username=f"x.{role}", display_name=role)
    membership_create(actor=None, person=person, unit=units["DIV1"], role=role)
    return person


def may_at_all(role: str, action: str) -> bool:
    return bool(MATRIX[role][action])


@pytest.mark.parametrize(("role", "relation"), CASES)
def test_export_matrix(role: str, relation: str, units, make_customer, client) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(UNIT[relation])
    person = persona(role, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)

    for answer in (api.get("/api/v1/customers/export/"), client.get("/customers/export.xlsx")):
        if not may_at_all(role, "export"):
            assert answer.status_code == 403
            continue
        assert answer.status_code == 200
        sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
        names = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
        assert (customer.name in names) == (relation in MATRIX[role]["export"])
    registered = [
        e
        for e in AccessLogEntry.objects.filter(channel="export")
        if str(customer.pk) in e.returned_ids
    ]
    expected = 2 if relation in MATRIX[role]["export"] else 0
    assert len(registered) == expected


@pytest.mark.parametrize(("role", "relation"), CASES)
def test_import_matrix(role: str, relation: str, units, client) -> None:  # type: ignore[no-untyped-def]
    person = persona(role, units)
    api = APIClient()
    api.force_authenticate(person)
    client.force_login(person)
    data = workbook([{"name": f"矩阵{role}公司", "owning_unit": UNIT[relation], "tier": "vip"}])

    answer = api.post(
        "/api/v1/customer-imports/",
        {"file": SimpleUploadedFile("m.xlsx", data, content_type=excel.XLSX_TYPE)},
    )
    page = client.post("/customers/import/", {"file": SimpleUploadedFile("m.xlsx", data)})
    if not may_at_all(role, "import"):
        assert (answer.status_code, page.status_code) == (403, 403)
        assert client.get("/customers/import/").status_code == 403
        return
    assert (answer.status_code, page.status_code) == (201, 302)
    expected = "create" if relation in MATRIX[role]["import"] else "error"
    assert answer.json()["rows"][0]["action"] == expected
