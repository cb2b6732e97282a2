"""A refused request (401, 403, 404, 409, 400) changes no row (issue 6).

Every table is fingerprinted (row count and a hash of all rows) before and after a battery of
refused requests. The read register and the sign-in bookkeeping are left out: a refusal may
legitimately log there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client
from rest_framework.test import APIClient

from guanxi.organisation.models import Person, Unit
from tests.security.world import Planted, plant

SKIPPED_APPS = {"sessions", "axes", "admin"}
SKIPPED_TABLES = {"access_accesslogentry", "access_chainhead"}
VOLATILE = {"last_login"}  # the test signs its page clients in; that is not the refused request


def fingerprint() -> dict[str, tuple[int, str]]:
    tables: dict[str, tuple[int, str]] = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if model._meta.app_label in SKIPPED_APPS or table in SKIPPED_TABLES:
            continue
        columns = [f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE]
        rows = list(model._default_manager.order_by("pk").values_list(*columns))
        tables[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return tables


@pytest.fixture
def planted(people: dict[str, Person], units: dict[str, Unit]) -> Planted:
    return plant(actor=people["hq.manager"], unit=units["DIV1"], marker="拒绝", code_seed=21)


def api(people: dict[str, Person], who: str | None) -> APIClient:
    client = APIClient()
    if who:
        client.force_authenticate(people[who])
    return client


def page(people: dict[str, Person], who: str) -> Client:
    client = Client()
    client.force_login(people[who])
    return client


Attempt = tuple[str, set[int], Callable[[dict[str, Person], dict[str, Unit], Planted], int]]
ATTEMPTS: list[Attempt] = [
    (
        "signed out: create a customer",
        {401, 403},
        lambda p, u, w: (
            api(p, None)
            .post(
                "/api/v1/customers/",
                {"name": "匿名公司", "owning_unit": u["DIV1"].pk},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "signed out: change a customer",
        {401, 403},
        lambda p, u, w: (
            api(p, None)
            .patch(
                f"/api/v1/customers/{w.customer.pk}/", {"name": "改", "version": 1}, format="json"
            )
            .status_code
        ),
    ),
    (
        "other line: change a customer",
        {404},
        lambda p, u, w: (
            api(p, "div2.staff")
            .patch(
                f"/api/v1/customers/{w.customer.pk}/", {"name": "改", "version": 1}, format="json"
            )
            .status_code
        ),
    ),
    (
        "other line: change a contact",
        {404},
        lambda p, u, w: (
            api(p, "div2.staff")
            .patch(f"/api/v1/contacts/{w.contact.pk}/", {"name": "改", "version": 1}, format="json")
            .status_code
        ),
    ),
    (
        "other line: add a contact to the customer",
        {400},
        lambda p, u, w: (
            api(p, "div2.staff")
            .post("/api/v1/contacts/", {"customer": w.customer.pk, "name": "李四"}, format="json")
            .status_code
        ),
    ),
    (
        "other line: change a market report",
        {404},
        lambda p, u, w: (
            api(p, "div2.staff")
            .patch(
                f"/api/v1/market-reports/{w.report.pk}/",
                {"title": "改", "version": 1},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "other line: complete a personal data request",
        {404},
        lambda p, u, w: (
            api(p, "div2.staff")
            .post(f"/api/v1/personal-data-requests/{w.request.pk}/complete/", {"outcome": "x"})
            .status_code
        ),
    ),
    (
        "other line: the edit page",
        {404},
        lambda p, u, w: (
            page(p, "div2.staff")
            .post(f"/customers/{w.customer.pk}/edit/", {"name": "改", "version": 1})
            .status_code
        ),
    ),
    (
        "no grant: create a customer",
        {403},
        lambda p, u, w: (
            api(p, "finance")
            .post(
                "/api/v1/customers/",
                {"name": "财务公司", "owning_unit": u["HQ"].pk, "tier": "vip"},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "read-only role: change a customer",
        {403},
        lambda p, u, w: (
            api(p, "exec")
            .patch(
                f"/api/v1/customers/{w.customer.pk}/", {"name": "改", "version": 1}, format="json"
            )
            .status_code
        ),
    ),
    (
        "outside the line: create a customer in DIV2",
        {403},
        lambda p, u, w: (
            api(p, "div1.staff")
            .post(
                "/api/v1/customers/",
                {"name": "越线公司", "owning_unit": u["DIV2"].pk, "tier": "vip"},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "outside the line: move a customer to DIV2",
        {403},
        lambda p, u, w: (
            api(p, "div1.staff")
            .patch(
                f"/api/v1/customers/{w.customer.pk}/",
                {"owning_unit": u["DIV2"].pk, "version": w.customer.version},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "stale version: change a customer",
        {409},
        lambda p, u, w: (
            api(p, "div1.staff")
            .patch(
                f"/api/v1/customers/{w.customer.pk}/", {"name": "改", "version": 99}, format="json"
            )
            .status_code
        ),
    ),
    (
        "stale version: change a contact",
        {409},
        lambda p, u, w: (
            api(p, "div1.staff")
            .patch(
                f"/api/v1/contacts/{w.contact.pk}/", {"name": "改", "version": 99}, format="json"
            )
            .status_code
        ),
    ),
    (
        "invalid or stale: the edit page",
        {400, 409},
        lambda p, u, w: (
            page(p, "div1.staff")
            .post(
                f"/customers/{w.customer.pk}/edit/",
                {"name": w.customer.name, "tier": "vip", "version": 99},
            )
            .status_code
        ),
    ),
    (
        "invalid: a bad credit code",
        {400},
        lambda p, u, w: (
            api(p, "div1.staff")
            .post(
                "/api/v1/customers/",
                {"name": "坏代码公司", "owning_unit": u["DIV1"].pk, "credit_code": "123"},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "invalid: an unknown tier",
        {400},
        lambda p, u, w: (
            api(p, "div1.staff")
            .patch(
                f"/api/v1/customers/{w.customer.pk}/",
                {"tier": "nonsense", "version": w.customer.version},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "invalid: a field the serializer does not declare",
        {400},
        lambda p, u, w: (
            api(p, "div1.staff")
            .patch(
                f"/api/v1/customers/{w.customer.pk}/",
                {"name": "改", "is_superuser": True, "version": w.customer.version},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "no grant: add oneself a role",
        {403},
        lambda p, u, w: (
            api(p, "div1.staff")
            .post(
                "/api/v1/memberships/",
                {"person": p["div1.staff"].pk, "unit": u["DIV1"].pk, "role": "manager"},
                format="json",
            )
            .status_code
        ),
    ),
    (
        "administrator: add oneself a role",
        {403},
        lambda p, u, w: (
            api(p, "admin")
            .post(
                "/api/v1/memberships/",
                {"person": p["admin"].pk, "unit": u["HQ"].pk, "role": "manager"},
                format="json",
            )
            .status_code
        ),
    ),
]


def test_refused_requests_change_no_row(people, units, planted: Planted) -> None:  # type: ignore[no-untyped-def]
    before = fingerprint()

    answers = {name: attempt(people, units, planted) for name, _codes, attempt in ATTEMPTS}

    wrong = {name: answers[name] for name, codes, _a in ATTEMPTS if answers[name] not in codes}
    assert wrong == {}
    after = fingerprint()
    assert [table for table in before if before[table] != after[table]] == []
    assert before == after


def test_the_fingerprint_does_notice_a_change(people, units, planted: Planted) -> None:  # type: ignore[no-untyped-def]
    before = fingerprint()
    answer = api(people, "div1.staff").patch(
        f"/api/v1/customers/{planted.customer.pk}/",
        {"name": "拒绝能源（更名）有限公司", "version": planted.customer.version},
        format="json",
    )
    assert answer.status_code == 200
    assert fingerprint() != before
