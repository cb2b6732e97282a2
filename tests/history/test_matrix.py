"""Who sees a division-1 customer's history, page and API alike (customer.view down the line)."""

from __future__ import annotations

import pytest

SEES = {"hq.manager", "hq.staff", "hq.info", "exec", "div1.manager", "div1.staff", "div1.cm"}
PERSONAS = sorted(
    SEES | {"base11.staff", "div2.staff", "branch1.manager", "branch1.staff", "finance", "auditor"}
)


@pytest.mark.parametrize("username", PERSONAS)
def test_history_follows_the_organisation_line(page_as, api_as, make_customer, username) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(unit="DIV1")

    page = page_as(username).get(f"/history/customer/{customer.pk}/")
    api = api_as(username).get("/api/v1/history/", {"customer": customer.pk})

    assert page.status_code == (200 if username in SEES else 404)
    assert api.status_code == 200
    assert len(api.json()["results"]) == (1 if username in SEES else 0)
