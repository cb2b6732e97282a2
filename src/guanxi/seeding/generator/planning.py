"""What a run will write (for the progress bars), which sequences to move past the explicit ids,
and fresh statistics afterwards. Imports every generator module, so none imports it."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model

from guanxi.activities.models import Activity
from guanxi.approvals.models import Approval
from guanxi.customers.models import (
    Contact,
    Customer,
    CustomerDepartment,
    Dealing,
    Operation,
    Relationship,
)
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.plans.models import Plan, PlanItem
from guanxi.policy.schema import Policy
from guanxi.seeding.generator import archive, contactreports, feedback, keycustomers, visits
from guanxi.seeding.generator.common import CONTACTS_PER_CUSTOMER, key_persons
from guanxi.seeding.generator.customers import (
    STATUSES,
)
from guanxi.seeding.generator.profiles import Profile


def planned(profile: Profile, policy: Policy | None = None) -> dict[str, int]:
    """How many rows each generator will write, for the progress bars (under `policy`, by
    default the current one: the organisation and the tiers come from it)."""
    if policy is None:
        from guanxi.policy.loader import current

        policy = current()
    customers_n = profile.customers
    return {
        "customers": customers_n,
        "customer_departments": customers_n + customers_n // 2,
        "contacts": customers_n * CONTACTS_PER_CUSTOMER,
        "relationships": sum(key_persons(i) for i in range(customers_n)),
        "dealings": customers_n,
        "operations": customers_n * 2 // len(STATUSES),
        "plan_items": profile.plan_items,
        "activities": profile.activities,
        "approvals": profile.activities // 9,
        "access_log": profile.access_log,
        **archive.planned(profile, policy),
        **keycustomers.planned(profile, policy),
        **visits.planned(profile),
        "contact_reports": contactreports.planned_reports(customers_n, len(policy.tiers_by_rank())),
        **feedback.planned(profile, len(policy.feedback.dimensions)),
    }


def sequences_models() -> list[type[Model]]:
    """Tables written with explicit ids, whose PostgreSQL sequences must move past them."""
    return [
        Unit,
        Person,
        Membership,
        Customer,
        CustomerDepartment,
        Contact,
        Relationship,
        Relationship.holders.through,
        Dealing,
        Operation,
        Plan,
        PlanItem,
        Activity,
        Approval,
        *archive.SEQUENCES,
        *keycustomers.SEQUENCES,
        *visits.SEQUENCES,
        *contactreports.SEQUENCES,
    ]


def analyse() -> None:
    """Fresh statistics, so the planner knows the tables are big now. On PostgreSQL also a
    VACUUM: it sets the hint bits and visibility map of the freshly loaded rows once, instead
    of the first readers doing it (the first `audit verify` took twice as long without it)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
