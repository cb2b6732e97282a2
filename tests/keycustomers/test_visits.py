"""Visits (002 §7): plans notify the units concerned; summaries update the archive."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from guanxi.customers.models import InformationMeaning
from guanxi.keycustomers import visits
from guanxi.keycustomers.models import FollowUpStatus, VisitStatus
from guanxi.keycustomers.selectors import follow_ups_open_for, visit_list
from guanxi.outbox.models import Message
from guanxi.versioning import StaleVersion

pytestmark = pytest.mark.django_db


def test_an_outgoing_plan_queues_one_email_per_person_concerned(make_visit, people) -> None:
    visit = make_visit()
    recipients = set(Message.objects.values_list("recipient", flat=True))
    # base11.staff is in the notified unit; div1.manager and div1.cm are on the visit
    assert recipients == {
        "base11.staff@guanxi.example",
        "div1.manager@guanxi.example",
        "div1.cm@guanxi.example",
    }
    message = Message.objects.get(recipient="base11.staff@guanxi.example")
    assert visit.theme in message.subject
    assert "技术交流会" in message.body


def test_a_refused_plan_queues_nothing(make_customer, people) -> None:
    customer = make_customer("DIV2")
    with pytest.raises(PermissionDenied):
        visits.visit_create(
            actor=people["div1.staff"],
            direction="outgoing",
            customer=customer,
            theme="越线拜访",
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 1),
        )
    assert not Message.objects.exists()


def test_a_visit_cannot_end_before_it_starts(make_visit) -> None:
    with pytest.raises(ValidationError):
        make_visit(starts_on=date(2025, 3, 10), ends_on=date(2025, 3, 1))


def test_the_summary_updates_the_archive_and_opens_follow_ups(make_visit, people) -> None:
    visit = make_visit()
    done = visits.visit_summarise(
        actor=people["div1.staff"],
        visit=visit,
        version=visit.version,
        summary="双方同意 4 月开展技术交流，客户关注降本增效。",
        topic="plans",
        information="客户计划 2026 年新开 12 口调整井",
        meaning="测井与固井服务机会",
        follow_ups=[
            visits.NewFollowUp(
                title="提交技术方案", owner=people["div1.cm"], due_on=date(2025, 4, 1)
            )
        ],
    )
    assert done.status == VisitStatus.DONE
    assert done.version == visit.version + 1
    row = InformationMeaning.objects.get(customer=visit.customer, topic="plans")
    assert row.information == "客户计划 2026 年新开 12 口调整井"
    open_items = list(follow_ups_open_for(actor=people["div1.cm"]))
    assert [item.title for item in open_items] == ["提交技术方案"]


def test_a_follow_up_stays_open_until_its_owner_marks_it_done(make_visit, people) -> None:
    visit = make_visit()
    item = visits.follow_up_add(
        actor=people["div1.manager"],
        visit=visit,
        title="回复报价",
        owner=people["div1.cm"],
        due_on=date(2025, 4, 1),
    )
    assert list(follow_ups_open_for(actor=people["div1.cm"])) == [item]
    visits.follow_up_update(actor=people["div1.cm"], follow_up=item, version=1, status="done")
    item.refresh_from_db()
    assert item.status == FollowUpStatus.DONE
    assert item.done_at is not None
    assert list(follow_ups_open_for(actor=people["div1.cm"])) == []


def test_a_stale_summary_is_refused(make_visit, people) -> None:
    visit = make_visit()
    visits.visit_update(actor=people["div1.manager"], visit=visit, version=1, theme="改期")
    with pytest.raises(StaleVersion):
        visits.visit_summarise(actor=people["div1.manager"], visit=visit, version=1, summary="x")


def test_visits_are_scoped_by_the_customers_line(make_visit, people) -> None:
    visit = make_visit("BASE11")
    assert visit in visit_list(actor=people["div1.staff"])
    assert visit not in visit_list(actor=people["div2.staff"])
    assert visit not in visit_list(actor=people["finance"])


def test_a_pdf_briefing_is_accepted(make_visit, people) -> None:
    visit = make_visit()
    upload = SimpleUploadedFile("备参材料.pdf", b"%PDF-1.7\n%...\n", content_type="text/html")
    material = visits.material_add(actor=people["div1.manager"], visit=visit, upload=upload)
    assert material.content_type == "application/pdf"  # judged by content, not by the claim


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.pdf", b"<html><script>alert(1)</script></html>"),
        ("page.html", b"<html></html>"),
        ("fake.docx", b"PK\x03\x04not really a zip"),
        ("empty.pdf", b""),
    ],
)
def test_uploads_whose_content_does_not_match_are_refused(
    make_visit, people, name, content
) -> None:
    visit = make_visit()
    with pytest.raises(ValidationError):
        visits.material_add(
            actor=people["div1.manager"], visit=visit, upload=SimpleUploadedFile(name, content)
        )
    assert not visit.materials.exists()


def test_oversized_uploads_are_refused(make_visit, people, settings) -> None:
    settings.KEYCUSTOMERS_UPLOAD_MAX_BYTES = 10
    visit = make_visit()
    with pytest.raises(ValidationError):
        visits.material_add(
            actor=people["div1.manager"],
            visit=visit,
            upload=SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"x" * 100),
        )


def test_the_demo_data_loads(people) -> None:
    from guanxi.seeding import demo
    from guanxi.seeding.keycustomers_demo import load_keycustomers_demo

    demo.load_customers(demo.load_organisation(), people, per_unit=2)
    demo.load_archive(people)
    counts = load_keycustomers_demo(per_unit=1)
    assert counts["visits"] > 0
    assert counts["customer_plans"] == counts["visits"]
    assert load_keycustomers_demo(per_unit=1) == counts  # idempotent
