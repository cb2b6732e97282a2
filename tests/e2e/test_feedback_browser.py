"""Browser: div1.staff records a service visit with all six ratings on the 服务回访记录表, the
visited person signs on the tablet pad, the visitor signs; div1.manager signs as marketing
manager; the printed PDF shows the same values in the paper form's rows."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from guanxi.activities import services as activities
from guanxi.feedback.models import Signature, VisitRecord
from tests.e2e.test_browser import browser_page, pytestmark  # noqa: F401 - fixture and marks
from tests.e2e.test_plans_browser import sign_in

RATINGS = {
    "quality": "good",
    "attitude": "good",
    "responsiveness": "fair",
    "technical": "good",
    "management": "fair",
    "staff": "poor",
}


@pytest.mark.django_db(transaction=True)
def test_a_service_visit_is_recorded_signed_and_printed(  # type: ignore[no-untyped-def]
    browser_page,  # noqa: F811 - the imported fixture
    live_server,
    people,
    make_customer,
) -> None:
    customer = make_customer("DIV1", name="中海石油（中国）有限公司天津分公司")
    activity = activities.activity_record(
        actor=people["div1.staff"],
        unit=people["div1.staff"].memberships.get().unit,
        kind="visit",
        data=activities.ActivityData(
            name="渤中19-6完井作业后回访",
            date=timezone.localdate() - datetime.timedelta(days=2),
            place="天津塘沽",
            customer=customer,
            our_people=[people["div1.staff"]],
        ),
    )
    page, url = browser_page, live_server.url

    sign_in(page, url, "div1.staff")
    page.goto(f"{url}/activities/{activity.pk}/")
    page.get_by_test_id("fill-form").click()
    page.fill("#id_visited_name", "周建华")
    page.fill("#id_visited_position", "钻完井部经理")
    page.check("input[name=satisfaction][value=good]")
    for dimension, rating in RATINGS.items():
        page.select_option(f"#id_rating_{dimension}", rating)
    page.fill("#id_requests", "希望缩短设备动员时间")
    page.click("button[type=submit].btn-primary")
    page.wait_for_selector("[data-testid=form-sheet]")
    record = VisitRecord.objects.get(activity=activity)
    assert record.ratings == RATINGS

    page.get_by_test_id("sign-customer").click()
    pad = page.locator("canvas[data-signature-pad]").bounding_box()
    assert pad is not None
    page.mouse.move(pad["x"] + 20, pad["y"] + 40)
    page.mouse.down()
    page.mouse.move(pad["x"] + 120, pad["y"] + 90, steps=8)
    page.mouse.move(pad["x"] + 200, pad["y"] + 50, steps=8)
    page.mouse.up()
    page.get_by_test_id("confirm-sign").click()
    page.wait_for_selector("[data-testid=signed-customer]")
    page.get_by_test_id("sign-visitor").click()
    page.fill("#opinion", "客户总体满意，人员素质需加强培训")
    page.get_by_test_id("confirm-sign").click()
    page.wait_for_selector("[data-testid=signed-visitor]")

    sign_in(page, url, "div1.manager")
    page.goto(f"{url}/visit-records/{record.pk}/")
    page.get_by_test_id("sign-manager").click()
    page.fill("#opinion", "同意，转人力资源部安排培训")
    page.get_by_test_id("confirm-sign").click()
    page.wait_for_selector("[data-testid=signed-manager]")
    assert Signature.objects.filter(record=record, voided_at__isnull=True).count() == 3
    assert Signature.objects.get(record=record, role="customer").image.name.endswith(".png")

    with page.expect_download() as download:
        page.get_by_test_id("form-pdf").click()
    with open(download.value.path(), "rb") as file:
        text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(file.read())).pages)
    for expected in (
        "服务回访记录表",
        "客户满意程度",
        "■优",
        "工作质量与进度：优",
        "反应速度：中",
        "人员素质：差",
        "周建华",
        "希望缩短设备动员时间",
        "客户总体满意，人员素质需加强培训",
        "同意，转人力资源部安排培训",
        customer.name,
    ):
        assert expected in text, expected
