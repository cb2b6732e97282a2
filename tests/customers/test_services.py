from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanxi.customers.models import Customer
from guanxi.customers.selectors import CustomerFilters, customer_list
from guanxi.customers.services import customer_create, customer_update
from guanxi.versioning import StaleVersion


def test_a_customer_is_created_with_search_keys(people, units) -> None:  # type: ignore[no-untyped-def]
    customer = customer_create(
        actor=people["div1.staff"],
        name=" 中海油田服务股份有限公司 ",
        owning_unit=units["DIV1"],
        tier="strategic",
        credit_code=" 91110000710929183y ",
    )
    assert customer.name == "中海油田服务股份有限公司"
    assert customer.name_initials == "zhytfwgfyxgs"
    assert customer.created_by == people["div1.staff"]
    assert customer.credit_code == "91110000710929183Y"


def test_a_duplicate_credit_code_is_refused(make_customer) -> None:  # type: ignore[no-untyped-def]
    first = make_customer("DIV1")
    with pytest.raises(ValidationError) as caught:
        make_customer("DIV2", code=first.credit_code)
    assert "credit_code" in caught.value.message_dict
    assert Customer.objects.count() == 1


def test_an_unknown_tier_is_refused(people, units) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        customer_create(
            actor=people["hq.staff"], name="某公司", owning_unit=units["HQ"], tier="platinum"
        )


def test_nobody_creates_outside_their_line(people, units) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        customer_create(
            actor=people["div1.staff"], name="某公司", owning_unit=units["DIV2"], tier="vip"
        )
    with pytest.raises(PermissionDenied):
        customer_create(actor=people["finance"], name="某公司", owning_unit=units["HQ"], tier="vip")


def test_a_customer_cannot_be_moved_out_of_the_editors_line(people, units, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    with pytest.raises(PermissionDenied):
        customer_update(
            actor=people["div1.staff"], customer=customer, version=1, owning_unit=units["DIV2"]
        )
    assert Customer.objects.get(pk=customer.pk).owning_unit == units["DIV1"]


def test_a_stale_edit_is_refused_and_changes_nothing(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="渤海钻探工程有限公司")
    customer_update(actor=people["div1.staff"], customer=customer, version=1, tier="strategic")
    with pytest.raises(StaleVersion):
        customer_update(actor=people["div1.manager"], customer=customer, version=1, tier="ordinary")
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.tier, fresh.version) == ("strategic", 2)


@pytest.mark.parametrize(
    ("query", "found"),
    [("大港", True), ("dgyt", False), ("zgsy", True), ("zhongguoshiyou", True), ("xyz", False)],
)
def test_search_by_name_pinyin_and_initials(people, make_customer, query, found) -> None:  # type: ignore[no-untyped-def]
    target = make_customer("DIV1", name="中国石油天然气股份有限公司大港油田分公司")
    make_customer("DIV1", name="延长油田股份有限公司")
    hits = customer_list(actor=people["div1.staff"], filters=CustomerFilters(query=query))
    assert (target in hits) == found


def test_search_by_credit_code(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    target = make_customer("DIV1")
    hits = customer_list(
        actor=people["div1.staff"], filters=CustomerFilters(query=target.credit_code.lower())
    )
    assert list(hits) == [target]


def test_search_never_reaches_outside_the_line(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV2", name="长庆油田分公司")
    hits = customer_list(actor=people["div1.staff"], filters=CustomerFilters(query="长庆"))
    assert not hits.exists()
    hits = customer_list(actor=people["div1.staff"], filters=CustomerFilters(query="cq"))
    assert not hits.exists()
