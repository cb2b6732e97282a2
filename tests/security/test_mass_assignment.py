"""API serializers accept only their declared fields; nobody widens their own reach (issue 6)."""

from __future__ import annotations

import datetime

import pytest

from guanxi.customers.models import ContractSummary, Customer, MarketReport
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.organisation.services import membership_create, person_create
from tests.security.world import Planted, plant


@pytest.fixture
def planted(people: dict[str, Person], units: dict[str, Unit]) -> Planted:
    return plant(actor=people["hq.manager"], unit=units["DIV1"], marker="批量", code_seed=31)


def test_a_customer_cannot_be_created_outside_the_line(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").post(
        "/api/v1/customers/",
        {"name": "越线能源有限公司", "owning_unit": units["DIV2"].pk, "tier": "vip"},
        format="json",
    )
    assert answer.status_code == 403
    assert not Customer.objects.filter(name="越线能源有限公司").exists()


def test_a_customer_cannot_be_moved_outside_the_line(api_as, units, planted) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").patch(
        f"/api/v1/customers/{planted.customer.pk}/",
        {"owning_unit": units["DIV2"].pk, "version": planted.customer.version},
        format="json",
    )
    assert answer.status_code == 403
    assert Customer.objects.get(pk=planted.customer.pk).owning_unit_id == units["DIV1"].pk


def test_undeclared_fields_are_refused_by_name(api_as, planted) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").patch(
        f"/api/v1/customers/{planted.customer.pk}/",
        {"name": "新名称有限公司", "is_superuser": True, "version": planted.customer.version},
        format="json",
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"is_superuser"}
    assert Customer.objects.get(pk=planted.customer.pk).name == planted.customer.name


def test_read_only_fields_sent_back_are_ignored(api_as, planted) -> None:  # type: ignore[no-untyped-def]
    client = api_as("div1.staff")
    body = client.get(f"/api/v1/customers/{planted.customer.pk}/").json()
    body.update({"id": 999999, "created_at": "2000-01-01T00:00:00Z", "name": "回写能源有限公司"})

    answer = client.patch(f"/api/v1/customers/{planted.customer.pk}/", body, format="json")

    assert answer.status_code == 200, answer.json()
    saved = Customer.objects.get(pk=planted.customer.pk)
    assert saved.name == "回写能源有限公司"
    assert saved.created_at.year != 2000
    assert not Customer.objects.filter(pk=999999).exists()


def test_a_summary_author_is_always_the_writer(api_as, people, planted) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").post(
        "/api/v1/contract-summaries/",
        {
            "dealing": planted.dealing.pk,
            "written_on": "2026-04-01",
            "summary": "按期完成",
            "author": people["hq.manager"].pk,
        },
        format="json",
    )
    assert answer.status_code == 201
    written = ContractSummary.objects.get(pk=answer.json()["id"])
    assert written.author == people["div1.staff"]


def test_a_market_report_keeps_its_unit(api_as, units, planted) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").patch(
        f"/api/v1/market-reports/{planted.report.pk}/",
        {"unit": units["DIV2"].pk, "version": planted.report.version},
        format="json",
    )
    assert answer.status_code == 400  # fixed at creation: refused by name, not ignored
    assert set(answer.json()) == {"unit"}
    assert MarketReport.objects.get(pk=planted.report.pk).unit_id == units["DIV1"].pk


def test_a_market_report_cannot_be_written_for_another_line(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").post(
        "/api/v1/market-reports/",
        {
            "unit": units["DIV2"].pk,
            "month": str(datetime.date(2026, 4, 1)),
            "title": "越线月报",
            "body": "内容",
        },
        format="json",
    )
    assert answer.status_code == 403
    assert not MarketReport.objects.filter(title="越线月报").exists()


@pytest.mark.parametrize("who", ["div1.staff", "div1.manager", "admin"])
def test_nobody_grants_themselves_a_role(api_as, people, units, who) -> None:  # type: ignore[no-untyped-def]
    person = people[who]
    before = set(Membership.objects.filter(person=person).values_list("unit_id", "role"))

    answer = api_as(who).post(
        "/api/v1/memberships/",
        {"person": person.pk, "unit": units["HQ"].pk, "role": "manager"},
        format="json",
    )

    assert answer.status_code == 403
    assert set(Membership.objects.filter(person=person).values_list("unit_id", "role")) == before


def test_an_administrator_cannot_remove_their_own_role(api_as, people) -> None:  # type: ignore[no-untyped-def]
    own = Membership.objects.get(person=people["admin"])
    assert api_as("admin").delete(f"/api/v1/memberships/{own.pk}/").status_code == 403
    assert Membership.objects.filter(pk=own.pk).exists()


def test_an_administrator_still_grants_roles_to_others(api_as, people, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("admin").post(
        "/api/v1/memberships/",
        {"person": people["div2.staff"].pk, "unit": units["DIV2"].pk, "role": "manager"},
        format="json",
    )
    assert answer.status_code == 201


def test_nobody_makes_themselves_superuser(api_as, people) -> None:  # type: ignore[no-untyped-def]
    me = people["div1.manager"]
    answer = api_as("div1.manager").patch(
        f"/api/v1/people/{me.pk}/",
        {"is_superuser": True, "is_staff": True, "version": me.version},
        format="json",
    )
    assert answer.status_code == 400  # undeclared fields are refused by name
    assert set(answer.json()) == {"is_superuser", "is_staff"}
    me.refresh_from_db()
    assert (me.is_superuser, me.is_staff) == (False, False)


def test_a_division_administrator_cannot_change_people_of_headquarters(
    api_as, people, units
) -> None:  # type: ignore[no-untyped-def]
    division_admin = person_create(actor=None, username="div1.admin", display_name="分公司管理员")
    membership_create(actor=None, person=division_admin, unit=units["DIV1"], role="admin")
    target = people["hq.manager"]
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(division_admin)
    answer = client.patch(
        f"/api/v1/people/{target.pk}/",
        {"email": "attacker@example.com", "version": target.version},
        format="json",
    )

    assert answer.status_code == 403
    target.refresh_from_db()
    assert target.email != "attacker@example.com"
