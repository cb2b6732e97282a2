"""Personal-data requests (PRV-1) from the pages: recorded from the contact's page, carried
out by a person with `personal_data.handle`; "see" hands out a registered, watermarked copy,
"delete" erases the personal fields here and in the change history."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from guanxi.access.models import AccessLogEntry
from guanxi.customers import archive
from guanxi.customers.models import Contact, PersonalDataRequest, RelationshipEvent
from guanxi.history.models import Change
from guanxi.history.services import ERASED


def english(client):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def record(people, contact, kind: str, by: str = "div1.staff") -> PersonalDataRequest:  # type: ignore[no-untyped-def]
    return archive.personal_request_record(
        actor=people[by],
        contact=contact,
        kind=kind,
        requested_by=contact.name,
        verification="核对身份证原件",
        details="本人来访提出",
    )


def test_staff_record_a_request_from_the_contact_page(
    page_as, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"), name="高建军")
    client = page_as("div1.staff")
    assert (
        f"/contacts/{contact.pk}/requests/new/"
        in client.get(f"/contacts/{contact.pk}/").content.decode()
    )
    answer = client.post(
        f"/contacts/{contact.pk}/requests/new/",
        {
            "kind": "delete",
            "requested_by": "高建军本人",
            "received_at": "2025-05-06T09:30",
            "verification": "电话回拨至登记手机号核实",
            "details": "书面申请删除全部个人信息",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:1500]
    made = PersonalDataRequest.objects.get()
    assert answer["Location"] == f"/personal-data-requests/{made.pk}/"
    assert (made.kind, made.requested_by, made.verification, made.recorded_by.username) == (
        "delete",
        "高建军本人",
        "电话回拨至登记手机号核实",
        "div1.staff",
    )
    assert made.received_at.date().isoformat() == "2025-05-06"


def test_bad_input_writes_nothing(page_as, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    client = page_as("div1.staff")
    url = f"/contacts/{contact.pk}/requests/new/"
    assert client.post(url, {"kind": "delete", "requested_by": "x"}).status_code == 400
    future = {"kind": "see", "requested_by": "x", "verification": "y", "received_at": "2999-01-01"}
    assert client.post(url, future).status_code == 400
    assert client.post(url, {**future, "kind": "forget"}).status_code == 400
    assert not PersonalDataRequest.objects.exists()


def test_other_lines_and_readers_may_not_record(page_as, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    assert page_as("div2.staff").get(f"/contacts/{contact.pk}/requests/new/").status_code == 404
    assert page_as("exec").get(f"/contacts/{contact.pk}/requests/new/").status_code == 403


def test_staff_may_not_carry_out_a_request(page_as, people, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    request = record(people, contact, "delete")
    client = page_as("div1.staff")
    assert client.get(f"/personal-data-requests/{request.pk}/").status_code == 200
    refused = client.post(f"/personal-data-requests/{request.pk}/complete/", {"outcome": "删"})
    assert refused.status_code == 403
    assert Contact.objects.get(pk=contact.pk).erased_at is None


def test_a_deletion_erases_the_person_and_their_history(
    page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"), name="高建军")
    archive.contact_update(
        actor=people["div1.staff"], contact=contact, version=contact.version, mobile="13900001111"
    )
    request = record(people, contact, "delete")
    client = page_as("div1.manager")

    answer = client.post(
        f"/personal-data-requests/{request.pk}/complete/", {"outcome": "已删除个人字段"}
    )

    assert answer.status_code == 302
    erased = Contact.objects.get(pk=contact.pk)
    assert erased.erased_at is not None
    assert erased.mobile == ""
    assert erased.hobbies == ""
    assert erased.position == "总工程师"  # business data stays
    assert RelationshipEvent.objects.filter(relationship__contact=erased).count() == 1
    history = Change.objects.filter(table="customers_contact", record_id=str(contact.pk))
    dumped = json.dumps([c.changes for c in history], ensure_ascii=False)
    for secret in ("高建军", "13812345678", "13900001111", "围棋", "山东东营"):
        assert secret not in dumped
    assert ERASED in dumped
    assert "总工程师" in dumped
    assert history.count() >= 3  # who changed what, when, stays
    page = english(client).get(f"/history/customer/{contact.customer_id}/").content.decode()
    assert "13900001111" not in page
    assert "erased at the person" in page
    done = PersonalDataRequest.objects.get(pk=request.pk)
    assert (done.done_by.username, done.outcome) == ("div1.manager", "已删除个人字段")


def test_a_request_is_carried_out_once(page_as, people, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    request = record(people, contact, "correct")
    client = page_as("div1.manager")
    url = f"/personal-data-requests/{request.pk}/complete/"
    assert client.post(url, {"outcome": "已按要求更正手机号"}).status_code == 302
    again = client.post(url, {"outcome": "再次"})
    assert again.status_code == 409
    assert PersonalDataRequest.objects.get(pk=request.pk).outcome == "已按要求更正手机号"
    assert (
        client.post(
            f"/personal-data-requests/{record(people, contact, 'see').pk}/complete/",
            {"outcome": ""},
        ).status_code
        == 400
    )


def test_a_correction_leads_to_the_contact_form(
    page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    request = record(people, contact, "correct")
    body = page_as("div1.manager").get(f"/personal-data-requests/{request.pk}/").content.decode()
    assert f"/contacts/{contact.pk}/edit/" in body


def test_seeing_ones_data_gives_a_watermarked_registered_workbook(
    page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"), name="高建军")
    request = record(people, contact, "see")
    client = page_as("hq.info")
    before = AccessLogEntry.objects.count()

    answer = client.get(f"/personal-data-requests/{request.pk}/data.xlsx")

    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment;")
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["个人信息"]  # one sheet, the person's data, nothing else
    sheet = book.worksheets[0]
    assert str(sheet["A1"].value).startswith("机密")
    values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
    assert "高建军" in values
    assert "围棋、钓鱼" in values
    assert "13812345678" in values
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert AccessLogEntry.objects.count() == before + 2  # the request page read and the export
    assert (entry.record_type, entry.record_id, entry.channel) == (
        "customers.contact",
        str(contact.pk),
        "export",
    )


def test_the_printable_copy_is_watermarked_and_registered(
    page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    request = record(people, contact, "see")
    answer = page_as("div1.manager").get(f"/personal-data-requests/{request.pk}/print/")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert 'data-testid="watermark"' in body
    assert "机密" in body
    assert "围棋、钓鱼" in body
    entry = AccessLogEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.channel == "document"


@pytest.mark.parametrize("username", ["div1.staff", "div1.cm", "exec"])
def test_only_handlers_get_the_copy(
    username, page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    request = record(people, make_key_person(make_customer("DIV1")), "see")
    client = page_as(username)
    assert client.get(f"/personal-data-requests/{request.pk}/data.xlsx").status_code == 403
    assert client.get(f"/personal-data-requests/{request.pk}/print/").status_code == 403


def test_other_kinds_of_request_hand_out_nothing(
    page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    request = record(people, make_key_person(make_customer("DIV1")), "delete")
    assert (
        page_as("div1.manager").get(f"/personal-data-requests/{request.pk}/data.xlsx").status_code
        == 403
    )


def test_the_list_shows_status_within_the_line(
    page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    mine = record(people, make_key_person(make_customer("DIV1"), name="高建军"), "see")
    done = record(people, make_key_person(make_customer("BASE11"), name="吴海燕"), "correct")
    archive.personal_request_complete(actor=people["div1.manager"], request=done, outcome="已更正")
    theirs = record(
        people, make_key_person(make_customer("DIV2"), name="郑国栋"), "see", by="div2.staff"
    )
    client = page_as("div1.staff")
    everything = client.get("/personal-data-requests/").content.decode()
    assert "高建军" in everything
    assert "吴海燕" in everything
    assert "郑国栋" not in everything
    open_only = client.get("/personal-data-requests/", {"status": "open"}).content.decode()
    assert "高建军" in open_only
    assert "吴海燕" not in open_only
    assert client.get(f"/personal-data-requests/{theirs.pk}/").status_code == 404
    assert client.get(f"/personal-data-requests/{mine.pk}/").status_code == 200


def test_list_queries_do_not_grow_with_the_requests(
    page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    record(people, make_key_person(customer), "see")
    client = page_as("div1.staff")
    client.get("/personal-data-requests/")
    with CaptureQueriesContext(connection) as few:
        client.get("/personal-data-requests/")
    for i in range(8):
        record(people, make_key_person(customer, name=f"联系人{i}"), "correct")
    with CaptureQueriesContext(connection) as many:
        client.get("/personal-data-requests/")
    assert len(many) == len(few)


def test_an_erased_person_takes_no_new_request(
    page_as, people, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    archive.contact_erase(actor=people["div1.manager"], contact=contact)
    answer = page_as("div1.staff").post(
        f"/contacts/{contact.pk}/requests/new/",
        {"kind": "see", "requested_by": "某人", "verification": "电话"},
    )
    assert answer.status_code == 400
    assert not PersonalDataRequest.objects.exists()
