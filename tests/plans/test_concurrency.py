"""Two people acting at once produce exactly one transition (PostgreSQL, real row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from guanxi.approvals import services as approvals
from guanxi.approvals.models import Approval, Status, Step
from guanxi.approvals.services import Refused
from guanxi.plans import services
from guanxi.plans.models import Plan, PlanStatus, Snapshot
from guanxi.versioning import StaleVersion

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs in the PostgreSQL pass: in-memory SQLite has one writer by design",
)
THREADS = 4


def race(work: Callable[[], object]) -> tuple[int, list[BaseException]]:
    start = threading.Barrier(THREADS)
    done: list[object] = []
    refused: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            done.append(work())
        except (StaleVersion, Refused) as error:
            refused.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(done), refused


def test_concurrent_submits_submit_once(append_only_flushable, make_plan, people) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    version = plan.version
    ok, refused = race(
        lambda: services.plan_submit(actor=people["div1.staff"], plan=plan, version=version)
    )
    assert (ok, len(refused)) == (1, THREADS - 1)
    assert Snapshot.objects.filter(plan=plan).count() == 1
    assert Plan.objects.get(pk=plan.pk).revision == 1


def test_concurrent_accepts_accept_once(append_only_flushable, make_plan, people) -> None:  # type: ignore[no-untyped-def]
    plan = make_plan()
    plan = services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    version = plan.version
    ok, _refused = race(
        lambda: services.plan_accept(actor=people["hq.manager"], plan=plan, version=version)
    )
    assert ok == 1
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.ACCEPTED


def test_concurrent_approvals_decide_once(
    append_only_flushable, people, units, make_customer
) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    approval = approvals.approval_request(
        actor=people["div1.staff"],
        kind="activity_cost",
        subject=make_customer("DIV1"),
        requesting_unit=units["DIV1"],
        title="并发审批",
        amount=Decimal("50000"),
    )
    assert approval is not None
    ok, refused = race(
        lambda: approvals.approval_decide(
            actor=people["hq.manager"], approval=approval, approve=True
        )
    )
    assert (ok, len(refused)) == (1, THREADS - 1)
    assert Approval.objects.get(pk=approval.pk).status == Status.APPROVED
    assert Step.objects.filter(approval=approval, decision="approved").count() == 1
