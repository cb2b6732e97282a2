"""A rule the database keeps is explained in the person's words, never by its constraint name
(issue 12 item 5), and a refusal names policy things by their labels, not their keys."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.plans.services import plan_open
from tests.web.visible_text import project_models


@pytest.mark.parametrize(
    "constraint",
    [c for m in project_models() for c in m._meta.constraints],
    ids=lambda c: c.name,
)
def test_every_constraint_has_its_own_message_in_both_languages(constraint) -> None:  # type: ignore[no-untyped-def]
    message = constraint.violation_error_message
    assert message != constraint.default_violation_error_message, "give it a message"
    with translation.override("en"):
        english = str(message)
    with translation.override("zh-hans"):
        chinese = str(message)
    assert constraint.name not in english
    assert chinese != english, f"translate {english!r}"


def test_an_operation_ending_before_it_starts_is_refused_in_chinese(  # type: ignore[no-untyped-def]
    page_as, make_customer, units
) -> None:
    customer = make_customer("DIV1")
    answer = page_as("hq.manager").post(
        f"/customers/{customer.pk}/operations/new/",
        {
            "name": "渤海钻井作业",
            "location": "渤海湾",
            "executing_unit": units["DIV1"].pk,
            "started_on": "2026-05-10",
            "ended_on": "2026-05-01",
            "version": 0,
        },
    )
    page = answer.content.decode()
    assert answer.status_code in {200, 400}
    assert "作业的结束日期不能早于开始日期" in page
    assert "operation_ends_after_start" not in page
    assert not customer.operations.exists()


@pytest.mark.parametrize(
    ("language", "expected", "unwanted"),
    [("zh-hans", "月度", ("month", "Seminar")), ("en", "monthly", ("研讨会",))],
)
def test_a_plan_period_the_policy_lacks_is_named_in_the_persons_language(  # type: ignore[no-untyped-def]
    people, units, language: str, expected: str, unwanted: tuple[str, ...]
) -> None:
    from guanxi.policy.loader import current

    kind, spec = next(
        (key, spec) for key, spec in current().plans.items() if "month" not in spec.periods
    )
    with translation.override(language), pytest.raises(ValidationError) as refused:
        plan_open(
            actor=people["hq.manager"],
            unit=units["HQ"],
            kind=kind,
            period="month",
            day=datetime.date(2026, 3, 1),
        )
    message = " ".join(refused.value.messages)
    assert expected in message
    assert spec.name(language) in message
    assert not any(word in message for word in unwanted)
