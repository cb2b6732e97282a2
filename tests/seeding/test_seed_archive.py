"""`guanxi seed --profile tiny`: relationship events, contract summaries and market reports
agree with the records they describe and sit inside the right organisation line."""

from __future__ import annotations

import datetime
import re
from collections import defaultdict

import pytest
from django.core.management import call_command

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import (
    ContractSummary,
    Dealing,
    DealingStatus,
    InformationMeaning,
    InformationTopic,
    MarketReport,
    Relationship,
    RelationshipEvent,
)
from guanxi.history.models import Change
from guanxi.organisation.models import Membership, Unit
from guanxi.seeding.generator import archive
from guanxi.seeding.generator.common import HISTORY_END

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def seeded(db: None) -> None:
    call_command("seed", profile="tiny", seed=7, no_migrate=True, verbosity=0)


@pytest.mark.usefixtures("seeded")
def test_each_relationships_latest_event_is_its_current_state_and_holders() -> None:
    events = defaultdict(list)
    for event in RelationshipEvent.objects.order_by("at", "id"):
        events[event.relationship_id].append(event)
    relationships = Relationship.objects.select_related("contact__customer").prefetch_related(
        "holders"
    )
    assert set(events) == {r.pk for r in relationships}
    for relationship in relationships:
        latest = events[relationship.pk][-1]
        holders = "、".join(str(p) for p in relationship.holders.all())
        assert (latest.buying_role, latest.state, latest.holders) == (
            relationship.buying_role,
            relationship.state,
            holders,
        )
        assert latest.at == relationship.updated_at
        assert latest.by is not None
        assert may_in_unit(
            latest.by, "customer.change", relationship.contact.customer.owning_unit_id
        )
        assert HAN.search(latest.note)


@pytest.mark.usefixtures("seeded")
def test_some_relationships_were_first_recorded_earlier_in_another_state() -> None:
    histories = defaultdict(list)
    for event in RelationshipEvent.objects.order_by("at", "id"):
        histories[event.relationship_id].append(event)
    changed = [h for h in histories.values() if len(h) > 1]
    assert 0 < len(changed) < len(histories) // 2
    assert all(len(h) <= 2 for h in histories.values())
    for first, latest in changed:
        assert first.at < latest.at
        assert first.id < latest.id
        assert (first.buying_role, first.state) != (latest.buying_role, latest.state)
        assert first.holders == latest.holders


@pytest.mark.usefixtures("seeded")
def test_every_completed_contract_has_a_summary_written_after_its_signing() -> None:
    completed = Dealing.objects.filter(status=DealingStatus.COMPLETED)
    summaries = ContractSummary.objects.select_related("dealing__customer", "author")
    assert sorted(s.dealing_id for s in summaries) == sorted(completed.values_list("pk", flat=True))
    assert summaries.exists()
    for summary in summaries:
        dealing = summary.dealing
        assert dealing.signed_on is not None
        assert dealing.signed_on <= summary.written_on <= HISTORY_END.date()
        assert may_in_unit(summary.author, "customer.change", dealing.customer.owning_unit_id)
        assert HAN.search(summary.summary)


@pytest.mark.usefixtures("seeded")
def test_every_unit_reports_every_month_by_one_of_its_own_people() -> None:
    months = archive.report_months()
    monthly = MarketReport.objects.filter(major=False)
    expected = {
        (unit, month) for unit in Unit.objects.values_list("pk", flat=True) for month in months
    }
    assert set(monthly.values_list("unit_id", "month")) == expected
    assert monthly.count() == len(expected)
    members = set(Membership.objects.values_list("person_id", "unit_id"))
    for report in MarketReport.objects.select_related("author"):
        assert (report.author_id, report.unit_id) in members
        assert may_in_unit(report.author, "customer.change", report.unit_id)
        assert report.month.day == 1
        assert HAN.search(report.title)
        assert HAN.search(report.body)
    for report in monthly:
        after = datetime.datetime.combine(
            (report.month + datetime.timedelta(days=32)).replace(day=1),
            datetime.time(),
            tzinfo=datetime.UTC,
        )
        assert after <= report.created_at <= HISTORY_END
    major = MarketReport.objects.filter(major=True)
    assert 0 < major.count() < monthly.count() // 10


@pytest.mark.usefixtures("seeded")
def test_seeded_reports_and_summaries_record_history_once_changed() -> None:
    """Loaded without history rows (the triggers are off during the load) but tracked after."""
    assert not Change.objects.exists()
    report = MarketReport.objects.order_by("pk").first()
    summary = ContractSummary.objects.order_by("pk").first()
    assert report is not None
    assert summary is not None
    report.body = "渤海湾：客户启动年度框架招标。"
    report.save()
    summary.problems = "结算滞后。"
    summary.save()
    assert Change.objects.filter(record_id=str(report.pk), table="customers_marketreport").exists()
    assert Change.objects.filter(
        record_id=str(summary.pk), table="customers_contractsummary"
    ).exists()


@pytest.mark.usefixtures("seeded")
def test_top_tier_customers_have_an_information_table_of_the_policys_channels() -> None:
    """附表5 rows for the customers with annual plans only, a topic at most once each, through
    the policy's information channels, in Chinese, inside the history."""
    from guanxi.customers.models import Customer
    from guanxi.keycustomers.models import CustomerPlan
    from guanxi.policy.loader import current

    rows = list(InformationMeaning.objects.order_by("customer_id", "topic"))
    planned_customers = set(CustomerPlan.objects.values_list("customer_id", flat=True))
    assert rows
    assert {row.customer_id for row in rows} == planned_customers
    assert Customer.objects.count() > len(planned_customers)
    pairs = [(row.customer_id, row.topic) for row in rows]
    assert len(pairs) == len(set(pairs))
    assert {row.topic for row in rows} <= set(InformationTopic.values)
    assert {row.source for row in rows} <= set(current().sources)
    for row in rows:
        assert HAN.search(row.information)
        assert HAN.search(row.meaning)
        assert row.updated_at <= HISTORY_END
