from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.access.models import AccessLogEntry
from guanxi.customers import archive
from guanxi.customers.models import Contact, Relationship, RelationshipEvent
from guanxi.versioning import StaleVersion


def test_only_key_persons_carry_a_profile(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    with pytest.raises(ValidationError):
        archive.contact_create(
            actor=people["div1.staff"],
            customer=customer,
            name="李四",
            is_key=False,
            hobbies="高尔夫",
        )
    assert not Contact.objects.exists()


def test_a_relationship_change_keeps_its_history(people, make_customer, make_key_person) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    relationship = Relationship.objects.get(contact=contact)
    archive.relationship_set(
        actor=people["div1.staff"],
        contact=contact,
        buying_role="supporter",
        state="neutral",
        holders=[people["div1.staff"]],
        version=1,
        note="换届后",
    )
    assert [(e.state, e.note) for e in RelationshipEvent.objects.order_by("id")] == [
        ("positive", "初次建档"),
        ("neutral", "换届后"),
    ]
    with pytest.raises(StaleVersion):
        archive.relationship_set(
            actor=people["div1.staff"],
            contact=contact,
            buying_role="blocker",
            state="negative",
            holders=[],
            version=1,
        )
    assert Relationship.objects.get(pk=relationship.pk).state == "neutral"


def test_erasure_removes_personal_fields_and_keeps_the_history(
    people,
    make_customer,  # type: ignore[no-untyped-def]
    make_key_person,
) -> None:
    contact = make_key_person(make_customer("DIV1"))
    request = archive.personal_request_record(
        actor=people["div1.staff"], contact=contact, kind="delete", details="本人来电要求删除"
    )
    archive.personal_request_complete(
        actor=people["div1.manager"], request=request, outcome="已删除"
    )
    erased = Contact.objects.get(pk=contact.pk)
    assert erased.erased_at is not None
    assert (erased.name, erased.mobile, erased.hobbies, erased.birthplace, erased.is_key) == (
        archive.ERASED_NAME,
        "",
        "",
        "",
        False,
    )
    assert RelationshipEvent.objects.filter(relationship__contact=erased).count() == 1
    with pytest.raises(ValidationError):
        archive.personal_request_complete(
            actor=people["div1.manager"], request=request, outcome="again"
        )


def test_archive_writes_stay_inside_the_line(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    other = make_customer("DIV2")
    with pytest.raises(PermissionDenied):
        archive.contact_create(actor=people["div1.staff"], customer=other, name="张三")
    with pytest.raises(PermissionDenied):
        archive.department_create(actor=people["div1.staff"], customer=other, name="某部门")


def test_a_department_from_another_customer_is_refused(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = make_customer("DIV1"), make_customer("DIV1")
    department = archive.department_create(
        actor=people["div1.staff"], customer=theirs, name="采办部"
    )
    with pytest.raises(ValidationError):
        archive.contact_create(
            actor=people["div1.staff"], customer=mine, name="赵六", department=department
        )


def test_operations_end_after_they_start(people, make_customer, units) -> None:  # type: ignore[no-untyped-def]
    import datetime

    with pytest.raises(ValidationError):
        archive.operation_create(
            actor=people["div1.staff"],
            customer=make_customer("DIV1"),
            name="固井作业",
            executing_unit=units["DIV1"],
            started_on=datetime.date(2026, 5, 1),
            ended_on=datetime.date(2026, 4, 1),
        )


def test_classification_values_come_from_the_policy(people, units) -> None:  # type: ignore[no-untyped-def]
    from guanxi.customers.services import customer_create

    with pytest.raises(ValidationError) as caught:
        customer_create(
            actor=people["hq.staff"],
            name="某公司",
            owning_unit=units["HQ"],
            tier="vip",
            industry="bananas",
        )
    assert "industry" in caught.value.message_dict
    assert not AccessLogEntry.objects.exists()
