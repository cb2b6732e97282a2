"""The customer, department and contact pages show every field they store (CUS-2, CUS-3):
each stored text appears on its page with its label; an empty one shows as "—"."""

from __future__ import annotations

import pytest

from guanxi.customers import archive
from guanxi.customers.models import (
    BACKGROUND_FIELDS,
    BUSINESS_FIELDS,
    COMMS_FIELDS,
    Contact,
)
from guanxi.customers.services import customer_update

pytestmark = pytest.mark.django_db
THREE_PART = (*BUSINESS_FIELDS, *COMMS_FIELDS, *BACKGROUND_FIELDS)
# fields shown another way than their raw value, or never shown (keys, counters, links)
CONTACT_SHOWN_OTHERWISE = {
    "id", "customer", "department", "is_key", "birth_date", "photo", "consent_at",
    "erased_at", "source", "name_initials", "name_pinyin", "version",
}  # fmt: skip


def _value(field: str) -> str:
    """A distinctive value the field accepts."""
    if field == "email":
        return f"{field}@example.com"
    if field == "website":
        return f"https://{field}.example.com"
    return f"值_{field}_甲"


def test_the_customer_page_shows_every_three_part_field(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    values = {field: _value(field) for field in THREE_PART}
    customer_update(actor=people["hq.manager"], customer=customer, version=1, **values)
    page = page_as("div1.staff").get(f"/customers/{customer.pk}/").content.decode()
    missing = [field for field, value in values.items() if value not in page]
    assert missing == []
    assert "队伍状况" in page  # teams, with its label


def test_an_empty_field_shows_a_dash(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    page = page_as("div1.staff").get(f"/customers/{customer.pk}/").content.decode()
    assert 'data-testid="teams">—</dd>' in page


def test_the_department_page_shows_its_three_part_information(  # type: ignore[no-untyped-def]
    page_as, people, make_customer
) -> None:
    customer = make_customer("DIV1")
    values = {field: _value(field) for field in THREE_PART}
    parent = archive.department_create(
        actor=people["hq.manager"], customer=customer, kind="branch", name="天津分公司"
    )
    department = archive.department_create(
        actor=people["hq.manager"],
        customer=customer,
        parent=parent,
        kind="department",
        name="物资采办部",
        location="天津塘沽",
        **values,
    )
    client = page_as("div1.staff")
    listed = client.get(f"/customers/{customer.pk}/").content.decode()
    assert f'href="/departments/{department.pk}/"' in listed
    page = client.get(f"/departments/{department.pk}/").content.decode()
    missing = [field for field, value in values.items() if value not in page]
    assert missing == []
    for shown in ("物资采办部", "天津分公司", "天津塘沽", customer.name):
        assert shown in page


def test_the_contact_page_shows_every_field_to_one_who_may_see_the_profile(  # type: ignore[no-untyped-def]
    page_as, people, make_customer, make_key_person
) -> None:
    contact = make_key_person(make_customer("DIV1"))
    fields = [
        f.name
        for f in Contact._meta.concrete_fields
        if f.name not in CONTACT_SHOWN_OTHERWISE
        and f.get_internal_type() in {"CharField", "TextField", "EmailField"}
    ]
    values = {field: _value(field) for field in fields}
    archive.contact_update(
        actor=people["hq.manager"], contact=contact, version=contact.version, **values
    )
    page = page_as("div1.manager").get(f"/contacts/{contact.pk}/").content.decode()
    missing = [field for field, value in values.items() if value not in page]
    assert missing == []
    assert len(fields) > 15
