"""Demands: registering, handling and escalating, and every refusal (DEM-1, DEM-2)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.demands import services
from guanxi.demands.models import Demand, DemandEvent, DemandStatus, StrategicFollower
from guanxi.outbox.models import Message

pytestmark = pytest.mark.django_db


def test_a_demand_belongs_to_its_customers_unit_and_starts_its_history(
    make_customer, make_demand, people
) -> None:
    customer = make_customer("BASE11", tier="vip")
    demand = make_demand(customer)
    assert demand.owning_unit_id == customer.owning_unit_id
    assert demand.status == DemandStatus.OPEN
    event = DemandEvent.objects.get(demand=demand)
    assert (event.actor, event.from_status, event.to_status) == (people["div1.staff"], "", "open")


def test_a_category_outside_the_policy_is_refused_and_nothing_is_stored(
    make_customer, make_demand
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_demand(make_customer(), category="gossip")
    assert "category" in refused.value.message_dict
    assert Demand.objects.count() == 0


def test_a_severity_outside_the_policy_is_refused(make_customer, make_demand) -> None:
    with pytest.raises(ValidationError) as refused:
        make_demand(make_customer(), severity="apocalyptic")
    assert "severity" in refused.value.message_dict


def test_a_due_date_before_the_demand_was_raised_is_refused(make_customer, make_demand) -> None:
    with pytest.raises(ValidationError) as refused:
        make_demand(make_customer(), due_on=timezone.localdate() - timedelta(days=1))
    assert "due_on" in refused.value.message_dict


def test_a_demand_raised_in_the_future_is_refused(make_customer, make_demand) -> None:
    with pytest.raises(ValidationError) as refused:
        make_demand(make_customer(), raised_on=timezone.localdate() + timedelta(days=3))
    assert "raised_on" in refused.value.message_dict


def test_the_owner_must_be_someone_who_handles_the_units_demands(
    make_customer, make_demand, people
) -> None:
    with pytest.raises(ValidationError) as refused:
        make_demand(make_customer("DIV1"), owner=people["div2.staff"])
    assert "owner" in refused.value.message_dict


def test_another_lines_staff_cannot_register_a_demand(make_customer, people) -> None:
    with pytest.raises(PermissionDenied):
        services.demand_create(
            actor=people["div2.staff"],
            customer=make_customer("DIV1"),
            category="other",
            severity="normal",
            title="越线",
            description="不应成功",
            owner=people["div2.staff"],
            due_on=timezone.localdate(),
        )
    assert Demand.objects.count() == 0


def test_resolving_needs_a_word_on_how_and_is_kept_in_the_history(
    make_customer, make_demand, people
) -> None:
    demand = make_demand(make_customer())
    with pytest.raises(ValidationError):
        services.demand_move(
            actor=people["div1.cm"], demand=demand, version=1, status="resolved", comment=" "
        )
    done = services.demand_move(
        actor=people["div1.cm"], demand=demand, version=1, status="resolved", comment="已降价3%"
    )
    assert done.status == DemandStatus.RESOLVED
    last = done.events.last()
    assert last is not None
    assert (last.actor, last.from_status, last.to_status, last.comment) == (
        people["div1.cm"],
        "open",
        "resolved",
        "已降价3%",
    )


def test_a_stale_version_is_refused(make_customer, make_demand, people) -> None:
    from guanxi.versioning import StaleVersion

    demand = make_demand(make_customer())
    services.demand_move(actor=people["div1.cm"], demand=demand, version=1, status="in_progress")
    with pytest.raises(StaleVersion):
        services.demand_update(actor=people["div1.cm"], demand=demand, version=1, title="改")


def test_the_owner_escalates_a_vip_demand_one_level_up_with_the_reason(
    make_customer, make_demand, people, units
) -> None:
    demand = make_demand(make_customer("BASE11", tier="vip"), owner=people["base11.staff"])
    done = services.demand_escalate(
        actor=people["base11.staff"], demand=demand, version=1, reason="超出基地审批权限"
    )
    assert (done.status, done.escalated_to) == (DemandStatus.ESCALATED, units["DIV1"])
    again = services.demand_escalate(
        actor=people["div1.manager"], demand=done, version=done.version, reason="可能形成重大风险"
    )
    assert again.escalated_to == units["HQ"]
    assert done.events.filter(to_status="escalated").count() == 2


def test_escalating_someone_elses_demand_without_the_right_is_refused(
    make_customer, make_demand, people
) -> None:
    demand = make_demand(make_customer("DIV1", tier="vip"))  # owned by div1.cm
    with pytest.raises(PermissionDenied):
        services.demand_escalate(
            actor=people["div1.staff"], demand=demand, version=1, reason="我想上报"
        )
    demand.refresh_from_db()
    assert (demand.status, demand.version) == (DemandStatus.OPEN, 1)


def test_escalation_needs_a_reason(make_customer, make_demand, people) -> None:
    demand = make_demand(make_customer("DIV1", tier="vip"))
    with pytest.raises(ValidationError):
        services.demand_escalate(actor=people["div1.cm"], demand=demand, version=1, reason="")


def test_an_ordinary_customers_demand_is_solved_by_the_unit(
    make_customer, make_demand, people
) -> None:
    demand = make_demand(make_customer("DIV1", tier="ordinary"))
    with pytest.raises(ValidationError):
        services.demand_escalate(actor=people["div1.cm"], demand=demand, version=1, reason="急")


def test_a_demand_at_hq_cannot_go_higher(make_customer, make_demand, people) -> None:
    demand = services.demand_create(
        actor=people["hq.manager"],
        customer=make_customer("HQ", tier="strategic"),
        category="hq_support",
        severity="normal",
        title="总部出面",
        description="需总部领导出面协调",
        owner=people["hq.manager"],
        due_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError):
        services.demand_escalate(actor=people["hq.manager"], demand=demand, version=1, reason="x")


def test_an_urgent_strategic_demand_is_reported_to_hq_at_once(
    make_customer, make_demand, people
) -> None:
    customer = make_customer("DIV1", tier="strategic")
    people["hq.manager"].email = "wang.jianguo@example.cn"
    people["hq.manager"].save()
    services.follower_set(actor=people["hq.manager"], customer=customer, person=people["hq.staff"])
    demand = make_demand(customer, severity="urgent")
    assert demand.reported_at is not None
    assert Message.objects.filter(recipient="wang.jianguo@example.cn").exists()
    assert make_demand(customer, severity="major").reported_at is None


def test_only_hq_names_a_strategic_customers_follow_up_person(make_customer, people) -> None:
    customer = make_customer("DIV1", tier="strategic")
    with pytest.raises(PermissionDenied):
        services.follower_set(
            actor=people["div1.manager"], customer=customer, person=people["hq.staff"]
        )
    with pytest.raises(ValidationError):
        services.follower_set(
            actor=people["hq.manager"], customer=customer, person=people["div1.staff"]
        )
    with pytest.raises(ValidationError):
        services.follower_set(
            actor=people["hq.manager"],
            customer=make_customer(tier="vip"),
            person=people["hq.staff"],
        )
    services.follower_set(actor=people["hq.manager"], customer=customer, person=people["hq.staff"])
    assert StrategicFollower.objects.get(customer=customer).person == people["hq.staff"]


def test_a_unit_names_one_of_its_members_as_contact_person(people, units) -> None:
    contact = services.unit_contact_set(
        actor=people["div1.manager"], unit=units["DIV1"], person=people["div1.cm"]
    )
    assert contact.person == people["div1.cm"]
    with pytest.raises(ValidationError):
        services.unit_contact_set(
            actor=people["div1.manager"], unit=units["DIV1"], person=people["div2.staff"]
        )
    with pytest.raises(PermissionDenied):
        services.unit_contact_set(
            actor=people["div1.staff"], unit=units["DIV1"], person=people["div1.staff"]
        )
