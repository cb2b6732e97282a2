"""`guanxi seed --profile tiny`: counts, determinism, Chinese data, a verifying chain, keys."""

# ruff: noqa: S608  (SQL from the search migration's own builders and fixed table names)
from __future__ import annotations

import hashlib
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from guanxi.access.audit import verify
from guanxi.access.models import AccessLogEntry, ChainHead
from guanxi.access.scope import may_in_unit
from guanxi.activities.models import Activity, ActivityStatus
from guanxi.activities.services import COST_KIND
from guanxi.approvals.models import Approval, Decision, Status, Step
from guanxi.approvals.services import blocking
from guanxi.contactreports.models import ContactReport
from guanxi.customers.keys import name_key, pinyin_keys
from guanxi.customers.models import (
    Contact,
    ContractSummary,
    Customer,
    CustomerDepartment,
    Dealing,
    InformationMeaning,
    MarketReport,
    Operation,
    Relationship,
    RelationshipEvent,
)
from guanxi.formats import money
from guanxi.history.models import Change
from guanxi.keycustomers.models import (
    ActionPlanRow,
    BriefingMaterial,
    Campaign,
    CampaignTarget,
    ContactPlanRow,
    CustomerPlan,
    FollowUp,
    ItineraryRow,
    RevenuePlanRow,
    VisitPlan,
)
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.plans.models import Plan, PlanItem
from guanxi.seeding.generator import PROFILES, common, planning

HAN = re.compile(r"[\u4e00-\u9fff]")
TINY = PROFILES["tiny"]
# the record types of the archive's history and of key-customer work, by generator name
LATER_TYPES = {
    "relationship_events": RelationshipEvent,
    "contract_summaries": ContractSummary,
    "market_reports": MarketReport,
    "information_meaning": InformationMeaning,
    "visit_plans": VisitPlan,
    "itinerary_rows": ItineraryRow,
    "follow_ups": FollowUp,
    "briefing_materials": BriefingMaterial,
    "customer_plans": CustomerPlan,
    "contact_plan_rows": ContactPlanRow,
    "action_plan_rows": ActionPlanRow,
    "revenue_plan_rows": RevenuePlanRow,
    "campaigns": Campaign,
    "campaign_targets": CampaignTarget,
    "contact_reports": ContactReport,
}


def seed(number: int = 7) -> None:
    call_command("seed", profile="tiny", seed=number, no_migrate=True, verbosity=0)


def fingerprint() -> str:
    """A digest of every seeded table's content, ids included."""
    digest = hashlib.sha256()
    for model, fields in (
        (Unit, ("id", "code", "name", "path")),
        (Person, ("id", "username", "display_name", "phone")),
        (Customer, ("id", "name", "credit_code", "owning_unit_id", "tier", "address")),
        (Contact, ("id", "customer_id", "name", "mobile", "is_key")),
        (Relationship, ("id", "contact_id", "buying_role", "state")),
        (Dealing, ("id", "customer_id", "status", "amount")),
        (Activity, ("id", "customer_id", "date", "cost", "created_by_id")),
        (Plan, ("id", "unit_id", "kind", "starts", "status")),
        (PlanItem, ("id", "plan_id", "when", "customer_id", "cost")),
        (Approval, ("id", "subject_id", "status", "amount", "title")),
        (Step, ("approval_id", "position", "decision", "decided_by_id")),
        (AccessLogEntry, ("seq", "hash")),
        (RelationshipEvent, ("id", "relationship_id", "at", "by_id", "state", "holders", "note")),
        (ContractSummary, ("id", "dealing_id", "written_on", "author_id", "summary")),
        (MarketReport, ("id", "unit_id", "author_id", "month", "title", "body", "major")),
        (InformationMeaning, ("id", "customer_id", "topic", "information", "source")),
        (VisitPlan, ("id", "customer_id", "theme", "starts_on", "status", "created_by_id")),
        (VisitPlan.their_people.through, ("id", "visitplan_id", "contact_id")),
        (VisitPlan.our_people.through, ("id", "visitplan_id", "person_id")),
        (ItineraryRow, ("id", "visit_id", "day", "time", "activity")),
        (FollowUp, ("id", "visit_id", "title", "owner_id", "due_on", "status", "done_at")),
        (CustomerPlan, ("id", "customer_id", "year", "owner_id", "summary")),
        (ContactPlanRow, ("id", "plan_id", "our_person_id", "their_person_id", "position")),
        (ActionPlanRow, ("id", "plan_id", "action", "owner_id", "starts_on", "status")),
        (RevenuePlanRow, ("id", "plan_id", "contract_amount", "win_rate", "margin", "profit")),
        (Campaign, ("id", "title", "starts_on", "ends_on", "status", "created_by_id")),
        (CampaignTarget, ("id", "campaign_id", "customer_id", "unit_id", "intent", "status")),
        (ContactReport, ("id", "customer_id", "unit_id", "kind", "contacted_on", "created_by_id")),
        (ContactReport.key_persons.through, ("contactreport_id", "contact_id")),
    ):
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.mark.django_db
def test_tiny_profile_fills_every_table_with_the_planned_counts() -> None:
    seed()
    planned = planning.planned(TINY)
    assert Customer.objects.count() == TINY.customers
    assert CustomerDepartment.objects.count() == planned["customer_departments"]
    assert Contact.objects.count() == TINY.customers * common.CONTACTS_PER_CUSTOMER
    assert Relationship.objects.count() == planned["relationships"]
    assert Relationship.objects.count() == Contact.objects.filter(is_key=True).count()
    assert Dealing.objects.count() == TINY.customers
    assert Operation.objects.count() > 0
    assert AccessLogEntry.objects.count() == TINY.access_log
    assert Activity.objects.count() == TINY.activities
    assert Plan.objects.filter(status="accepted").exists()
    # a contact report names a key person of its own customer, and its writer may write it
    report = ContactReport.objects.order_by("-pk").first()
    assert report is not None
    assert {c.customer_id for c in report.key_persons.all()} == {report.customer_id}
    assert may_in_unit(report.created_by, "contact_report.change", report.unit_id)
    for name, model in LATER_TYPES.items():
        assert model.objects.count() == planned[name] > 0, name
    # an activity is done by someone of its customer's line, at a customer of its unit
    activity = Activity.objects.select_related("customer").first()
    assert activity is not None
    assert activity.customer is not None
    assert activity.customer.owning_unit_id == activity.unit_id
    assert Unit.objects.filter(parent__isnull=True).count() == 1
    assert Membership.objects.count() == Person.objects.count() > 10
    # every unit's path is its ancestors' ids, as organisation.services writes it
    for unit in Unit.objects.select_related("parent"):
        expected = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        assert unit.path == expected
    # the bulk load records no history (the triggers are off during it) but they are back on
    assert not Change.objects.exists()
    customer = Customer.objects.first()
    assert customer is not None
    customer.address = "天津市滨海新区海川路2121号"
    customer.save()
    assert Change.objects.filter(record_id=str(customer.pk)).exists()


@pytest.mark.django_db
def test_plan_items_sit_at_customers_of_their_plans_unit_inside_the_period() -> None:
    from guanxi.plans.services import period_end

    seed()
    assert PlanItem.objects.count() == TINY.plan_items
    for item in PlanItem.objects.select_related("plan", "customer")[:200]:
        plan = item.plan
        assert plan.starts <= item.when <= period_end(plan.period, plan.starts)
        assert item.customer is not None
        assert item.customer.owning_unit_id == plan.unit_id
        assert HAN.search(item.name)


@pytest.mark.django_db
def test_costly_activities_carry_the_policys_approval_and_cheap_ones_none() -> None:
    from guanxi.policy.loader import current

    seed()
    limit = min(
        r.amount_above for r in current().approvals if r.kind == COST_KIND and r.amount_above
    )
    costly = Activity.objects.filter(cost__gt=limit)
    assert 0 < costly.count() < Activity.objects.count() // 3
    approvals = Approval.objects.filter(kind=COST_KIND)
    assert approvals.count() == costly.count()
    assert set(approvals.values_list("subject_id", flat=True)) == set(
        costly.values_list("id", flat=True)
    )
    waiting = costly.filter(status=ActivityStatus.CARRIED_OUT).values_list("id", flat=True)
    assert set(approvals.filter(status=Status.PENDING).values_list("subject_id", flat=True)) == set(
        waiting
    )
    assert approvals.filter(status=Status.PENDING).exists()
    assert approvals.filter(status=Status.APPROVED).exists()
    assert Step.objects.count() >= approvals.count()
    # a pending approval waits on a person of the approving unit's role (the inbox shows it) ...
    step = Step.objects.filter(decision=Decision.PENDING).select_related("approval").first()
    assert step is not None
    assert step.decided_by_id is None
    assert step.approval.title.startswith("活动费用")
    # the amount as the service writes it, though the generator writes the title in SQL
    assert step.approval.title.endswith(f"，{money(step.approval.amount)}")
    # ... and a written-off costly activity was approved first, as the write-off demands
    written_off = costly.filter(status=ActivityStatus.WRITTEN_OFF).first()
    assert written_off is not None
    assert blocking(subject=written_off, action="write_off") == []
    assert Step.objects.filter(
        approval__subject_id=written_off.pk, decision=Decision.APPROVED, decided_by__isnull=False
    ).exists()


@pytest.mark.django_db
def test_seeded_data_is_chinese_and_searchable() -> None:
    seed()
    names = list(Customer.objects.values_list("name", "name_pinyin", "name_initials", "name_key"))
    assert all(HAN.search(name) for name, *_ in names)
    for name, pinyin, initials, key in names:
        assert (pinyin, initials) == pinyin_keys(name)
        assert key == name_key(name)
    assert all(HAN.search(n) for n in Contact.objects.values_list("name", flat=True))
    assert all(HAN.search(a) for a in Customer.objects.values_list("address", flat=True))
    assert len(set(Customer.objects.values_list("credit_code", flat=True))) == TINY.customers
    # contacts' initials are filled, so they are found by pinyin initials too
    assert not Contact.objects.filter(name_initials="").exists()


@pytest.mark.django_db
def test_seeded_access_log_is_a_chain_audit_verify_accepts() -> None:
    seed()
    verdict = verify()
    assert verdict.ok, verdict.reason
    assert verdict.checked == TINY.access_log
    head = ChainHead.objects.get(pk=1)
    last = AccessLogEntry.objects.order_by("-seq").first()
    assert last is not None
    assert (head.seq, head.hash) == (last.seq, last.hash)
    call_command("audit", "verify")
    # every read is by someone of the record's unit line
    entry = AccessLogEntry.objects.order_by("seq").first()
    assert entry is not None
    unit = Unit.objects.get(pk=entry.record_unit_id)
    reader_units = set(
        Membership.objects.filter(person_id=entry.reader_id).values_list("unit_id", flat=True)
    )
    assert reader_units & {int(p) for p in unit.path.strip("/").split("/")}


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    prints = []
    for number in (7, 7, 8):
        with transaction.atomic():
            seed(number)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


@pytest.mark.django_db
def test_seeding_a_database_that_holds_an_organisation_is_refused() -> None:
    seed()
    before = Customer.objects.count()
    with pytest.raises(CommandError, match="already holds"):
        seed(9)
    assert Customer.objects.count() == before


@pytest.mark.django_db
def test_scale_must_be_a_fraction() -> None:
    with pytest.raises(CommandError, match="scale"):
        call_command("seed", profile="tiny", scale=2.0, no_migrate=True, verbosity=0)
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_seeded_people_sign_in_with_the_demo_password(client) -> None:  # type: ignore[no-untyped-def]
    seed()
    response = client.post(
        "/accounts/login/", {"username": "hq.manager", "password": "guanxi-demo"}
    )
    assert response.status_code == 302
    assert client.get("/customers/").status_code == 200


@pytest.mark.django_db
def test_seeded_names_and_phones_are_found_by_search() -> None:
    """The bulk load fills the search indexes itself (on SQLite, without the row triggers);
    what it wrote must be what the triggers would have written, or searches and later edits
    of those rows go wrong."""
    from django.db import connection

    from guanxi.customers.selectors import CustomerFilters, customer_list
    from guanxi.organisation.models import Person

    seed()
    hq = Person.objects.get(username="hq.manager")
    for customer in Customer.objects.order_by("id")[:5]:
        part = customer.name[1:4]
        found = customer_list(actor=hq, filters=CustomerFilters(query=part))
        assert customer.pk in set(found.values_list("pk", flat=True)), part
    for contact in Contact.objects.exclude(mobile="").order_by("id")[:5]:
        found = customer_list(actor=hq, filters=CustomerFilters(query=contact.mobile[-8:]))
        assert contact.customer_id in set(found.values_list("pk", flat=True)), contact.mobile
        by_name = customer_list(actor=hq, filters=CustomerFilters(query=contact.name))
        assert contact.customer_id in set(by_name.values_list("pk", flat=True)), contact.name
    if connection.vendor != "sqlite":
        return
    import importlib

    search = importlib.import_module("guanxi.customers.migrations.0006_search")
    expected = {
        "customers_customer_search": (
            "name",
            f"SELECT id, {search.sqlite_tripled('name', search.CUSTOMER_NAME_LENGTH)} "
            "FROM customers_customer",
        ),
        "customers_contact_search": (
            "name, phones",
            f"SELECT id, {search.sqlite_tripled('name', search.CONTACT_NAME_LENGTH)}, "
            f"{search.sqlite_digits('phone')} || ' ' || {search.sqlite_digits('mobile')} "
            "FROM customers_contact",
        ),
    }
    with connection.cursor() as cursor:
        for table, (columns, select) in expected.items():
            cursor.execute(
                f"CREATE VIRTUAL TABLE check_{table} USING fts5({columns}, content='', "
                "tokenize='trigram')"
            )
            cursor.execute(f"INSERT INTO check_{table}(rowid, {columns}) {select}")
            rows = []
            for name in (table, f"check_{table}"):
                cursor.execute(
                    f"CREATE VIRTUAL TABLE vocab_{name} USING fts5vocab({name}, 'instance')"
                )
                cursor.execute(
                    f"SELECT term, doc, col, offset FROM vocab_{name} ORDER BY 1, 2, 3, 4"
                )
                rows.append(cursor.fetchall())
            assert rows[0] == rows[1], table
            assert len(rows[0]) > 100
