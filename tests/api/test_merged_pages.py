"""API pages of a unit-scoped list picked from one index range per unit (merge_unit_pages):
the same rows, in the same order and pages, as DRF's own cursor pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from guanxi.activities import services
from guanxi.api import pagination
from guanxi.api.plans_views import ActivityViewSet
from tests.plans.conftest import DAY

pytestmark = pytest.mark.django_db


def _walk(client: Any, size: int) -> list[list[int]]:
    pages, url = [], f"/api/v1/activities/?page_size={size}"
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    return pages


def test_merged_api_pages_equal_drfs_own(api_as, people, units, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    where = [("div1.staff", "DIV1"), ("base11.staff", "BASE11"), ("div2.staff", "DIV2")]
    for n in range(17):
        username, unit = where[n % 3]
        services.activity_record(
            actor=people[username],
            data=services.ActivityData(
                name=f"第{n}次客户走访",
                date=DAY,
                place="天津",
                cost=Decimal(n * 100),
                result="客户对作业质量满意",
            ),
            unit=units[unit],
            kind="visit",
        )
    calls: list[int] = []
    real = pagination.newest_ids_in_units
    monkeypatch.setattr(
        pagination,
        "newest_ids_in_units",
        lambda *a, **k: calls.append(1) or real(*a, **k),
    )
    client = api_as("div1.manager")
    merged = {size: _walk(client, size) for size in (1, 4, 50)}
    assert calls  # the merged path answered
    monkeypatch.setattr(ActivityViewSet, "merge_unit_pages", False)
    calls.clear()
    for size, pages in merged.items():
        assert pages == _walk(client, size)
    assert not calls
    seen = [pk for page in merged[4] for pk in page]
    assert len(seen) == 12  # DIV1's six and BASE11's six; DIV2's five are outside the line
    assert seen == sorted(seen, reverse=True)


def test_a_filter_nothing_matches_gives_an_empty_merged_page(api_as) -> None:  # type: ignore[no-untyped-def]
    """An unknown unit makes every per-unit part empty before any SQL runs: an empty page."""
    answer = api_as("div1.manager").get("/api/v1/customers/?unit=987654&ordering=newest")
    assert answer.status_code == 200, answer.content
    assert answer.json()["results"] == []
