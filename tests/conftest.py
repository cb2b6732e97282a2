"""Personas shared by every test, built from the demo organisation.

hq.manager / hq.staff see everything; div1.* see division 1 and its bases; div2.staff and
branch1.* are other lines; finance, exec and auditor hold their HQ roles.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from guanxi.customers.models import Customer
from guanxi.organisation.models import Person, Unit
from guanxi.seeding import demo


def pytest_configure(config: pytest.Config) -> None:
    # Tests sign people in hundreds of times; argon2 is checked on its own in test_settings.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests look at the chain right after a read; the once-a-second chaining of production is
    # tested on its own in tests/access/test_chain_pace.py.
    settings.READ_CHAIN_SECONDS = 0


def pytest_report_header(config: pytest.Config) -> str:
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"guanxi: database backend {engine}, policy {settings.GUANXI_POLICY}"


@pytest.fixture
def units(db: None) -> dict[str, Unit]:
    return demo.load_organisation()


@pytest.fixture
def people(units: dict[str, Unit]) -> dict[str, Person]:
    return demo.load_people(units)


@pytest.fixture
def make_customer(people: dict[str, Person], units: dict[str, Unit]) -> Callable[..., Customer]:
    from guanxi.customers.services import customer_create
    from guanxi.seeding.names import credit_code

    rng = random.Random(7)

    def make(
        unit: str = "DIV1", name: str | None = None, tier: str = "vip", code: str | None = None
    ) -> Customer:
        return customer_create(
            actor=people["hq.manager"],
            name=name or f"测试客户{rng.randrange(10**6)}有限公司",
            owning_unit=units[unit],
            tier=tier,
            credit_code=code or credit_code(rng),
        )

    return make


@pytest.fixture
def api_as(people: dict[str, Person]) -> Callable[[str], APIClient]:
    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(people[username])
        return client

    return client_for


@pytest.fixture
def page_as(client, people: dict[str, Person]):  # type: ignore[no-untyped-def]
    def client_for(username: str):  # type: ignore[no-untyped-def]
        client.force_login(people[username])
        return client

    return client_for


@pytest.fixture
def append_only_flushable(transactional_db: None):  # type: ignore[no-untyped-def]
    """Transactional tests end with a flush, which the append-only triggers refuse.

    The triggers are (re)made before each such test and dropped just before its flush;
    pytest-django runs transactional tests after all others, so no other test sees them missing.
    """
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("guanxi.access.migrations.0002_chain_head_and_append_only")
    with connection.schema_editor() as editor:
        migration.triggers_down(apps, editor)
        migration.triggers_up(apps, editor)
    yield
    with connection.schema_editor() as editor:
        migration.triggers_down(apps, editor)


@pytest.fixture
def make_key_person(people):  # type: ignore[no-untyped-def]
    from guanxi.customers import archive

    def make(customer: Customer, name: str = "王志刚", **extra: object):  # type: ignore[no-untyped-def]
        actor = people["hq.manager"]
        department = archive.department_create(
            actor=actor, customer=customer, kind="department", name="工程技术部"
        )
        contact = archive.contact_create(
            actor=actor,
            customer=customer,
            department=department,
            name=name,
            position="总工程师",
            mobile="13812345678",
            is_key=True,
            hobbies="围棋、钓鱼",
            birthplace="山东东营",
            education="中国石油大学 硕士",
            purpose="客户关系维护",
            **extra,
        )
        archive.relationship_set(
            actor=actor,
            contact=contact,
            buying_role="decision_maker",
            state="positive",
            holders=[people["div1.manager"]],
            note="初次建档",
        )
        return contact

    return make


@pytest.fixture
def list_read_queries(people: dict[str, Person]) -> int:
    """Queries one list registration costs in this test's transaction, measured, not assumed:
    on PostgreSQL a test's outer transaction makes the register chain its journal rows in that
    same transaction (in production a registration is one INSERT and chaining runs after)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.access.lists import register_list_ids

    def once() -> int:
        with CaptureQueriesContext(connection) as captured:
            register_list_ids(
                actor=people["hq.staff"],
                record_type="customers.customer",
                pairs=[(1, None)],
                channel="page",  # type: ignore[arg-type]
                query="",
            )
        return len(captured)

    once()  # the first registration of a test also starts the chain
    return max(once() - 1, 0) if connection.vendor == "postgresql" else 0
