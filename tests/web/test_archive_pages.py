from __future__ import annotations

from guanxi.customers.models import Contact, Customer, Dealing, Relationship
from guanxi.customers.validators import credit_code_check_char


def _code(body: str) -> str:
    return body + credit_code_check_char(body)


def test_staff_create_a_customer_from_the_page(page_as, units) -> None:  # type: ignore[no-untyped-def]
    client = page_as("div1.staff")
    answer = client.post(
        "/customers/new/",
        {
            "name": "渤海装备辽河重工有限公司",
            "credit_code": _code("91211100MA0Y3KQ21"),
            "owning_unit": units["BASE11"].pk,
            "tier": "vip",
            "industry": "",
            "scale": "",
            "value": "",
            "credit": "",
            "loyalty": "",
            "source": "business_card",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    customer = Customer.objects.get(name="渤海装备辽河重工有限公司")
    assert answer["Location"] == f"/customers/{customer.pk}/"
    assert customer.created_by.username == "div1.staff"


def test_a_bad_credit_code_is_a_form_error_and_writes_nothing(page_as, units) -> None:  # type: ignore[no-untyped-def]
    answer = page_as("div1.staff").post(
        "/customers/new/",
        {
            "name": "某某公司",
            "credit_code": "91110000100010433X",
            "owning_unit": units["DIV1"].pk,
            "tier": "vip",
        },
    )
    assert answer.status_code == 400
    assert "校验" in answer.content.decode() or "check character" in answer.content.decode()
    assert not Customer.objects.exists()


def test_a_similar_name_needs_a_reason_and_links_the_existing_unit(
    page_as,
    units,  # type: ignore[no-untyped-def]
    make_customer,
) -> None:
    existing = make_customer("DIV1", name="中海油能源发展股份有限公司")
    client = page_as("div1.staff")
    data = {"name": "中海油能源发展有限公司", "owning_unit": units["DIV1"].pk, "tier": "vip"}
    refused = client.post("/customers/new/", data)
    assert refused.status_code == 400
    assert f'href="/customers/{existing.pk}/"' in refused.content.decode()
    accepted = client.post("/customers/new/", {**data, "duplicate_reason": "同名不同主体，已核实"})
    assert accepted.status_code == 302
    assert Customer.objects.count() == 2


def test_a_stale_edit_is_a_409_and_overwrites_nothing(page_as, make_customer, units) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="大港油田集团有限责任公司")
    client = page_as("div1.staff")
    form = {
        "name": "大港油田集团有限责任公司",
        "credit_code": customer.credit_code,
        "owning_unit": units["DIV1"].pk,
        "tier": "strategic",
        "version": 1,
    }
    assert client.post(f"/customers/{customer.pk}/edit/", form).status_code == 302
    stale = client.post(f"/customers/{customer.pk}/edit/", {**form, "tier": "ordinary"})
    assert stale.status_code == 409
    assert 'data-testid="stale"' in stale.content.decode()
    fresh = Customer.objects.get(pk=customer.pk)
    assert (fresh.tier, fresh.version) == ("strategic", 2)


def test_editing_another_divisions_customer_is_404(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    other = make_customer("DIV2")
    client = page_as("div1.staff")
    assert client.get(f"/customers/{other.pk}/edit/").status_code == 404
    assert client.post(f"/customers/{other.pk}/contacts/new/", {"name": "x"}).status_code == 404


def test_an_executive_sees_but_may_not_edit(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    client = page_as("exec")
    assert client.get(f"/customers/{customer.pk}/").status_code == 200
    assert client.get(f"/customers/{customer.pk}/edit/").status_code == 403


def test_contacts_dealings_and_relationships_from_the_pages(page_as, make_customer, people) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    client = page_as("div1.manager")
    made = client.post(
        f"/customers/{customer.pk}/contacts/new/",
        {
            "name": "高建军",
            "position": "采办部经理",
            "mobile": "13900001111",
            "is_key": "on",
            "hobbies": "钓鱼",
            "purpose": "业务联系",
        },
    )
    assert made.status_code == 302, made.content.decode()[:1500]
    contact = Contact.objects.get(name="高建军")
    assert contact.hobbies == "钓鱼"
    mapped = client.post(
        f"/contacts/{contact.pk}/relationship/",
        {
            "buying_role": "decision_maker",
            "state": "positive",
            "holders": [people["div1.manager"].pk],
            "note": "首次拜访",
        },
    )
    assert mapped.status_code == 302
    assert Relationship.objects.get(contact=contact).state == "positive"
    dealt = client.post(
        f"/customers/{customer.pk}/dealings/new/",
        {
            "kind": "contract",
            "status": "unsigned",
            "title": "渤中19-6钻井服务",
            "our_unit": customer.owning_unit_id,
            "amount": "12500000.00",
        },
    )
    assert dealt.status_code == 302
    assert Dealing.objects.get().status == "unsigned"


def test_staff_without_profile_permission_cannot_write_a_profile(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1")
    client = page_as("div1.staff")
    page = client.get(f"/customers/{customer.pk}/contacts/new/").content.decode()
    assert 'name="hobbies"' not in page
    client.post(
        f"/customers/{customer.pk}/contacts/new/",
        {"name": "冯敏", "is_key": "on", "hobbies": "偷偷写入"},
    )
    assert Contact.objects.get(name="冯敏").hobbies == ""
