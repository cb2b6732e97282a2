"""The forms over the API: lists and reads registered, changes of a copy refused (403) before
anything is registered, the sign action, and the printed PDF with the values entered."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from guanxi.access.models import AccessLogEntry
from guanxi.feedback.models import Signature
from tests.feedback.conftest import ALL_GOOD

pytestmark = pytest.mark.django_db


def _last() -> int:
    return AccessLogEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_staff_fill_in_a_visit_record_from_an_activity(api_as, make_activity) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity()
    answer = api_as("div1.staff").post(
        "/api/v1/visit-records/",
        {
            "activity": activity.pk,
            "satisfaction": "good",
            "ratings": ALL_GOOD,
            "requests": "希望缩短设备动员时间",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["customer"], body["place"], body["is_original"]) == (
        activity.customer_id,
        "天津塘沽",
        True,
    )
    assert body["ratings"] == ALL_GOOD


def test_a_rating_outside_the_scale_is_a_400_with_the_allowed_values(api_as, make_activity) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity()
    answer = api_as("div1.staff").post(
        "/api/v1/visit-records/", {"activity": activity.pk, "satisfaction": "great"}, format="json"
    )
    assert answer.status_code == 400
    assert "差 / 中 / 优" in answer.json()["satisfaction"][0]


def test_the_list_and_the_detail_register_their_reads(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    before = _last()
    rows = api_as("div1.manager").get("/api/v1/visit-records/").json()["results"]
    assert [r["id"] for r in rows] == [record.pk]
    entry = AccessLogEntry.objects.get(seq__gt=before)
    assert (entry.record_type, entry.returned_ids) == ("feedback.visitrecord", [str(record.pk)])
    before = _last()
    assert api_as("div1.manager").get(f"/api/v1/visit-records/{record.pk}/").status_code == 200
    assert AccessLogEntry.objects.get(seq__gt=before).record_id == str(record.pk)


def test_a_care_record_is_not_found_among_visit_records(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(kind="care")
    assert api_as("div1.staff").get(f"/api/v1/visit-records/{record.pk}/").status_code == 404
    assert api_as("div1.staff").get(f"/api/v1/care-records/{record.pk}/").status_code == 200


def test_the_unit_above_reads_a_copy_but_its_change_is_refused_unregistered(
    api_as, make_record
) -> None:  # type: ignore[no-untyped-def]
    record = make_record(by="base11.staff", unit="BASE11")
    manager = api_as("div1.manager")
    assert manager.get(f"/api/v1/visit-records/{record.pk}/").json()["is_original"] is False
    before = _last()
    answer = manager.patch(
        f"/api/v1/visit-records/{record.pk}/", {"requests": "改", "version": 1}, format="json"
    )
    assert answer.status_code == 403
    assert _last() == before


def test_sibling_and_other_lines_see_nothing(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(by="base11.staff", unit="BASE11")
    for username in ("div2.staff", "branch1.manager", "finance"):
        client = api_as(username)
        assert client.get(f"/api/v1/visit-records/{record.pk}/").status_code == 404
        listed = client.get("/api/v1/visit-records/")
        assert listed.status_code in (200, 403)
        if listed.status_code == 200:
            assert listed.json()["results"] == []


def test_hq_sees_every_line(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(by="base11.staff", unit="BASE11")
    assert api_as("hq.manager").get(f"/api/v1/visit-records/{record.pk}/").status_code == 200


def test_a_patch_with_a_stale_version_is_a_409(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    answer = api_as("div1.staff").patch(
        f"/api/v1/visit-records/{record.pk}/", {"requests": "补充", "version": 9}, format="json"
    )
    assert answer.status_code == 409


def test_the_chain_is_signed_through_the_api_and_a_change_voids_it(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    staff, manager = api_as("div1.staff"), api_as("div1.manager")
    path = f"/api/v1/visit-records/{record.pk}/"
    signed = staff.post(
        path + "sign/", {"version": 1, "role": "visitor", "opinion": "满意"}, format="json"
    )
    assert signed.status_code == 200, signed.content
    early = manager.post(path + "sign/", {"version": 2, "role": "manager"}, format="json")
    assert early.status_code == 200
    body = early.json()
    assert [s["role"] for s in body["signatures"]] == ["visitor", "manager"]

    changed = staff.patch(path, {"requests": "补充培训", "version": body["version"]}, format="json")
    assert changed.status_code == 200
    assert all(s["voided_at"] for s in changed.json()["signatures"])
    assert Signature.objects.filter(record=record).count() == 2


@pytest.mark.parametrize(
    ("username", "body", "status"),
    [
        ("div1.manager", {"role": "manager"}, 400),  # before the visitor
        ("div1.staff", {"role": "visitor", "signer": 999999}, 403),  # for someone else
        ("div1.cm", {"role": "visitor"}, 403),  # not the visitor
        ("div1.staff", {"role": "visitor", "version": 5}, 409),
    ],
)
def test_refused_signatures_change_and_register_nothing(  # type: ignore[no-untyped-def]
    api_as, make_record, username, body, status
) -> None:
    record = make_record()
    before = _last()
    answer = api_as(username).post(
        f"/api/v1/visit-records/{record.pk}/sign/", {"version": 1, **body}, format="json"
    )
    assert answer.status_code == status
    assert (_last(), Signature.objects.count()) == (before, 0)


def test_the_pdf_shows_the_labels_and_the_values_and_is_registered(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(requests="希望缩短设备动员时间")
    staff = api_as("div1.staff")
    staff.post(
        f"/api/v1/visit-records/{record.pk}/sign/",
        {"version": 1, "role": "visitor", "opinion": "客户总体满意"},
        format="json",
    )
    before = _last()
    answer = staff.get(f"/api/v1/visit-records/{record.pk}/pdf/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(answer.streaming_content) if answer.streaming else answer.content)
    for label in (
        "服务回访记录表",
        "回访时间",
        "客户单位名称",
        "访问对象",
        "项目内容概述",
        "客户满意程度",
        "工作质量与进度",
        "人员素质",
        "客户要求、建议",
        "访问人意见",
        "市场营销部经理意见",
    ):
        assert label in text, label
    for value in (
        "王志刚",
        "总工程师",
        "希望缩短设备动员时间",
        "客户总体满意",
        "■优",
        record.customer.name,
    ):
        assert value in text, value
    entry = AccessLogEntry.objects.get(seq__gt=before)
    assert (entry.channel, entry.record_id) == ("document", str(record.pk))


def test_a_pdf_of_a_form_out_of_sight_is_404_and_unregistered(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    before = _last()
    assert api_as("div2.staff").get(f"/api/v1/visit-records/{record.pk}/pdf/").status_code == 404
    assert _last() == before


def test_seminar_feedback_prints_its_five_opinion_rows(api_as, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(kind="seminar")
    text = pdf_text(api_as("div1.staff").get(f"/api/v1/seminar-feedback/{record.pk}/pdf/").content)
    for label in (
        "研讨会意见反馈表",
        "主办人",
        "主要内容",
        "参加客户个数",
        "意见一",
        "意见五",
        "记录人签字",
        "研讨会负责人意见",
    ):
        assert label in text, label
    assert "希望增加现场演示" in text
    assert "渤海石油研究院" in text


def test_the_list_narrowed_to_a_division_shows_its_bases_forms_too(  # type: ignore[no-untyped-def]
    page_as, units, make_record
) -> None:
    """The unit filter is a choice among the reader's units and takes the units below it."""
    base = make_record(unit="BASE11", by="base11.staff")
    division = make_record(unit="DIV1", by="div1.staff")
    other = make_record(unit="DIV2", by="div2.staff")
    answer = page_as("hq.manager").get("/visit-records/", {"unit": units["DIV1"].pk})
    assert answer.status_code == 200
    shown = {int(pk) for pk in re.findall(r'href="/visit-records/(\d+)/"', answer.content.decode())}
    assert shown == {base.pk, division.pk}
    assert other.pk not in shown
    assert f'<option value="{units["DIV1"].pk}" selected>' in answer.content.decode()
