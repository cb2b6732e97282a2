"""API pages of a unit-scoped list picked from one index range per unit (merge_unit_pages):
the same rows, in the same order and pages, as DRF's own cursor pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from guanxi import paging as pagination  # where the API's merged pages find their ids
from guanxi.activities import services
from guanxi.api.plans.views import ActivityViewSet
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


@pytest.fixture
def archive_rows(people, make_customer):  # type: ignore[no-untyped-def]
    """Key persons and their relationships in DIV1, its base and DIV2, interleaved by id."""
    from guanxi.customers import archive

    actor = people["hq.manager"]
    customers = {unit: make_customer(unit) for unit in ("DIV1", "BASE11", "DIV2")}
    names = ["王志刚", "李海燕", "张建国", "刘晓东", "陈静", "杨帆", "赵磊"]
    for n in range(21):
        customer = customers[("DIV1", "BASE11", "DIV2")[n % 3]]
        contact = archive.contact_create(
            actor=actor, customer=customer, name=names[n % 7], position="总经理", is_key=True
        )
        archive.relationship_set(
            actor=actor,
            contact=contact,
            buying_role="decision_maker",
            state="positive",
            holders=[people["div1.staff"]],
        )
    return customers


def _walk_api(client: Any, url: str, size: int) -> list[list[int]]:
    pages, url = [], f"{url}{'&' if '?' in url else '?'}page_size={size}"
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    return pages


@pytest.mark.parametrize("window_pages", [20, 0])
@pytest.mark.parametrize("path", ["/api/v1/contacts/", "/api/v1/relationships/"])
def test_lists_scoped_through_a_join_page_like_drf(  # type: ignore[no-untyped-def]
    api_as, archive_rows, monkeypatch, path: str, window_pages: int
) -> None:
    """The window of the table's newest rows answers when it holds the page, the plain query
    when it does not (no window at all: 0); the pages are DRF's own either way."""
    from guanxi.api.archive.views import ArchiveViewSet, RelationshipViewSet

    monkeypatch.setattr(pagination, "WINDOW_PAGES", window_pages)
    calls: list[object] = []
    real = pagination.newest_ids_in_window
    monkeypatch.setattr(
        pagination,
        "newest_ids_in_window",
        lambda *a, **k: calls.append(result := real(*a, **k)) or result,
    )
    client = api_as("div1.manager")
    customer = archive_rows["BASE11"].pk
    urls = [path] + ([f"{path}?customer={customer}"] if path.endswith("contacts/") else [])
    merged = {(url, size): _walk_api(client, url, size) for url in urls for size in (1, 4, 50)}
    answered = [ids for ids in calls if ids is not None]
    assert bool(answered) == (window_pages > 0)
    monkeypatch.setattr(ArchiveViewSet, "merge_unit_pages", False)
    monkeypatch.setattr(RelationshipViewSet, "merge_unit_pages", False)
    calls.clear()
    for (url, size), pages in merged.items():
        assert pages == _walk_api(client, url, size)
    assert not calls
    assert sum(len(page) for page in merged[(path, 4)]) == 14  # DIV1 and BASE11, not DIV2


def test_a_window_without_enough_rows_of_the_scope_says_so(archive_rows, units) -> None:  # type: ignore[no-untyped-def]
    from guanxi.customers.models import Contact
    from guanxi.paging import newest_ids_in_window

    div1 = {units["DIV1"].pk, units["BASE11"].pk}
    every = list(Contact.objects.order_by("-pk").values_list("pk", "customer__owning_unit_id"))
    expected = [pk for pk, unit_id in every if unit_id in div1]

    def ids(limit: int) -> list[int] | None:
        scoped = Contact.objects.filter(customer__owning_unit_id__in=div1)
        return newest_ids_in_window(
            scoped, unit_field="customer__owning_unit", unit_ids=div1, before=None, limit=limit
        )

    assert ids(5) == expected[:5]  # the window is 20 × 50 rows: the whole table here
    assert ids(100) == expected  # fewer rows than the window: the answer is complete
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("guanxi.paging.WINDOW_PAGES", 1)
        patch.setattr("guanxi.paging.WINDOW_MIN_PAGE", 1)
        # a window of the newest 6 contacts holds 4 of DIV1's line: enough for 4, not for 6
        in_window = sum(unit_id in div1 for _pk, unit_id in every[:6])
        assert in_window == 4
        assert ids(4) is None  # the newest 4 hold only 2 of the line
        assert ids(6) is None
        patch.setattr("guanxi.paging.WINDOW_PAGES", 2)
        assert ids(3) == expected[:3]  # a window of 6 holds them
