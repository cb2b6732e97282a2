"""Every create endpoint takes its minimal body: required fields only, optional ones defaulted.

Generated from the OpenAPI document and each endpoint's serializer: for each POST of a
collection, a body of the required fields alone, ids taken from a planted archive. Leaving out
an optional field (a relationship without `state`) must create the record with the model's
default or refuse with a message, never answer 500. A body nested past the parser's limit is a
400 on every write endpoint, in the reader's language, and changes nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Model
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework import fields as f
from rest_framework import relations
from rest_framework.test import APIClient, APIRequestFactory

from guanxi.customers.models import Relationship
from guanxi.organisation.models import Person, Unit
from tests.security.world import Planted, plant

WHO = "hq.manager"  # sees the planted DIV1 archive and may create in it


@pytest.fixture
def planted(people: dict[str, Person], units: dict[str, Unit]) -> Planted:
    found = plant(actor=people[WHO], unit=units["DIV1"], marker="最小甲", code_seed=41)
    _carried_out_visit(people[WHO], units["HQ"])
    return found


def _carried_out_visit(person: Person, unit: Unit) -> None:
    """A visit HQ carried out, so a service visit record's minimal body (its activity) has one
    to record; the care and seminar forms refuse it as an activity of another kind (400)."""
    from django.utils import timezone

    from guanxi.activities.models import Activity

    activity = Activity.objects.create(
        unit=unit, kind="visit", name="回访", date=timezone.localdate(), created_by=person
    )
    activity.our_people.set([person])


def write_paths(methods: tuple[str, ...] = ("post",)) -> list[tuple[str, str]]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (path, method)
        for path, operations in document["paths"].items()
        for method in operations
        if method in methods
    )


def collection_posts() -> list[str]:
    return [path for path, _method in write_paths() if "{" not in path]


def create_serializer(path: str, person: Person) -> Any:
    """The serializer the collection's create action uses, bound to a request of `person`."""
    cls = resolve(path).func.cls  # type: ignore[attr-defined]
    request = APIRequestFactory().post(path)
    request.user = person
    view = cls(request=request, action="create", format_kwarg=None, kwargs={})
    return view.get_serializer() if hasattr(view, "get_serializer") else None


def _newest(model: type[Model]) -> Any:
    return model._default_manager.order_by("-pk").values_list("pk", flat=True).first()


def value_for(field: f.Field) -> Any:  # type: ignore[type-arg]
    """A plausible value of a required field: the newest record for a reference."""
    if isinstance(field, relations.ManyRelatedField):
        return [value_for(field.child_relation)]
    if isinstance(field, relations.RelatedField):
        model = getattr(field, "model", None) or field.get_queryset().model
        return _newest(model)
    if isinstance(field, f.ChoiceField):
        return next(iter(field.choices))
    simple: dict[type, Any] = {
        f.BooleanField: False,
        f.DateTimeField: "2026-06-01T09:00:00+08:00",
        f.DateField: datetime.date(2026, 6, 1).isoformat(),
        f.DecimalField: "1.00",
        f.IntegerField: max(1, getattr(field, "min_value", None) or 1),
        f.EmailField: "zhang.wei@example.com",
        f.ListField: [],
        f.JSONField: {},
    }
    for kind, value in simple.items():
        if isinstance(field, kind):
            return value
    return "最小内容"


def minimal_body(path: str, person: Person) -> dict[str, Any] | None:
    serializer = create_serializer(path, person)
    if serializer is None:
        return None  # a plain view (the token exchange): not a create
    fields = serializer.fields.values()
    if any(isinstance(field, f.FileField) for field in fields):
        return None  # uploads have their own suite (test_uploads.py)
    return {
        name: value_for(field)
        for name, field in serializer.fields.items()
        if field.required and not field.read_only
    }


def test_the_generator_finds_the_create_endpoints() -> None:
    posts = collection_posts()
    assert {"/api/v1/relationships/", "/api/v1/customers/", "/api/v1/plans/"} <= set(posts)


def test_every_create_endpoint_takes_its_minimal_body(
    people: dict[str, Person], planted: Planted
) -> None:
    client = APIClient()
    client.force_authenticate(people[WHO])
    answers: dict[str, int] = {}
    for path in collection_posts():
        body = minimal_body(path, people[WHO])
        if body is not None:
            answers[path] = client.post(path, body, format="json").status_code
    assert len(answers) > 10
    assert [f"{path}: {code}" for path, code in answers.items() if code >= 500] == []
    assert sum(code == 201 for code in answers.values()) >= len(answers) // 2, answers


def test_a_relationship_without_a_state_starts_as_none_yet(
    api_as, people: dict[str, Person], planted: Planted
) -> None:  # type: ignore[no-untyped-def]
    Relationship.objects.filter(pk=planted.relationship.pk).delete()
    answer = api_as(WHO).post(
        "/api/v1/relationships/",
        {"contact": planted.contact.pk, "buying_role": "user", "holders": []},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert Relationship.objects.get(contact=planted.contact).state == "none"


def deep(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


@pytest.mark.parametrize("levels", [40, 100_000])
def test_every_write_endpoint_refuses_a_body_nested_too_deeply(
    levels: int, people: dict[str, Person], planted: Planted
) -> None:
    client = APIClient()
    client.force_authenticate(people[WHO])
    counts = {model: model.objects.count() for model in (Relationship, Person, Unit)}
    wrong = []
    for path, method in write_paths(("post", "put", "patch")):
        target = path.replace("{id}", str(planted.customer.pk))
        answer = getattr(client, method)(
            target, deep(levels), content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
        if answer.status_code >= 500:
            wrong.append(f"{method} {target}: {answer.status_code}")
        elif answer.status_code == 400 and "嵌套" not in answer.json().get("detail", "嵌套"):
            wrong.append(f"{method} {target}: {answer.json()}")
    assert wrong == []
    assert counts == {model: model.objects.count() for model in counts}


def test_the_nesting_refusal_names_the_limit(api_as) -> None:  # type: ignore[no-untyped-def]
    answer = api_as(WHO).post(
        "/api/v1/customers/",
        deep(100_000),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "detail": "The request body nests deeper than 32 levels; send a flatter body."
    }
