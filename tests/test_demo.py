from __future__ import annotations

from guanxi.customers.models import Customer
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.seeding.demo import PEOPLE, load_demo


def test_the_demo_loads_twice_without_duplicates(db) -> None:  # type: ignore[no-untyped-def]
    first = load_demo()
    counts = (
        Unit.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        Customer.objects.count(),
    )
    second = load_demo()
    assert second["customers_created"] == 0
    assert counts == (
        Unit.objects.count(),
        Person.objects.count(),
        Membership.objects.count(),
        Customer.objects.count(),
    )
    assert first["customers"] >= 100
    assert {p[0] for p in PEOPLE} >= {
        "admin",
        "hq.manager",
        "hq.staff",
        "div1.manager",
        "div1.staff",
        "base11.staff",
        "div2.staff",
        "branch1.manager",
        "branch1.staff",
        "finance",
        "exec",
        "auditor",
    }
    assert set(Unit.objects.values_list("kind", flat=True)) == {"hq", "division", "base", "branch"}
