"""Dates that make sense: nothing is carried out, or written off, before the day it takes place.

"Today" is the installation's local date (Asia/Shanghai), so the clock is set in UTC and the
rule is judged in Beijing time.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from guanxi.activities import services
from guanxi.activities.models import Activity, ActivityStatus
from guanxi.approvals import services as approvals
from guanxi.approvals.models import Approval
from guanxi.plans import services as plan_services
from tests.plans.conftest import DAY

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
BEFORE = datetime.datetime(2026, 3, 5, 3, 0, tzinfo=UTC)  # 5 March, Beijing 11:00
AFTER = datetime.datetime(2026, 3, 20, 3, 0, tzinfo=UTC)


def _accepted(make_plan, people):  # type: ignore[no-untyped-def]
    plan = make_plan()
    plan = plan_services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    return plan_services.plan_accept(actor=people["hq.manager"], plan=plan, version=plan.version)


def _data(day: datetime.date = DAY, cost: str = "8000") -> services.ActivityData:
    return services.ActivityData(
        name="渤海作业区客户答谢会", date=day, place="天津", cost=Decimal(cost), result="满意"
    )


def _messages(error: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(error.value.messages)


def test_a_planned_activity_cannot_be_recorded_before_its_day(make_plan, people) -> None:
    with time_machine.travel(BEFORE, tick=False):
        item = _accepted(make_plan, people).items.first()
        with pytest.raises(ValidationError) as refused, translation.override("zh-hans"):
            services.activity_record(actor=people["div1.staff"], data=_data(), plan_item=item)
    assert "date" in refused.value.message_dict
    assert "2026-03-10" in _messages(refused)
    assert "之前" in _messages(refused)  # said in the user's language
    assert not Activity.objects.exists()
    assert not Approval.objects.exists()  # the cost request went with the refused record


def test_the_day_itself_is_judged_in_the_installations_time_zone(make_plan, people) -> None:
    with time_machine.travel(BEFORE, tick=False):
        item = _accepted(make_plan, people).items.first()
    # 9 March 16:30 UTC is already 10 March, 00:30, in Beijing
    with time_machine.travel(datetime.datetime(2026, 3, 9, 16, 30, tzinfo=UTC), tick=False):
        activity = services.activity_record(
            actor=people["div1.staff"], data=_data(), plan_item=item
        )
    assert activity.status == ActivityStatus.CARRIED_OUT


def test_one_minute_earlier_in_beijing_is_still_the_day_before(make_plan, people) -> None:
    with time_machine.travel(BEFORE, tick=False):
        item = _accepted(make_plan, people).items.first()
    with (
        time_machine.travel(datetime.datetime(2026, 3, 9, 15, 59, tzinfo=UTC), tick=False),
        pytest.raises(ValidationError),
    ):
        services.activity_record(actor=people["div1.staff"], data=_data(), plan_item=item)


def test_an_unplanned_activity_is_requested_ahead_and_carried_out_from_its_day(
    people, units
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        activity = services.activity_record(
            actor=people["div1.staff"], data=_data(), unit=units["DIV1"], kind="care"
        )
        approval = approvals.subject_status(subject=activity)["unplanned_care"]
        approvals.approval_decide(actor=people["hq.manager"], approval=approval, approve=True)
        with pytest.raises(ValidationError, match="2026-03-10"):
            services.activity_carry_out(
                actor=people["div1.staff"],
                activity=activity,
                version=activity.version,
                data=_data(),
            )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.REQUESTED
    with time_machine.travel(AFTER, tick=False):
        done = services.activity_carry_out(
            actor=people["div1.staff"], activity=activity, version=activity.version, data=_data()
        )
    assert done.status == ActivityStatus.CARRIED_OUT


def test_an_unplanned_visit_without_approval_is_not_recorded_ahead(people, units) -> None:
    with time_machine.travel(BEFORE, tick=False), pytest.raises(ValidationError):
        services.activity_record(
            actor=people["div1.staff"], data=_data(cost="0"), unit=units["DIV1"], kind="visit"
        )
    assert not Activity.objects.exists()


def test_a_carried_out_activity_cannot_be_moved_past_today(make_plan, people) -> None:
    with time_machine.travel(AFTER, tick=False):
        item = _accepted(make_plan, people).items.first()
        activity = services.activity_record(
            actor=people["div1.staff"], data=_data(), plan_item=item
        )
        with pytest.raises(ValidationError, match="2026-03-25"):
            services.activity_update(
                actor=people["div1.staff"],
                activity=activity,
                version=activity.version,
                data=_data(datetime.date(2026, 3, 25)),
            )
    activity.refresh_from_db()
    assert (activity.date, activity.version) == (DAY, 1)


def test_an_activity_of_a_plan_item_falls_in_the_plans_period(make_plan, people) -> None:
    with time_machine.travel(datetime.datetime(2026, 4, 20, 3, 0, tzinfo=UTC), tick=False):
        item = _accepted(make_plan, people).items.first()
        with pytest.raises(ValidationError) as refused, translation.override("en"):
            services.activity_record(
                actor=people["div1.staff"], data=_data(datetime.date(2026, 4, 2)), plan_item=item
            )
    assert "2026-03" in refused.value.message_dict["date"][0]


def test_a_write_off_before_the_activitys_day_is_refused_and_says_why(make_plan, people) -> None:
    with time_machine.travel(AFTER, tick=False):
        item = _accepted(make_plan, people).items.first()
        activity = services.activity_record(
            actor=people["div1.staff"], data=_data(), plan_item=item
        )
    # a row dated ahead, as recorded before this rule or moved by hand in the database
    Activity.objects.filter(pk=activity.pk).update(date=datetime.date(2026, 4, 15))
    activity.refresh_from_db()
    with (
        time_machine.travel(AFTER, tick=False),
        translation.override("zh-hans"),
        pytest.raises(ValidationError) as refused,
    ):
        services.activity_write_off(
            actor=people["finance"], activity=activity, version=activity.version
        )
    assert "核销被拒绝" in _messages(refused)
    assert "2026-04-15" in _messages(refused)
    activity.refresh_from_db()
    assert (activity.status, activity.written_off_at) == (ActivityStatus.CARRIED_OUT, None)
    with time_machine.travel(datetime.datetime(2026, 4, 15, 3, 0, tzinfo=UTC), tick=False):
        done = services.activity_write_off(
            actor=people["finance"], activity=activity, version=activity.version
        )
    assert done.status == ActivityStatus.WRITTEN_OFF


def test_the_api_refuses_a_write_off_ahead_with_400_and_changes_nothing(
    api_as, make_plan, people
) -> None:
    with time_machine.travel(AFTER, tick=False):
        item = _accepted(make_plan, people).items.first()
        activity = services.activity_record(
            actor=people["div1.staff"], data=_data(), plan_item=item
        )
    Activity.objects.filter(pk=activity.pk).update(date=datetime.date(2026, 4, 15))
    with time_machine.travel(AFTER, tick=False):
        answer = api_as("finance").post(
            f"/api/v1/activities/{activity.pk}/write-off/",
            {"version": activity.version},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert answer.status_code == 400, answer.content
    assert answer.json() == {
        "detail": ["write-off refused: the activity takes place on 2026-04-15, after today."]
    }
    activity.refresh_from_db()
    assert (activity.status, activity.version, activity.written_off_by) == (
        ActivityStatus.CARRIED_OUT,
        1,
        None,
    )


def test_the_api_refuses_recording_ahead_with_400_and_creates_nothing(
    api_as, make_plan, people
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        item = _accepted(make_plan, people).items.first()
        answer = api_as("div1.staff").post(
            "/api/v1/activities/",
            {"plan_item": item.pk, "name": "客户答谢会", "date": "2026-03-10", "cost": "100.00"},
            format="json",
        )
    assert answer.status_code == 400, answer.content
    assert "2026-03-10" in answer.json()["date"][0]
    assert "之前不能登记为已实施" in answer.json()["date"][0]  # Chinese unless asked otherwise
    assert not Activity.objects.exists()
    assert not Approval.objects.exists()


def test_the_write_off_button_says_why_it_is_too_early(page_as, make_plan, people) -> None:
    with time_machine.travel(AFTER, tick=False):
        item = _accepted(make_plan, people).items.first()
        activity = services.activity_record(
            actor=people["div1.staff"], data=_data(), plan_item=item
        )
    Activity.objects.filter(pk=activity.pk).update(date=datetime.date(2026, 4, 15))
    with time_machine.travel(AFTER, tick=False):
        answer = page_as("finance").post(
            f"/activities/{activity.pk}/write-off/",
            {"version": activity.version},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert answer.status_code == 400
    assert "核销被拒绝：活动日期为 2026-04-15" in answer.content.decode()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CARRIED_OUT
