"""The monthly key-customer report (DEM-4, 002 §8.1.4): units submit by the 28th, HQ generates
the report from the submissions; it holds exactly the strategic customers' demands of the month."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.demands import monthly
from guanxi.demands.models import ReportStatus
from guanxi.demands.selectors import report_demands, report_list, report_rows
from guanxi.keycustomers import visits

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)
NOW = datetime.datetime(2026, 3, 20, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _march():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_report_holds_exactly_the_strategic_demands_of_the_month(
    make_customer, make_demand, people
) -> None:  # type: ignore[no-untyped-def]
    strategic = make_customer("DIV1", tier="strategic", name="中国海洋石油渤海分公司")
    other_line = make_customer("DIV2", tier="strategic", name="中石化胜利油田分公司")
    vip = make_customer("DIV1", tier="vip")
    wanted = [
        make_demand(strategic, raised_on=datetime.date(2026, 3, 2)),
        make_demand(strategic, raised_on=datetime.date(2026, 3, 19), title="总部支持"),
    ]
    make_demand(strategic, raised_on=datetime.date(2026, 2, 27))  # last month
    make_demand(vip, raised_on=datetime.date(2026, 3, 5))  # not strategic
    report = monthly.report_generate(actor=people["hq.manager"], month=MARCH)
    everything = report_demands(actor=people["hq.manager"], report=report)
    assert {d.pk for d in everything} == {d.pk for d in wanted}
    assert {r.customer_id for r in report_rows(actor=people["hq.manager"], report=report)} == {
        strategic.pk
    }
    assert other_line.pk not in {r.customer_id for r in report.rows.all()}


def test_a_units_submission_gives_the_progress_risks_and_visits(
    make_customer, make_demand, people, units
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", tier="strategic")
    demand = make_demand(customer, raised_on=datetime.date(2026, 3, 3))
    visits.visit_create(
        actor=people["div1.manager"],
        direction="outgoing",
        customer=customer,
        theme="季度拜访",
        starts_on=datetime.date(2026, 3, 10),
        ends_on=datetime.date(2026, 3, 10),
    )
    part = monthly.submission_open(actor=people["div1.cm"], unit=units["DIV1"], month=MARCH)
    monthly.entry_set(
        actor=people["div1.cm"],
        submission=part,
        version=part.version,
        customer=customer,
        progress="框架协议进入会签",
        risks="客户资金紧张，回款可能延迟",
    )
    part.refresh_from_db()
    done = monthly.submission_submit(actor=people["div1.cm"], submission=part, version=part.version)
    assert not done.late
    demand.refresh_from_db()
    assert demand.reported_at is not None
    report = monthly.report_generate(actor=people["hq.manager"], month=MARCH)
    row = report.rows.get()
    assert (row.visits, row.progress, row.risks) == (
        1,
        "框架协议进入会签",
        "客户资金紧张，回款可能延迟",
    )


def test_a_part_submitted_after_the_due_day_is_marked_late(people, units) -> None:  # type: ignore[no-untyped-def]
    part = monthly.submission_open(actor=people["div1.cm"], unit=units["DIV1"], month=MARCH)
    with time_machine.travel(datetime.datetime(2026, 3, 30, 2, 0, tzinfo=datetime.UTC)):
        done = monthly.submission_submit(actor=people["div1.cm"], submission=part, version=1)
    assert done.late


def test_a_month_that_has_not_begun_is_refused(people, units) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        monthly.report_generate(actor=people["hq.manager"], month=datetime.date(2026, 4, 1))
    with pytest.raises(ValidationError):
        monthly.submission_open(
            actor=people["div1.cm"], unit=units["DIV1"], month=datetime.date(2026, 4, 1)
        )


def test_only_hq_generates_and_publishes(people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        monthly.report_generate(actor=people["div1.manager"], month=MARCH)
    report = monthly.report_generate(actor=people["hq.manager"], month=MARCH)
    with pytest.raises(PermissionDenied):
        monthly.report_publish(actor=people["div1.manager"], report=report, version=1)


def test_a_unit_sees_the_published_report_with_its_part_only(
    make_customer, make_demand, people
) -> None:  # type: ignore[no-untyped-def]
    mine = make_customer("DIV1", tier="strategic")
    theirs = make_customer("DIV2", tier="strategic")
    make_demand(mine, raised_on=datetime.date(2026, 3, 4))
    from guanxi.demands import services

    services.demand_create(
        actor=people["hq.manager"],
        customer=theirs,
        category="dispute",
        severity="major",
        title="计量纠纷",
        description="计量数据存在争议",
        owner=people["div2.staff"],
        due_on=datetime.date(2026, 3, 31),
        raised_on=datetime.date(2026, 3, 6),
    )
    report = monthly.report_generate(actor=people["hq.manager"], month=MARCH)
    assert not report_list(actor=people["div1.staff"]).exists()  # not yet published
    monthly.report_publish(actor=people["hq.manager"], report=report, version=report.version)
    assert report_list(actor=people["div1.staff"]).get().status == ReportStatus.PUBLISHED
    assert {r.customer_id for r in report_rows(actor=people["div1.staff"], report=report)} == {
        mine.pk
    }
    assert {d.customer_id for d in report_demands(actor=people["div1.staff"], report=report)} == {
        mine.pk
    }
    with pytest.raises(ValidationError):
        monthly.report_generate(actor=people["hq.manager"], month=MARCH)
