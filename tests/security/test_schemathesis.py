"""The API answers every input the schema allows without a server error, as documented.

Schemathesis generates requests from the OpenAPI schema and sends them in-process through the
WSGI application, once per role of the policy with that role's token.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.db.models import Model
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.models import APIOperation, Case
from schemathesis.specs.openapi.checks import response_schema_conformance

from guanxi.organisation.models import Person
from guanxi.wsgi import application
from tests.security import hypothesis_compat

hypothesis_compat.install()

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# One persona per role of the policy; the set is checked against the policy below.
ROLE_PEOPLE = {
    "admin": "admin",
    "manager": "div1.manager",
    "staff": "base11.staff",
    "info_admin": "hq.info",
    "customer_manager": "div1.cm",
    "finance": "finance",
    "executive": "exec",
    "auditor": "auditor",
}
EXAMPLES = 4
CHECKS = (not_a_server_error, response_schema_conformance)


def api_schema() -> Any:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.from_dict(document, app=application)


def model_of(path: str) -> type[Model] | None:
    """The model behind a detail path, so cases can also aim at a record that exists."""
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    cls = getattr(view, "cls", None)
    model = getattr(cls, "model", None) or getattr(getattr(cls, "queryset", None), "model", None)
    return model if isinstance(model, type) else None


def existing_id(operation: APIOperation) -> int | None:
    if "{id}" not in operation.path or operation.method.upper() == "DELETE":
        return None
    model = model_of(operation.path.replace("{id}", "1"))
    if model is None:
        return None
    return model._default_manager.order_by("pk").values_list("pk", flat=True).first()


def exercise(operation: APIOperation, token: str, calls: Counter[str]) -> None:
    headers = {"Authorization": f"Token {token}"}
    real_id = existing_id(operation)

    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case: Case) -> None:
        cases = [case]
        if real_id is not None:
            aimed = case.partial_deepcopy()
            aimed.path_parameters = {**(case.path_parameters or {}), "id": real_id}
            cases.append(aimed)
        for each in cases:
            response = each.call_wsgi(headers=headers)
            calls[operation.verbose_name] += 1
            each.validate_response(response, checks=CHECKS)

    run()


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    """The WSGI handler closes "old" connections around each request; inside a test's
    transaction that would close it, so (like Django's test client) keep it open."""
    from django.core import signals
    from django.db import close_old_connections

    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def fuzz_world(people, units, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    """A customer with a key person, so detail operations also meet real records."""
    make_key_person(make_customer("BASE11"))


def test_every_role_of_the_policy_is_fuzzed() -> None:
    from guanxi.policy.loader import current

    assert set(current().roles) == set(ROLE_PEOPLE)


@pytest.mark.parametrize("role", sorted(ROLE_PEOPLE))
def test_the_api_answers_generated_requests_without_breaking_its_schema(
    role: str, people: dict[str, Person], fuzz_world: None, keep_the_test_connection: None
) -> None:
    token = Token.objects.get_or_create(user=people[ROLE_PEOPLE[role]])[0].key
    schema = api_schema()
    calls: Counter[str] = Counter()
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        exercise(operation, token, calls)
    missed = [op.verbose_name for op in operations if calls[op.verbose_name] == 0]
    assert not missed, f"operations never called: {missed}"
    assert len(operations) > 20
