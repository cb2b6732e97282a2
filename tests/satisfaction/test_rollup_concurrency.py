"""Forms saved at once in the same rollup groups: every save counts once (PostgreSQL, real
row locks and a real unique index between the upserts)."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from guanxi.feedback import services
from guanxi.feedback.models import FormRecord
from guanxi.policy.loader import current as current_policy
from guanxi.satisfaction.models import MonthlyRating
from tests.satisfaction.test_rollup import _counted, _rollup

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs in the PostgreSQL pass: in-memory SQLite has one writer by design",
)
THREADS = 4
DAY = datetime.date(2025, 3, 12)


def race(works: list[Callable[[], object]]) -> list[BaseException]:
    start = threading.Barrier(len(works))
    failed: list[BaseException] = []

    def run(work: Callable[[], object]) -> None:
        try:
            start.wait()
            work()
        except BaseException as error:  # reported by the test below
            failed.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failed


def test_forms_saved_at_once_in_new_groups_each_count_once(
    append_only_flushable, people, make_activity
) -> None:  # type: ignore[no-untyped-def]
    keys = [d.key for d in current_policy().feedback.dimensions]
    activities = [make_activity(kind="visit") for _ in range(THREADS)]

    def create(activity):  # type: ignore[no-untyped-def]
        def work() -> FormRecord:
            data = services.prefill(activity)
            data.date, data.visited_name = DAY, "李建国"
            data.satisfaction, data.ratings = "good", dict.fromkeys(keys, "fair")
            return services.record_create(
                actor=people["div1.staff"], kind="visit", activity=activity, data=data
            )

        return work

    assert race([create(a) for a in activities]) == []
    overall = MonthlyRating.objects.get(month=202503, kind="visit", dimension="", rating="good")
    assert overall.count == THREADS
    assert _rollup() == _counted()

    # then the same forms corrected at once: every group moves from 中 to 优 in full
    def correct(record: FormRecord) -> Callable[[], FormRecord]:
        def work() -> FormRecord:
            data = services.prefill(record.activity)
            data.date, data.visited_name = DAY, "李建国"
            data.satisfaction, data.ratings = "poor", dict.fromkeys(keys, "good")
            return services.record_update(
                actor=people["div1.staff"], record=record, version=record.version, data=data
            )

        return work

    forms = list(FormRecord.objects.filter(activity__in=activities))
    assert race([correct(f) for f in forms]) == []
    assert _rollup() == _counted()
    assert _rollup()[(forms[0].unit_id, 202503, "visit", "", "poor")] == THREADS
    assert not MonthlyRating.objects.filter(rating="fair", count__gt=0).exists()
