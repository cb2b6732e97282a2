"""The history as people read it: names, labels, money and local times, grouped per change,
filtered by field and person, in queries that do not grow with the page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from guanxi.customers import archive
from guanxi.customers.models import DealingKind, DealingStatus
from guanxi.customers.services import customer_update
from guanxi.history.models import Change

pytestmark = pytest.mark.django_db

CONSENT = datetime.datetime(2026, 12, 5, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Shanghai


def url(customer) -> str:  # type: ignore[no-untyped-def]
    return f"/history/customer/{customer.pk}/"


@pytest.fixture
def archive_of(people, units, make_customer):  # type: ignore[no-untyped-def]
    """A customer with a department, a key person in it and a dealing with an amount."""
    customer = make_customer()
    actor = people["div1.manager"]
    department = archive.department_create(
        actor=actor, customer=customer, kind="branch", name="天津分公司"
    )
    contact = archive.contact_create(
        actor=actor,
        customer=customer,
        name="欧阳明远",
        department=department,
        is_key=True,
        consent_at=CONSENT,
    )
    archive.dealing_create(
        actor=people["div1.staff"],
        customer=customer,
        department=department,
        kind=DealingKind.CONTRACT,
        status=DealingStatus.LEAD,
        title="渤海湾测井服务",
        amount=Decimal("1234567.8"),
        our_unit=units["DIV1"],
    )
    return customer, department, contact


def test_it_shows_names_labels_money_and_local_time(page_as, settings, archive_of) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Asia/Shanghai"
    customer, department, _contact = archive_of

    body = page_as("div1.manager").get(url(customer)).content.decode()

    assert "天津分公司" in body  # the contact's department by name, not its id
    assert f"#{department.pk}<" not in body
    assert "欧阳明远" in body  # the record changed, by its name
    assert "1,234,567.80 元" in body  # the amount as money
    assert "2026-12-05 10:30" in body  # the consent time in Shanghai, not UTC 02:30
    assert "2026-12-05 02:30" not in body
    assert "是" in body  # a boolean as 是
    assert "分公司" in body
    assert "合同" in body
    assert ">contract<" not in body
    assert ">branch<" not in body
    assert "→ vip<" not in body  # the policy's tier by its name


def test_the_change_time_is_the_local_time_to_the_minute(page_as, settings, archive_of) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Asia/Shanghai"
    customer, _department, _contact = archive_of
    newest = Change.objects.filter(customer_id=customer.pk).latest("id")

    body = page_as("div1.manager").get(url(customer)).content.decode()

    shanghai = newest.at.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    utc = newest.at.astimezone(datetime.UTC)
    assert shanghai.strftime("%Y-%m-%d %H:%M") in body
    assert utc.strftime("%Y-%m-%d %H:%M") not in body
    assert "Asia/Shanghai" in body  # the page says which time zone it shows


def test_in_english_the_labels_are_english(page_as, archive_of) -> None:  # type: ignore[no-untyped-def]
    customer, _department, _contact = archive_of
    client = page_as("div1.manager")
    client.cookies["django_language"] = "en"

    body = client.get(url(customer)).content.decode()

    assert "Change history" in body
    assert "→ yes</td>" in body  # is_key
    assert "1,234,567.80 元" in body


def test_one_change_is_one_group_newest_first(page_as, people, archive_of) -> None:  # type: ignore[no-untyped-def]
    customer, _department, _contact = archive_of

    response = page_as("div1.manager").get(url(customer))

    events = response.context["events"]
    ids = [e.change.pk for event in events for e in event.entries]
    assert ids == sorted(ids, reverse=True)
    assert next(event.who for event in events) == str(people["div1.staff"])  # the dealing
    assert all(len({e.change.actor_id for e in event.entries}) == 1 for event in events)
    assert response.content.decode().count('data-testid="history-event"') == len(events)


def test_it_filters_by_field(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    _edit(people, customer, phone="022-1", person="div1.staff")
    _edit(people, customer, name="改名后的客户有限公司", person="div1.staff")

    response = page_as("div1.manager").get(url(customer), {"field": "customers_customer.phone"})

    entries = response.context["entries"]
    assert entries  # the update of the phone and the creation that set it, if it did
    assert all({f.column for f in e.fields} <= {"phone"} for e in entries)
    assert all("phone" in (e.change.changes or {}) for e in entries)
    assert not any("改名后的客户有限公司" in f.new for e in entries for f in e.fields)


def test_it_filters_by_person(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()  # created by hq.manager
    _edit(people, customer, phone="022-1", person="div1.staff")

    client = page_as("div1.manager")
    everyone = client.get(url(customer)).context["entries"]
    staff = client.get(url(customer), {"person": people["div1.staff"].pk}).context["entries"]

    assert {e.change.actor_id for e in everyone} == {
        people["hq.manager"].pk,
        people["div1.staff"].pk,
    }
    assert {e.change.actor_id for e in staff} == {people["div1.staff"].pk}


def test_a_bad_filter_says_so_and_shows_the_whole_history(page_as, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer()
    _edit(people, customer, phone="022-1", person="div1.staff")
    client = page_as("div1.manager")

    response = client.get(url(customer), {"field": "auth_user.password", "person": "x"})

    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"field", "person"}
    assert len(response.context["entries"]) == len(client.get(url(customer)).context["entries"])


def test_the_filters_survive_the_next_page(page_as, people, make_customer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from guanxi.web.history import views as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    customer = make_customer()
    for n in range(5):
        _edit(people, customer, phone=f"022-{n}", person="div1.staff")
    client = page_as("div1.manager")
    query = {"person": people["div1.staff"].pk}

    first = client.get(url(customer), query)
    link = f"after={first.context['page'].next_after}"
    second = client.get(url(customer), {**query, "after": first.context["page"].next_after})

    assert link in first.content.decode()
    assert f"person={people['div1.staff'].pk}&amp;after=" in first.content.decode()
    seen = [e.change.pk for r in (first, second) for e in r.context["entries"]]
    assert len(seen) == len(set(seen)) == 4
    assert seen == sorted(seen, reverse=True)


def test_queries_do_not_grow_with_the_history(page_as, people, archive_of) -> None:  # type: ignore[no-untyped-def]
    customer, _department, contact = archive_of
    client = page_as("div1.manager")
    client.get(url(customer))
    with CaptureQueriesContext(connection) as few:
        client.get(url(customer))
    for n in range(6):
        contact.refresh_from_db()
        archive.contact_update(
            actor=people[("div1.staff", "div1.cm", "div1.manager")[n % 3]],
            contact=contact,
            version=contact.version,
            mobile=f"1380000000{n}",
            consent_at=timezone.now(),
        )
        archive.department_create(
            actor=people["div1.manager"], customer=customer, kind="department", name=f"部门{n}"
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url(customer))

    assert len(many) == len(few)


def _edit(people, customer, *, person: str, **changes) -> None:  # type: ignore[no-untyped-def]
    customer.refresh_from_db()
    customer_update(actor=people[person], customer=customer, version=customer.version, **changes)
