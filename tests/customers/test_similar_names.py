"""CUS-9: a name close to an existing customer unit's is flagged and needs a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from guanxi.customers.keys import name_key
from guanxi.customers.models import Customer
from guanxi.customers.services import SimilarName, customer_create, customer_update


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("中海石油（中国）有限公司", "中海石油中国"),
        ("中海石油(中国)有限公司", "中海石油中国"),
        ("中海石油 （中国） 股份有限公司", "中海石油中国"),
        ("中海石油【中国】集团", "中海石油中国"),
        ("中海石油〔中国〕集团有限公司", "中海石油中国"),
        ("中海石油中国集团公司", "中海石油中国"),
        ("中海石油中国有限责任公司", "中海石油中国"),
        ("中海石油中国公司", "中海石油中国"),
        ("ＣＮＯＯＣ　（中国）有限公司", "cnooc中国"),
        ("CNOOC China Ltd.", "cnoocchinaltd."),
        ("胜利油田有限公司（集团）", "胜利油田"),
        ("大港油田分公司", "大港油田分"),
        ("有限公司", "有限公司"),
    ],
)
def test_name_key_examples(name: str, key: str) -> None:
    assert name_key(name) == key


def test_legal_forms_and_brackets_give_one_key() -> None:
    forms = [
        "渤海钻探工程股份有限公司",
        "渤海钻探工程有限公司",
        "渤海钻探工程集团",
        " 渤海 钻探工程（集团）有限公司",
        "渤海钻探工程",
    ]
    assert {name_key(form) for form in forms} == {"渤海钻探工程"}
    assert name_key("渤海钻探工程有限公司") != name_key("渤海装备制造有限公司")


@given(st.text(max_size=40))
def test_name_key_is_idempotent(name: str) -> None:
    key = name_key(name)
    assert name_key(key) == key


@given(
    st.text(alphabet="中海石油服务渤海钻探（）()【】 　有限公司股份集团", min_size=1, max_size=30)
)
def test_name_key_is_idempotent_on_company_like_names(name: str) -> None:
    key = name_key(name)
    assert name_key(key) == key


def test_a_similar_name_is_refused_then_accepted_with_a_reason(
    people, units, make_customer
) -> None:  # type: ignore[no-untyped-def]
    existing = make_customer("DIV1", name="中海油田服务股份有限公司")
    with pytest.raises(SimilarName) as caught:
        customer_create(
            actor=people["div1.staff"],
            name="中海油田服务（有限公司）",
            owning_unit=units["BASE11"],
            tier="vip",
        )
    error = caught.value
    assert isinstance(error, ValidationError)
    assert error.similar_ids == [existing.pk]
    assert error.error_dict["name"][0].code == "similar_name"
    assert "中海油田服务股份有限公司" in error.message_dict["name"][0]
    assert Customer.objects.count() == 1

    created = customer_create(
        actor=people["div1.staff"],
        name="中海油田服务（有限公司）",
        owning_unit=units["BASE11"],
        tier="vip",
        duplicate_reason="天津分公司独立签约，单独建档",
    )
    assert created.name_key == existing.name_key == "中海油田服务"
    assert Customer.objects.get(pk=created.pk).duplicate_reason == "天津分公司独立签约，单独建档"


def test_a_blank_reason_is_no_reason(people, units, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1", name="延长油田股份有限公司")
    with pytest.raises(SimilarName):
        customer_create(
            actor=people["div1.staff"],
            name="延长油田集团",
            owning_unit=units["DIV1"],
            tier="vip",
            duplicate_reason="   ",
        )


def test_a_distinct_name_needs_no_reason(people, units, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1", name="延长油田股份有限公司")
    created = customer_create(
        actor=people["div1.staff"], name="长庆油田有限公司", owning_unit=units["DIV1"], tier="vip"
    )
    assert created.duplicate_reason == ""


def test_a_similar_customer_in_an_invisible_unit_is_not_named(people, units, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV2", name="新疆油田油气储运有限责任公司")
    with pytest.raises(SimilarName) as caught:
        customer_create(
            actor=people["div1.staff"],
            name="新疆油田油气储运集团",
            owning_unit=units["DIV1"],
            tier="vip",
        )
    error = caught.value
    assert error.similar_ids == []
    assert error.hidden == 1
    message = " ".join(error.messages)
    assert "新疆" not in message
    assert "其他单位的档案中" in message


def test_renaming_to_a_similar_name_needs_a_reason(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    existing = make_customer("DIV1", name="渤海钻探工程有限公司")
    other = make_customer("DIV1", name="大庆钻探工程有限公司")
    with pytest.raises(SimilarName) as caught:
        customer_update(
            actor=people["div1.staff"], customer=other, version=1, name="渤海钻探工程集团"
        )
    assert caught.value.similar_ids == [existing.pk]
    renamed = customer_update(
        actor=people["div1.staff"],
        customer=other,
        version=1,
        name="渤海钻探工程集团",
        duplicate_reason="集团总部与工程公司分别签约",
    )
    assert renamed.name_key == "渤海钻探工程"
    # a change that keeps the key (or leaves the name alone) asks for nothing
    customer_update(
        actor=people["div1.staff"], customer=renamed, version=2, name="渤海钻探工程集团公司"
    )
    customer_update(actor=people["div1.staff"], customer=existing, version=1, tier="strategic")


def test_the_api_answers_400_with_visible_similar_customers(
    api_as, make_customer, people, units
) -> None:  # type: ignore[no-untyped-def]
    existing = make_customer("DIV1", name="中海石油（中国）有限公司")
    customer_create(
        actor=people["hq.manager"],
        name="中海石油中国集团",
        owning_unit=units["DIV2"],
        tier="vip",
        duplicate_reason="集团总部单独建档",
    )
    client = api_as("div1.staff")
    body = {"name": "中海石油 (中国) 股份有限公司", "owning_unit": units["DIV1"].pk, "tier": "vip"}
    answer = client.post("/api/v1/customers/", body, format="json")
    assert answer.status_code == 400
    data = answer.json()
    assert set(data) == {"name", "similar"}
    assert "中海石油（中国）有限公司" in data["name"][0]
    assert "中海石油中国集团" not in answer.content.decode()
    assert data["similar"] == [
        {"id": existing.pk, "name": "中海石油（中国）有限公司", "url": f"/customers/{existing.pk}/"}
    ]

    answer = client.post(
        "/api/v1/customers/",
        {**body, "duplicate_reason": "海外业务单独建档"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert "duplicate_reason" not in answer.json()
    created = Customer.objects.get(pk=answer.json()["id"])
    assert created.duplicate_reason == "海外业务单独建档"


def test_the_api_hides_similar_customers_of_other_lines(api_as, make_customer, units) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV2", name="塔里木油田分公司")
    answer = api_as("div1.staff").post(
        "/api/v1/customers/",
        {"name": "塔里木油田（分公司）", "owning_unit": units["DIV1"].pk, "tier": "vip"},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["similar"] == []
    assert "塔里木" not in answer.content.decode()


def test_the_api_caps_the_reason(api_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").post(
        "/api/v1/customers/",
        {
            "name": "长城钻探工程有限公司",
            "owning_unit": units["DIV1"].pk,
            "tier": "vip",
            "duplicate_reason": "理" * 501,
        },
        format="json",
    )
    assert answer.status_code == 400
    assert "duplicate_reason" in answer.json()
