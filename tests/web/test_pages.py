from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.access.models import AccessLogEntry
from guanxi.seeding.demo import DEMO_PASSWORD


def test_the_login_page_is_chinese_by_default(client, db) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-hans"' in page
    assert "登录" in page


def test_the_login_page_switches_to_english(client, db) -> None:  # type: ignore[no-untyped-def]
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/").content.decode()
    assert 'lang="en"' in page
    assert "Sign in to Guanxi" in page


def test_signing_in_leads_home(client, people) -> None:  # type: ignore[no-untyped-def]
    answer = client.post(
        "/accounts/login/", {"username": "div1.staff", "password": DEMO_PASSWORD}, follow=True
    )
    page = answer.content.decode()
    assert answer.redirect_chain[-1][0] == "/"
    assert "刘洋" in page
    assert "钻井事业部市场营销部" in page


def test_a_wrong_password_says_so_in_chinese_and_changes_nothing(client, people) -> None:  # type: ignore[no-untyped-def]
    answer = client.post("/accounts/login/", {"username": "div1.staff", "password": "wrong"})
    assert answer.status_code == 200
    assert "请输入一个正确的" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_sixth_attempt_meets_a_locked_account(client, people) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        client.post("/accounts/login/", {"username": "hq.staff", "password": "wrong"})
    answer = client.post("/accounts/login/", {"username": "hq.staff", "password": DEMO_PASSWORD})
    assert answer.status_code == 429
    assert "账户已锁定" in answer.content.decode() or "锁定" in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_and_password_change(client, people) -> None:  # type: ignore[no-untyped-def]
    client.force_login(people["div1.staff"])
    changed = client.post(
        "/accounts/password/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "钻井-2026-secure",
            "new_password2": "钻井-2026-secure",
        },
    )
    assert changed.status_code == 302
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302
    client.post("/accounts/login/", {"username": "div1.staff", "password": "钻井-2026-secure"})
    assert client.get("/").status_code == 200


def test_pages_need_sign_in(client, db) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/customers/", "/customers/1/", "/access-log/"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/")


def test_the_detail_page_registers_a_page_read(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("BASE12")
    page = page_as("div1.staff").get(f"/customers/{customer.pk}/")
    assert customer.name in page.content.decode()
    entry = AccessLogEntry.objects.get()
    assert (entry.username, entry.channel) == ("div1.staff", "page")


def test_a_failed_registration_shows_a_clear_error_not_the_data(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    from tests.access.tampering import refusing_log_inserts

    customer = make_customer("DIV1")
    client = page_as("div1.staff")
    with refusing_log_inserts():
        page = client.get(f"/customers/{customer.pk}/")
        api = client.get(f"/api/v1/customers/{customer.pk}/")
    assert page.status_code == 503
    assert customer.name not in page.content.decode()
    assert "登记" in page.content.decode()
    assert api.status_code == 503
    assert customer.name not in api.content.decode()


def test_the_list_filters_and_pages_by_key(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    made = [make_customer("DIV1", name=f"塘沽测试客户{i:02d}有限公司") for i in range(30)]
    client = page_as("div1.staff")
    first = client.get("/customers/").content.decode()
    assert made[-1].name in first
    assert made[0].name not in first
    second = client.get(f"/customers/?after={made[5].pk}").content.decode()
    assert made[4].name in second
    assert made[5].name not in second
    searched = client.get("/customers/", {"q": "tgcs"}).content.decode()
    assert made[-1].name in searched


def test_htmx_search_returns_rows_only(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    make_customer("DIV1", name="大港油田服务有限公司")
    body = page_as("div1.staff").get("/customers/", {"q": "大港"}, HTTP_HX_REQUEST="true")
    text = body.content.decode()
    assert "大港油田服务有限公司" in text
    assert "<html" not in text


@pytest.mark.parametrize(
    "path",
    [
        "/customers/?after=abc",
        "/customers/?unit=x&tier=%00",
        "/customers/99999999/",
        "/access-log/?after=-1",
    ],
)
def test_bad_parameters_never_cause_a_server_error(page_as, path: str) -> None:  # type: ignore[no-untyped-def]
    assert page_as("hq.manager").get(path).status_code in {200, 400, 404}


def test_nul_characters_are_refused_everywhere(api_as, page_as, units) -> None:  # type: ignore[no-untyped-def]
    api = api_as("hq.manager")
    answer = api.post(
        "/api/v1/customers/",
        {"name": "某\u0000公司", "owning_unit": units["HQ"].pk, "tier": "vip"},
        format="json",
    )
    assert answer.status_code == 400
    assert "NUL" in answer.json()["detail"]
    assert page_as("hq.manager").get("/customers/?q=%00").status_code == 400


def _queries(client, path: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_page_query_counts_do_not_grow_with_rows(page_as, make_customer) -> None:  # type: ignore[no-untyped-def]
    first = make_customer("DIV1")
    client = page_as("div1.manager")
    client.get(f"/customers/{first.pk}/")
    paths = ["/", "/customers/", f"/customers/{first.pk}/", "/access-log/"]
    before = {path: _queries(client, path) for path in paths}
    for _ in range(30):
        customer = make_customer("BASE11")
        client.get(f"/customers/{customer.pk}/")
    assert {path: _queries(client, path) for path in paths} == before


def test_the_customer_page_shows_the_archive_and_map(
    page_as, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer("DIV1", name="中海石油（中国）有限公司天津分公司")
    make_key_person(customer, name="周建华")
    page = page_as("div1.staff").get(f"/customers/{customer.pk}/").content.decode()
    assert "周建华" in page
    assert 'id="relationship-graph"' in page
    assert "工程技术部" in page


def test_the_contact_page_masks_the_profile_for_staff(
    page_as, make_customer, make_key_person
) -> None:  # type: ignore[no-untyped-def]
    contact = make_key_person(make_customer("DIV1"))
    staff = page_as("div1.staff").get(f"/contacts/{contact.pk}/").content.decode()
    assert "13812345678" in staff
    assert "围棋" not in staff
    assert 'data-testid="profile-masked"' in staff


def test_customer_page_queries_do_not_grow_with_archive_size(
    page_as,
    make_customer,  # type: ignore[no-untyped-def]
    make_key_person,
) -> None:
    customer = make_customer("DIV1")
    make_key_person(customer, name="甲")
    client = page_as("div1.manager")
    before = _queries(client, f"/customers/{customer.pk}/")
    for name in ("乙", "丙", "丁", "戊"):
        make_key_person(customer, name=name)
    assert _queries(client, f"/customers/{customer.pk}/") == before
