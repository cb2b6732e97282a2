from __future__ import annotations

import pytest

from guanxi.customers.models import Customer
from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.demo import DEMO_PASSWORD, PEOPLE, demo_organisation, load_demo


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


@pytest.mark.parametrize("preset", ["cosl", "zhongtong", "cnooc-gas"])
def test_every_role_of_every_preset_has_a_demo_login_that_reaches_its_home_page(
    db, settings, client, preset: str
) -> None:  # type: ignore[no-untyped-def]
    # given the installation runs the preset
    settings.GUANXI_POLICY = preset
    policy = current_policy()
    # when the demo loads
    counts = load_demo(per_unit=3)
    # then every role has a login, of a unit of a kind the policy knows
    logins = demo_organisation()[1]
    assert {role for _u, _n, _unit, role, _s in logins} == set(policy.roles)
    assert set(Unit.objects.values_list("kind", flat=True)) == set(policy.unit_kinds)
    assert counts["plans_created"] > 0
    assert counts["visits"] > 0
    # and each login signs in with the published password and sees its home page
    for username, _name, _unit, role, _superuser in logins:
        client.logout()
        answer = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
        )
        assert answer.status_code == 200, username
        assert answer.wsgi_request.user.username == username, username
        assert answer.redirect_chain[-1][0] == "/", username
        title = policy.roles[role].name_zh
        assert title in answer.content.decode(), (username, title)
