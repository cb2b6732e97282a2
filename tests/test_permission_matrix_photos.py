"""Permission-matrix rows for photos of customer units and key persons (CUS-2, CUS-3) and the
customer-department page: role × relation of the record's unit to the person's unit × action,
written out by hand, through the pages and the API.

A customer unit's photo and a department follow the customer's line (000 §20.2). A key person's
photo belongs to the background profile (003 附表2), so reading it needs `contact.view_profile`
(the department manager) and is "not found" to others, as a masked profile is; changing it needs
`customer.change` and the profile. A refused request registers no read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from guanxi.access.models import AccessLogEntry
from guanxi.customers import archive, photos
from tests.customers.test_photos import png_bytes, upload
from tests.test_permission_matrix import CASES, DOWN, NONE, RELATIONS, persona

COVERS = {
    "customer-photo": "read",
    "customer-photo-upload": "change",
    "customer-photo-remove": "change",
    "contact-photo": "profile",
    "contact-photo-upload": "profile_change",
    "contact-photo-remove": "profile_change",
    "department-detail": "read",
    "api:customer-photo": "read (GET), change (POST, DELETE)",
    "api:contact-photo": "profile (GET), profile_change (POST, DELETE)",
}

PHOTOS: dict[str, dict[str, set[str]]] = {
    "staff": {"read": DOWN, "change": DOWN, "profile": NONE, "profile_change": NONE},
    "customer_manager": {"read": DOWN, "change": DOWN, "profile": NONE, "profile_change": NONE},
    "info_admin": {"read": DOWN, "change": DOWN, "profile": NONE, "profile_change": NONE},
    "manager": {"read": DOWN, "change": DOWN, "profile": DOWN, "profile_change": DOWN},
    "executive": {"read": DOWN, "change": NONE, "profile": NONE, "profile_change": NONE},
    "finance": {"read": NONE, "change": NONE, "profile": NONE, "profile_change": NONE},
    "auditor": {"read": NONE, "change": NONE, "profile": NONE, "profile_change": NONE},
    "admin": {"read": NONE, "change": NONE, "profile": NONE, "profile_change": NONE},
}


def allowed(role: str, action: str, home: str, relation: str) -> bool:
    rows = PHOTOS[role][action]
    return bool(rows) if home == "HQ" else relation in rows


def test_every_role_of_the_policy_has_rows() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(PHOTOS)


def _reads(record_type: str, pk: int) -> int:
    return AccessLogEntry.objects.filter(record_type=record_type, record_id=str(pk)).count()


@pytest.mark.parametrize(("role", "home", "relation"), CASES)
def test_photo_matrix(  # type: ignore[no-untyped-def]
    role: str,
    home: str,
    relation: str,
    people,
    units,
    make_customer,
    make_key_person,
    client,
    settings,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    writer = people["hq.manager"]
    customer = photos.photo_set(
        actor=writer, record=make_customer(RELATIONS[home][relation]), upload=upload()
    )
    contact = photos.photo_set(actor=writer, record=make_key_person(customer), upload=upload())
    department = archive.department_create(
        actor=writer, customer=customer, name="物资采办部", teams="采办人员十二名"
    )
    person = persona(role, home, units)
    client.force_login(person)
    api = APIClient()
    api.force_authenticate(person)
    read, change = (allowed(role, a, home, relation) for a in ("read", "change"))
    profile = allowed(role, "profile", home, relation)
    profile_change = allowed(role, "profile_change", home, relation)
    hidden = 404

    # reads: the image, or "not found" alike; a refused read registers nothing
    before = _reads("customers.customer", customer.pk)
    assert client.get(f"/customers/{customer.pk}/photo/").status_code == (200 if read else hidden)
    assert api.get(f"/api/v1/customers/{customer.pk}/photo/").status_code == (
        200 if read else hidden
    )
    assert _reads("customers.customer", customer.pk) == before + (2 if read else 0)
    before = _reads("customers.contact", contact.pk)
    assert client.get(f"/contacts/{contact.pk}/photo/").status_code == (200 if profile else hidden)
    assert api.get(f"/api/v1/contacts/{contact.pk}/photo/").status_code == (
        200 if profile else hidden
    )
    assert _reads("customers.contact", contact.pk) == before + (2 if profile else 0)
    shown = client.get(f"/departments/{department.pk}/")
    assert shown.status_code == (200 if read else hidden)
    assert ("采办人员十二名" in shown.content.decode()) == read

    # writes: a refused change leaves the photo as it was
    page_status = client.post(
        f"/customers/{customer.pk}/photo/upload/", {"photo": upload(png_bytes(3, 3))}
    ).status_code
    assert page_status == (302 if change else 403 if read else hidden)
    customer.refresh_from_db()
    assert (customer.version == 3) == change
    api_status = api.delete(f"/api/v1/customers/{customer.pk}/photo/").status_code
    assert api_status == (204 if change else 403 if read else hidden)
    customer.refresh_from_db()
    assert bool(customer.photo) == (not change)

    page_status = client.post(
        f"/contacts/{contact.pk}/photo/upload/", {"photo": upload(png_bytes(3, 3))}
    ).status_code
    assert page_status == (302 if profile_change else 403 if read else hidden)
    api_status = api.delete(f"/api/v1/contacts/{contact.pk}/photo/").status_code
    assert api_status == (204 if profile_change else 403 if read else hidden)
    removed = client.post(f"/customers/{customer.pk}/photo/remove/").status_code
    assert removed == (400 if change else 403 if read else hidden)  # 400: nothing left to remove
    again = api.post(
        f"/api/v1/contacts/{contact.pk}/photo/", {"photo": upload()}, format="multipart"
    ).status_code
    assert again == (200 if profile_change else 403 if read else hidden)
    dropped = client.post(f"/contacts/{contact.pk}/photo/remove/").status_code
    assert dropped == (302 if profile_change else 403 if read else hidden)
    contact.refresh_from_db()
    assert (contact.version == 1 + 1 + 4) == profile_change  # created, set, 4 changes
    assert bool(contact.photo) == (not profile_change)
