"""Script stored in text fields is printed as text in every PDF the product makes: the HTML that
WeasyPrint lays out holds the payload escaped, never as markup (WeasyPrint runs no script, but
markup could still forge content, fetch URLs or hide the watermark)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from guanxi.documents import pdf
from guanxi.keycustomers import customer_plans, visits
from guanxi.keycustomers.models import RevenuePlanRow
from guanxi.organisation.models import Person, Unit
from guanxi.plans import services as plans
from guanxi.plans.models import period_start
from tests.security.test_xss import ESCAPED, PAYLOAD
from tests.security.world import Planted, plant

pytestmark = pytest.mark.django_db
SHORT = PAYLOAD[:200]
DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The HTML of every PDF rendered during the test; WeasyPrint still renders it for real."""
    seen: list[str] = []
    real = pdf.HTML

    def spy(*args: Any, string: str, **kwargs: Any) -> Any:
        seen.append(string)
        return real(*args, string=string, **kwargs)

    monkeypatch.setattr(pdf, "HTML", spy)
    return seen


@pytest.fixture
def poisoned(people: dict[str, Person], units: dict[str, Unit]) -> Planted:
    return plant(
        actor=people["hq.manager"], unit=units["DIV1"], marker="印刷", code_seed=43, text=PAYLOAD
    )


def _escaped_only(html: str) -> None:
    assert ESCAPED in html  # the payload was printed ...
    assert "<script" not in html.lower()  # ... and never as markup
    assert "<img src=x" not in html


def test_every_pdf_prints_stored_script_as_text(  # type: ignore[no-untyped-def]
    people, units, poisoned: Planted, page_as, laid_out: list[str]
) -> None:
    manager, boss = people["div1.manager"], people["hq.manager"]
    plan = plans.plan_open(actor=manager, unit=units["DIV1"], kind="care", period="month", day=DAY)
    plans.item_add(
        actor=manager,
        plan=plan,
        data=plans.ItemData(
            when=DAY,
            name=SHORT,
            place=SHORT,
            customer=poisoned.customer,
            gifts=SHORT,
            our_people=[manager],
            cost=Decimal("1000"),
        ),
    )
    plan.refresh_from_db()
    plan = plans.plan_submit(actor=manager, plan=plan, version=plan.version)
    plans.plan_accept(actor=boss, plan=plan, version=plan.version)
    customer_plan = customer_plans.customer_plan_create(
        actor=boss, customer=poisoned.customer, year=2026, summary=PAYLOAD, threats=PAYLOAD
    )
    customer_plans.plan_row_add(
        actor=boss,
        plan=customer_plan,
        kind=RevenuePlanRow,
        project=SHORT,
        contract_amount=Decimal("100"),
        win_rate=Decimal("0.5"),
        margin=Decimal("0.1"),
        note=SHORT,
    )
    visit = visits.visit_create(
        actor=boss,
        direction="outgoing",
        customer=poisoned.customer,
        theme=SHORT,
        purpose=PAYLOAD,
        duties=PAYLOAD,
        starts_on=DAY,
        ends_on=DAY,
        their_people=[poisoned.contact],
    )
    month = period_start("month", DAY).isoformat()
    documents = {
        "unit plan": f"/plans/{plan.pk}/print.pdf",
        "company plan": f"/plans/company/print.pdf?period=month&day={month}",
        "customer plan": f"/keycustomers/customer-plans/{customer_plan.pk}/print.pdf",
        "visit plan": f"/keycustomers/visits/{visit.pk}/print.pdf",
    }
    client = page_as("hq.manager")
    for name, url in documents.items():
        before = len(laid_out)
        answer = client.get(url)
        assert answer.status_code == 200, (name, answer.status_code)
        assert answer.content.startswith(b"%PDF"), name
        assert len(laid_out) == before + 1, name
        _escaped_only(laid_out[-1])
