"""The approval list page's ids picked from one index walk per source (each unit, the
requester, each (unit, role) decided for): the same rows, order and pages as the plain query."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from guanxi import paging as pagination
from guanxi.approvals import selectors, services
from guanxi.approvals.models import Approval, Status
from guanxi.organisation.models import Person
from guanxi.paging import keyset_page

pytestmark = pytest.mark.django_db


def _walk(page_of: Any, size: int) -> list[list[int]]:
    pages, after = [], None
    while True:
        page = page_of(after, size)
        pages.append([row.pk for row in page.items])
        if page.next_after is None:
            return pages
        after = str(page.next_after)


@pytest.fixture
def requests(people, units, make_customer) -> list[Approval]:  # type: ignore[no-untyped-def]
    """Requests of DIV1, of its base, and of DIV2 (outside div1.manager's line), some of them
    decided; HQ's manager is away with div1.manager as delegate, who then decides for HQ."""
    today = timezone.localdate()
    services.delegation_create(
        actor=people["hq.manager"],
        delegate=people["div1.manager"],
        starts=today,
        ends=today + datetime.timedelta(days=7),
        note="出差，由事业部经理代批",
    )
    made = []
    where = [("div1.staff", "DIV1"), ("base11.staff", "BASE11"), ("div2.staff", "DIV2")]
    for n in range(14):
        username, unit = where[n % 3]
        approval = services.approval_request(
            actor=people[username],
            kind="activity_cost",
            subject=make_customer(unit),
            requesting_unit=units[unit],
            title=f"第{n}次海上平台客户答谢会",
            amount=Decimal(31000 + n * 1000),
        )
        assert approval is not None
        if n % 4 == 0:
            services.approval_decide(
                actor=people["hq.manager"], approval=approval, approve=True, comment="同意"
            )
        made.append(approval)
    return made


@pytest.mark.parametrize("status", ["", Status.PENDING, Status.APPROVED])
@pytest.mark.parametrize("username", ["div1.manager", "div2.staff", "base11.staff"])
def test_pages_of_parts_equal_the_plain_pages(  # type: ignore[no-untyped-def]
    requests, people, monkeypatch, username: str, status: str
) -> None:
    actor: Person = people[username]
    calls: list[int] = []
    real = selectors.keyset_page_of_parts
    monkeypatch.setattr(
        selectors, "keyset_page_of_parts", lambda *a, **k: calls.append(1) or real(*a, **k)
    )

    def parts(after: str | None, size: int) -> pagination.KeysetPage[Approval]:
        return selectors.approval_page(actor=actor, status=status, after=after, size=size)

    def plain(after: str | None, size: int) -> pagination.KeysetPage[Approval]:
        rows = selectors.approval_list(actor=actor, status=status)
        return keyset_page(rows, after=after, size=size)

    for size in (1, 3, 50):
        assert _walk(parts, size) == _walk(plain, size)
    assert calls  # the pages of parts answered


def test_the_delegate_follows_requests_outside_their_line(requests, people) -> None:  # type: ignore[no-untyped-def]
    page = selectors.approval_page(actor=people["div1.manager"], after=None, size=50)
    div2 = [a.pk for a in requests if a.requesting_unit.code == "DIV2"]
    shown = [a.pk for a in page.items]

    assert div2  # DIV2's requests wait on HQ's manager, for whom div1.manager now decides
    assert set(div2) <= set(shown)
    assert shown == sorted((a.pk for a in requests), reverse=True)
