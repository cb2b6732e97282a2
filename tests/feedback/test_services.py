"""Filling in, correcting and signing the forms of 000 附表一–三; every refusal changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanxi.feedback import services, signing
from guanxi.feedback.content import content_hash
from guanxi.feedback.models import FormRecord, Signature, VisitRecord
from guanxi.versioning import StaleVersion
from tests.feedback.conftest import ALL_GOOD

pytestmark = pytest.mark.django_db

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _sign(record, person, role, **extra):  # type: ignore[no-untyped-def]
    record.refresh_from_db()
    return signing.record_sign(
        actor=person,
        record=record,
        version=record.version,
        data=signing.SignData(role=role, **extra),
    )


def test_a_visit_record_is_filled_in_from_its_activity(people, make_activity) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity()
    data = services.prefill(activity)
    data.satisfaction, data.ratings = "good", dict(ALL_GOOD)

    record = services.record_create(
        actor=people["div1.staff"], kind="visit", activity=activity, data=data
    )

    stored = VisitRecord.objects.get(pk=record.pk)
    assert (stored.customer, stored.date, stored.place) == (
        activity.customer,
        activity.date,
        "天津塘沽",
    )
    assert list(stored.our_people.all()) == [people["div1.staff"]]
    assert stored.ratings == ALL_GOOD
    assert stored.unit_id == activity.unit_id


def test_an_activity_of_another_kind_is_refused(people, make_activity) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity(kind="care")
    with pytest.raises(ValidationError, match="activity"):
        services.record_create(
            actor=people["div1.staff"],
            kind="visit",
            activity=activity,
            data=services.prefill(activity),
        )
    assert FormRecord.objects.count() == 0


def test_an_activity_awaiting_approval_gets_no_form_yet(people, make_activity) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity(status="requested")
    with pytest.raises(ValidationError):
        services.record_create(
            actor=people["div1.staff"],
            kind="visit",
            activity=activity,
            data=services.prefill(activity),
        )


def test_an_activity_has_one_form(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    with pytest.raises(ValidationError, match="该活动已有记录表"):
        services.record_create(
            actor=people["div1.staff"],
            kind="visit",
            activity=record.activity,
            data=services.prefill(record.activity),
        )


def test_a_visit_dated_in_the_future_is_refused(people, make_activity) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity()
    data = services.prefill(activity)
    data.date = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.record_create(
            actor=people["div1.staff"], kind="visit", activity=activity, data=data
        )
    assert "date" in refused.value.message_dict
    assert FormRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("satisfaction", "ratings"),
    [("excellent", {}), ("good", {"quality": "great"}), ("good", {"weather": "good"})],
)
def test_a_rating_outside_the_allowed_values_is_refused(  # type: ignore[no-untyped-def]
    people, make_activity, satisfaction, ratings
) -> None:
    activity = make_activity()
    data = services.prefill(activity)
    data.satisfaction, data.ratings = satisfaction, ratings
    with pytest.raises(ValidationError) as refused:
        services.record_create(
            actor=people["div1.staff"], kind="visit", activity=activity, data=data
        )
    assert "差 / 中 / 优" in " ".join(refused.value.messages)
    assert FormRecord.objects.count() == 0


def test_a_form_for_a_customer_outside_ones_line_is_refused(  # type: ignore[no-untyped-def]
    people, make_activity, make_customer
) -> None:
    activity = make_activity()
    data = services.prefill(activity)
    data.customer = make_customer("DIV2")
    with pytest.raises(ValidationError) as refused:
        services.record_create(
            actor=people["div1.staff"], kind="visit", activity=activity, data=data
        )
    assert "customer" in refused.value.message_dict


def test_the_unit_above_cannot_fill_in_the_form_of_a_bases_activity(people, make_activity) -> None:  # type: ignore[no-untyped-def]
    activity = make_activity(unit="BASE11", by="base11.staff")
    with pytest.raises(PermissionDenied):
        services.record_create(
            actor=people["div1.manager"],
            kind="visit",
            activity=activity,
            data=services.prefill(activity),
        )


def test_seminar_feedback_holds_up_to_five_opinions(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(kind="seminar")
    data = services.prefill(record.activity)
    data.opinions = [{"text": f"意见{n}", "unit": "研究院"} for n in range(6)]
    with pytest.raises(ValidationError, match="最多填写五条意见"):
        services.record_update(actor=people["div1.staff"], record=record, version=1, data=data)


def test_the_chain_is_signed_in_order_each_over_the_content_hash(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    _sign(record, people["div1.staff"], "customer", method="paper", signer_name="王志刚")
    _sign(record, people["div1.staff"], "visitor", opinion="客户总体满意，建议加快响应")
    manager = _sign(record, people["div1.manager"], "manager", opinion="同意，转技术部门")

    record.refresh_from_db()
    assert manager.content_hash == content_hash(record)
    assert (record.visitor_opinion, record.manager_opinion) == (
        "客户总体满意，建议加快响应",
        "同意，转技术部门",
    )
    assert Signature.objects.filter(record=record, voided_at__isnull=True).count() == 3


def test_a_drawn_confirmation_is_stored_as_an_image(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    signature = _sign(record, people["div1.staff"], "customer", method="drawn", drawing=PNG)
    assert signature.image.name.endswith(".png")


def test_a_drawing_that_is_not_a_png_is_refused(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    with pytest.raises(ValidationError):
        _sign(
            record,
            people["div1.staff"],
            "customer",
            method="drawn",
            drawing="data:image/png;base64,PHN2Zz4=",
        )
    assert Signature.objects.count() == 0


def test_signing_twice_is_refused(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    _sign(record, people["div1.staff"], "visitor")
    with pytest.raises(ValidationError, match="已经签字"):
        _sign(record, people["div1.staff"], "visitor")
    assert Signature.objects.count() == 1


def test_signing_for_someone_else_is_refused(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    with pytest.raises(PermissionDenied):
        _sign(record, people["div1.staff"], "visitor", signer=people["div1.cm"])
    with pytest.raises(PermissionDenied):
        _sign(record, people["div1.cm"], "visitor")  # not a visitor named on the form
    assert Signature.objects.count() == 0


def test_the_manager_cannot_sign_before_the_visitor(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    with pytest.raises(ValidationError, match="访问人签字后"):
        _sign(record, people["div1.manager"], "manager")
    record.refresh_from_db()
    assert (record.version, record.manager_opinion) == (1, "")


def test_a_role_that_may_not_sign_as_manager_is_refused(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    _sign(record, people["div1.staff"], "visitor")
    with pytest.raises(PermissionDenied):
        _sign(record, people["div1.cm"], "manager")
    with pytest.raises(PermissionDenied):
        _sign(record, people["branch1.manager"], "manager")  # another line


def test_a_care_record_has_no_place_for_the_customers_confirmation(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(kind="care")
    with pytest.raises(ValidationError, match="没有这一签字栏"):
        _sign(record, people["div1.staff"], "customer", method="paper", signer_name="王")


def test_the_division_manager_signs_a_bases_form(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(by="base11.staff", unit="BASE11")
    _sign(record, people["base11.staff"], "visitor")
    assert _sign(record, people["div1.manager"], "manager").signer == people["div1.manager"]


def test_changing_a_signed_form_voids_its_signatures_and_keeps_them(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    _sign(record, people["div1.staff"], "visitor")
    _sign(record, people["div1.manager"], "manager")
    record.refresh_from_db()
    data = services.prefill(record.activity)
    data.satisfaction, data.ratings = "poor", {**ALL_GOOD, "responsiveness": "poor"}

    services.record_update(
        actor=people["div1.staff"], record=record, version=record.version, data=data
    )

    signatures = Signature.objects.filter(record=record)
    assert signatures.count() == 2
    assert all(s.voided_at is not None and s.voided_by == people["div1.staff"] for s in signatures)
    _sign(record, people["div1.staff"], "visitor")  # the chain starts again


def test_saving_the_same_content_keeps_the_signatures(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    _sign(record, people["div1.staff"], "visitor")
    record.refresh_from_db()
    data = services.FormData(
        **{name: getattr(record, name) for name in services.SCALARS},
        key_persons=list(record.key_persons.all()),
        our_people=list(record.our_people.all()),
    )
    services.record_update(
        actor=people["div1.staff"], record=record, version=record.version, data=data
    )
    assert Signature.objects.filter(record=record, voided_at__isnull=True).count() == 1


def test_a_copy_is_not_changed_by_the_unit_above(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record(by="base11.staff", unit="BASE11")
    with pytest.raises(PermissionDenied):
        services.record_update(
            actor=people["div1.manager"],
            record=record,
            version=1,
            data=services.prefill(record.activity),
        )


def test_a_stale_version_is_refused(people, make_record) -> None:  # type: ignore[no-untyped-def]
    record = make_record()
    with pytest.raises(StaleVersion):
        services.record_update(
            actor=people["div1.staff"],
            record=record,
            version=7,
            data=services.prefill(record.activity),
        )
