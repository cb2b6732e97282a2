"""Dates of key-customer visits and customer plans keep the order the regulations imply.

A visit is summarised after it ends (002 §7.1.4, §7.2.3); its itinerary lies inside it and its
follow-ups fall due after it. An action of the annual customer plan runs in the plan's year and
is under way only once it has started (003 附表7). "Today" is Beijing's date.
"""

from __future__ import annotations

import datetime
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.customers.models import InformationMeaning
from guanxi.keycustomers import customer_plans, visits
from guanxi.keycustomers.models import ActionPlanRow, ActionStatus, FollowUp, VisitStatus

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
DURING = datetime.datetime(2025, 3, 10, 6, 0, tzinfo=UTC)  # the visit runs 10-11 March 2025
LAST_DAY = datetime.datetime(2025, 3, 10, 16, 5, tzinfo=UTC)  # 11 March, 00:05 in Beijing


def _summarise(visit, people, **extra):  # type: ignore[no-untyped-def]
    return visits.visit_summarise(
        actor=people["div1.manager"],
        visit=visit,
        version=visit.version,
        summary="双方同意 4 月开展技术交流",
        **extra,
    )


def test_a_visit_is_not_summarised_before_it_ends(make_visit, people) -> None:
    visit = make_visit()
    with (
        time_machine.travel(DURING, tick=False),
        translation.override("zh-hans"),
        pytest.raises(ValidationError) as refused,
    ):
        _summarise(
            visit,
            people,
            topic="技术交流",
            information="客户关注降本增效",
            meaning="可借机推广测井业务",
        )
    assert "2025-03-11" in refused.value.message_dict["summary"][0]
    assert "总结" in refused.value.message_dict["summary"][0]
    visit.refresh_from_db()
    assert (visit.status, visit.summary, visit.version) == (VisitStatus.PLANNED, "", 1)
    assert not InformationMeaning.objects.filter(customer=visit.customer).exists()


def test_the_last_day_of_the_visit_counts_in_beijing_time(make_visit, people) -> None:
    visit = make_visit()
    with time_machine.travel(LAST_DAY, tick=False):
        done = _summarise(visit, people)
    assert done.status == VisitStatus.DONE


def test_an_itinerary_day_outside_the_visit_is_refused(make_visit) -> None:
    stop = visits.Stop(day=date(2025, 3, 12), activity="返程")
    with pytest.raises(ValidationError) as refused:
        make_visit(itinerary=[stop])
    assert "itinerary" in refused.value.message_dict


def test_moving_the_dates_away_from_the_itinerary_is_refused(make_visit, people) -> None:
    visit = make_visit()
    with pytest.raises(ValidationError, match="itinerary"):
        visits.visit_update(
            actor=people["div1.manager"],
            visit=visit,
            version=visit.version,
            starts_on=date(2025, 3, 11),
        )
    visit.refresh_from_db()
    assert visit.starts_on == date(2025, 3, 10)


def test_a_summarised_visit_cannot_be_moved_past_its_summary(make_visit, people) -> None:
    visit = make_visit()
    with time_machine.travel(datetime.datetime(2025, 3, 12, 3, 0, tzinfo=UTC), tick=False):
        visit = _summarise(visit, people)
    with pytest.raises(ValidationError) as refused:
        visits.visit_update(
            actor=people["div1.manager"],
            visit=visit,
            version=visit.version,
            ends_on=date(2025, 3, 20),
            itinerary=[],
        )
    assert "2025-03-12" in refused.value.message_dict["ends_on"][0]


def test_a_follow_up_cannot_fall_due_before_the_visit_ends(make_visit, people) -> None:
    visit = make_visit()
    early = visits.NewFollowUp(title="寄送报价", owner=people["div1.cm"], due_on=date(2025, 3, 9))
    with (
        time_machine.travel(datetime.datetime(2025, 3, 12, 3, 0, tzinfo=UTC), tick=False),
        pytest.raises(ValidationError) as refused,
    ):
        _summarise(visit, people, follow_ups=[early])
    assert "follow_ups" in refused.value.message_dict
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
    assert not FollowUp.objects.exists()


def _action(plan, people, **extra):  # type: ignore[no-untyped-def]
    data = {
        "action": "拜访采办部经理",
        "owner": people["div1.cm"],
        "starts_on": date(2025, 5, 1),
        "ends_on": date(2025, 5, 31),
    }
    data.update(extra)
    return customer_plans.plan_row_add(
        actor=people["div1.cm"], plan=plan, kind=ActionPlanRow, **data
    )


@pytest.mark.parametrize(
    ("starts", "ends"),
    [(date(2024, 12, 20), date(2025, 1, 10)), (date(2025, 12, 20), date(2026, 1, 10))],
)
def test_an_action_runs_within_the_plans_year(make_plan, people, starts, ends) -> None:
    plan = make_plan(year=2025)
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        _action(plan, people, starts_on=starts, ends_on=ends)
    assert "2025" in refused.value.message_dict["starts_on"][0]
    assert not ActionPlanRow.objects.exists()


def test_an_action_is_not_under_way_before_it_starts(make_plan, people) -> None:
    plan = make_plan(year=2025)
    with time_machine.travel(datetime.datetime(2025, 4, 20, 3, 0, tzinfo=UTC), tick=False):
        row = _action(plan, people)
        with pytest.raises(ValidationError) as refused:
            customer_plans.plan_row_update(
                actor=people["div1.cm"], row=row, version=row.version, status=ActionStatus.DONE
            )
    assert "2025-05-01" in refused.value.message_dict["status"][0]
    row.refresh_from_db()
    assert (row.status, row.version) == (ActionStatus.PLANNED, 1)
    with time_machine.travel(datetime.datetime(2025, 5, 2, 3, 0, tzinfo=UTC), tick=False):
        moved = customer_plans.plan_row_update(
            actor=people["div1.cm"], row=row, version=row.version, status=ActionStatus.IN_PROGRESS
        )
    assert moved.status == ActionStatus.IN_PROGRESS


def test_the_api_refuses_an_early_summary_with_400_and_keeps_the_visit(
    api_as, make_visit, people
) -> None:
    visit = make_visit()
    with time_machine.travel(DURING, tick=False):
        answer = api_as("div1.manager").post(
            f"/api/v1/visit-plans/{visit.pk}/summarise/",
            {"version": visit.version, "summary": "会谈顺利"},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert answer.status_code == 400, answer.content
    assert answer.json() == {
        "summary": ["The visit ends on 2025-03-11; it can be summarised from that day on."]
    }
    visit.refresh_from_db()
    assert (visit.status, visit.version) == (VisitStatus.PLANNED, 1)


def test_the_summary_page_says_why_it_is_too_early(page_as, make_visit) -> None:
    visit = make_visit()
    client = page_as("div1.manager")
    with time_machine.travel(DURING, tick=False):
        answer = client.post(
            f"/keycustomers/visits/{visit.pk}/summary/",
            {"version": visit.version, "summary": "会谈纪要"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert answer.status_code == 400
    assert "该拜访于 2025-03-11 结束，自当日起方可整理总结。" in answer.content.decode()
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED
