"""A full archive planted in one unit: every kind of record, its text fields carrying a marker.

The security tests plant one per unit and check that what is planted in one line never shows
in another, that refusals leave it untouched, and that payloads in its text come back escaped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from guanxi.customers import archive
from guanxi.customers import models as m
from guanxi.customers.services import customer_create
from guanxi.organisation.models import Person, Unit
from guanxi.seeding.names import credit_code


@dataclass
class Planted:
    customer: m.Customer
    department: m.CustomerDepartment
    contact: m.Contact
    relationship: m.Relationship
    dealing: m.Dealing
    summary: m.ContractSummary
    operation: m.Operation
    report: m.MarketReport
    request: m.PersonalDataRequest


def customer_texts(text: str) -> dict[str, str]:
    """Every free-text field of a customer unit, filled with `text` (length-limited ones cut)."""
    return {
        name: text[: m.Customer._meta.get_field(name).max_length or None]
        for name in (*m.BUSINESS_FIELDS, *m.BACKGROUND_FIELDS, "address", "website")
    }


def plant(
    *, actor: Person, unit: Unit, marker: str, code_seed: int, text: str | None = None
) -> Planted:
    """Records of every kind in `unit`; names carry `marker`, free text carries `text`."""
    import random

    body = text if text is not None else f"{marker}的备注"
    customer = customer_create(
        actor=actor,
        name=f"{marker}能源有限公司",
        owning_unit=unit,
        tier="vip",
        credit_code=credit_code(random.Random(code_seed)),
        **customer_texts(body),
    )
    department = archive.department_create(
        actor=actor, customer=customer, kind="department", name=f"{marker}工程部", location=body
    )
    contact = archive.contact_create(
        actor=actor,
        customer=customer,
        department=department,
        name=f"{marker}王志刚",
        position=body[:100],
        mobile="13912345678",
        is_key=True,
        hobbies=body,
        education=body,
        purpose=body[:200],
        consent_note=body[:200],
    )
    relationship = archive.relationship_set(
        actor=actor,
        contact=contact,
        buying_role="decision_maker",
        state="positive",
        holders=[actor],
        concerns=body,
        note=body[:300],
    )
    dealing = archive.dealing_create(
        actor=actor,
        customer=customer,
        kind="contract",
        status="signed",
        title=f"{marker}钻井服务合同",
        contract_number="HT-2026-001",
        amount=Decimal("1200000.00"),
        our_unit=unit,
        description=body,
    )
    summary = archive.summary_create(
        actor=actor,
        dealing=dealing,
        written_on=datetime.date(2026, 3, 1),
        summary=body,
        problems=body,
    )
    operation = archive.operation_create(
        actor=actor,
        customer=customer,
        dealing=dealing,
        name=f"{marker}海上作业",
        location=body[:200],
        executing_unit=unit,
        started_on=datetime.date(2026, 3, 2),
    )
    report = archive.market_report_create(
        actor=actor,
        unit=unit,
        month=datetime.date(2026, 3, 1),
        title=f"{marker}市场月报",
        body=body,
    )
    request = archive.personal_request_record(
        actor=actor, contact=contact, kind="see", details=body, requested_by=f"{marker}本人"
    )
    return Planted(
        customer, department, contact, relationship, dealing, summary, operation, report, request
    )
