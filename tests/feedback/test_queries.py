"""The form lists answer in the same number of queries whatever the number of forms."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

LISTS = {
    "visit": ("/visit-records/", "/api/v1/visit-records/"),
    "care": ("/care-records/", "/api/v1/care-records/"),
    "seminar": ("/seminar-feedback/", "/api/v1/seminar-feedback/"),
}


def _queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(path)
    assert answer.status_code == 200, answer.content[:300]
    return len(captured)


@pytest.mark.parametrize("kind", list(LISTS))
def test_a_form_list_costs_the_same_for_one_form_or_many(
    kind, make_record, page_as, api_as
) -> None:  # type: ignore[no-untyped-def]
    page, api = LISTS[kind]
    make_record(kind)
    pages, apis = page_as("hq.manager"), api_as("hq.manager")
    _queries(pages, page), _queries(apis, api)  # warm: sessions, policy caches
    one = (_queries(pages, page), _queries(apis, api))
    for _ in range(5):
        make_record(kind, unit="DIV2", by="div2.staff")
    many = (_queries(pages, page), _queries(apis, api))
    assert len(apis.get(api).json()["results"]) == 6
    assert many == one
