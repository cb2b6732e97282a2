"""Customer search, filters and sorting (CUS-10): every search path, the access scope around it,
keyset pages in each order, and the database's own plan using an index for each kind of query."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from faker import Faker

from guanxi.customers import archive
from guanxi.customers.keys import name_key, pinyin_keys
from guanxi.customers.models import Contact, Customer
from guanxi.customers.selectors import CustomerFilters, customer_list, customer_page
from guanxi.organisation.models import Person, Unit
from guanxi.paging import encode_cursor

pytestmark = pytest.mark.django_db


def names(actor: Person, **filters: Any) -> list[str]:
    return [c.name for c in customer_list(actor=actor, filters=CustomerFilters(**filters))]


@pytest.fixture
def cnooc(make_customer: Callable[..., Customer]) -> Customer:
    return make_customer("DIV1", name="中海油田服务股份有限公司", tier="strategic")


@pytest.fixture
def contact(cnooc: Customer, people: dict[str, Person]) -> Contact:
    return archive.contact_create(
        actor=people["hq.manager"],
        customer=cnooc,
        name="欧阳建华",
        position="采办部经理",
        phone="022-6650 1234",
        mobile="139 2001 8866",
    )


# --- search paths ----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["中海油田", "油田", "海", "服务股份", "田服"])
def test_it_finds_a_customer_by_any_chinese_substring_of_its_name(
    query: str, cnooc: Customer, people: dict[str, Person]
) -> None:
    assert names(people["div1.staff"], query=query) == [cnooc.name]


@pytest.mark.parametrize("query", ["zhonghaiyoutian", "zhonghai", "ZHYT", "zhytfw", "zh"])
def test_it_finds_a_customer_by_full_pinyin_or_initials(
    query: str, cnooc: Customer, people: dict[str, Person]
) -> None:
    assert names(people["div1.staff"], query=query) == [cnooc.name]


@pytest.mark.parametrize("query", ["欧阳建华", "建华", "华", "oyjh", "ouyangjian"])
def test_it_finds_a_customer_by_a_contacts_name(
    query: str, contact: Contact, people: dict[str, Person]
) -> None:
    assert names(people["div1.staff"], query=query) == [contact.customer.name]


@pytest.mark.parametrize(
    "query", ["13920018866", "1392", "8866", "2001", "139-2001-8866", "022 6650", "66501234"]
)
def test_it_finds_a_customer_by_a_contacts_phone_in_any_notation(
    query: str, contact: Contact, people: dict[str, Person]
) -> None:
    assert names(people["div1.staff"], query=query) == [contact.customer.name]


def test_a_phone_query_needs_enough_digits_to_mean_a_number(
    contact: Contact, people: dict[str, Person]
) -> None:
    assert names(people["div1.staff"], query="139") == []


def test_it_finds_a_customer_by_its_credit_code(cnooc: Customer, people: dict[str, Person]) -> None:
    assert names(people["div1.staff"], query=cnooc.credit_code.lower()) == [cnooc.name]


@pytest.mark.parametrize("query", ["%", "_", "\\", '"', "%%", "油%", "' OR 1=1 --", '中"海'])
def test_wildcards_and_quotes_are_searched_for_literally(
    query: str, cnooc: Customer, people: dict[str, Person]
) -> None:
    assert names(people["hq.manager"], query=query) == []


def test_an_erased_contact_no_longer_finds_its_customer(
    contact: Contact, people: dict[str, Person]
) -> None:
    archive.contact_erase(actor=people["hq.manager"], contact=contact)
    for query in ("建华", "oyjh", "8866", "删除"):
        assert names(people["hq.manager"], query=query) == [], query


def test_the_substring_and_phone_indexes_follow_writes_that_bypass_the_services(
    cnooc: Customer, contact: Contact, people: dict[str, Person]
) -> None:
    """Bulk updates and raw SQL change the name; the database keeps its search index right."""
    Customer.objects.filter(pk=cnooc.pk).update(name="渤海钻探工程有限公司")
    Contact.objects.filter(pk=contact.pk).update(name="司马光", mobile="18611112222")
    hq = people["hq.manager"]
    assert names(hq, query="渤海钻") == ["渤海钻探工程有限公司"]
    assert names(hq, query="中海油") == []
    assert names(hq, query="司马") == ["渤海钻探工程有限公司"]
    assert names(hq, query="1111") == ["渤海钻探工程有限公司"]
    assert names(hq, query="8866") == []


def test_pinyin_keys_follow_every_save(cnooc: Customer, contact: Contact) -> None:
    cnooc.name = "南海西部石油公司"
    cnooc.save(update_fields=["name"])
    contact.name = "诸葛亮"
    contact.save()
    cnooc.refresh_from_db()
    contact.refresh_from_db()
    assert (cnooc.name_pinyin, cnooc.name_initials) == pinyin_keys("南海西部石油公司")
    assert cnooc.name_key == name_key("南海西部石油公司")
    assert (contact.name_pinyin, contact.name_initials) == ("zhugeliang", "zgl")


# --- scope -----------------------------------------------------------------------------------


def test_a_contact_in_another_line_never_makes_its_customer_appear(
    make_customer: Callable[..., Customer], people: dict[str, Person]
) -> None:
    marker = make_customer("DIV2", name="标记客户甲有限公司")
    archive.contact_create(
        actor=people["hq.manager"], customer=marker, name="司徒标记", mobile="17700001234"
    )
    for query in ("司徒标记", "stbj", "situbiaoji", "17700001234", "标记客户", "bjkh"):
        assert names(people["div1.staff"], query=query) == [], query
        assert names(people["div2.staff"], query=query) == [marker.name], query


def test_nobody_without_the_view_permission_finds_anything(
    cnooc: Customer, people: dict[str, Person]
) -> None:
    outsider = Person.objects.create_user(username="outsider", password="x")
    assert names(outsider, query="中海") == []


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def spread(
    make_customer: Callable[..., Customer], people: dict[str, Person]
) -> dict[str, Customer]:
    from guanxi.customers.services import customer_update

    made = {
        "div1": make_customer("DIV1", name="天津港湾工程有限公司", tier="vip"),
        "base11": make_customer("BASE11", name="塘沽海洋工程有限公司", tier="ordinary"),
        "base12": make_customer("BASE12", name="湛江南油服务有限公司", tier="strategic"),
    }
    made["base11"] = customer_update(
        actor=people["hq.manager"],
        customer=made["base11"],
        version=made["base11"].version,
        industry="government",
        manager=people["div1.cm"],
    )
    return made


def test_the_unit_filter_takes_the_units_subtree(
    spread: dict[str, Customer], units: dict[str, Unit], people: dict[str, Person]
) -> None:
    div1 = set(names(people["hq.manager"], unit=units["DIV1"].pk))
    assert div1 == {c.name for c in spread.values()}
    assert names(people["hq.manager"], unit=units["BASE11"].pk) == [spread["base11"].name]
    assert names(people["base11.staff"], unit=units["BASE12"].pk) == []


def test_tier_industry_and_manager_filters_combine_with_the_search(
    spread: dict[str, Customer], people: dict[str, Person]
) -> None:
    hq = people["hq.manager"]
    assert names(hq, tier="strategic") == [spread["base12"].name]
    assert names(hq, industry="government") == [spread["base11"].name]
    assert names(hq, manager=people["div1.cm"].pk) == [spread["base11"].name]
    assert names(hq, manager=people["div1.cm"].pk, query="海洋") == [spread["base11"].name]
    assert names(hq, manager=people["div1.cm"].pk, query="天津") == []


# --- sorting and keyset pages ----------------------------------------------------------------


def walk(actor: Person, sort: str, size: int, **filters: Any) -> list[Customer]:
    seen: list[Customer] = []
    after: str | None = None
    queryset = customer_list(actor=actor, filters=CustomerFilters(sort=sort, **filters))
    for _ in range(100):
        page = customer_page(queryset, sort=sort, after=after, size=size)
        seen.extend(page.items)
        if page.next_after is None:
            return seen
        after = str(page.next_after)
    raise AssertionError("the pages never ended")


@pytest.fixture
def many(make_customer: Callable[..., Customer]) -> list[Customer]:
    fake = Faker("zh_CN")
    fake.seed_instance(10)
    rng = random.Random(10)
    made = [
        make_customer("DIV1", name=fake.company() + str(i), tier=rng.choice(TIERS))
        for i in range(23)
    ]
    # the same pinyin three times: ties the name order must break by id
    made += [make_customer("DIV1", name=f"华海{i}", tier="vip") for i in ("", "（北）", "（南）")]
    return made


TIERS = ["strategic", "vip", "ordinary"]


@pytest.mark.parametrize("size", [1, 4, 7])
@pytest.mark.parametrize("sort", ["newest", "name", "tier"])
def test_keyset_pages_walk_every_row_once_in_order(
    sort: str, size: int, many: list[Customer], people: dict[str, Person]
) -> None:
    walked = walk(people["div1.staff"], sort, size)
    expected = {
        "newest": sorted(many, key=lambda c: -c.pk),
        "name": sorted(many, key=lambda c: (c.name_pinyin, c.pk)),
        "tier": sorted(many, key=lambda c: (TIERS.index(c.tier), -c.pk)),
    }[sort]
    assert [c.pk for c in walked] == [c.pk for c in expected]


def test_the_list_itself_is_in_the_chosen_order(
    many: list[Customer], people: dict[str, Person]
) -> None:
    ranked = customer_list(actor=people["div1.staff"], filters=CustomerFilters(sort="tier"))
    assert [TIERS.index(c.tier) for c in ranked] == sorted(TIERS.index(c.tier) for c in many)
    by_name = customer_list(actor=people["div1.staff"], filters=CustomerFilters(sort="name"))
    assert [c.name_pinyin for c in by_name] == sorted(c.name_pinyin for c in many)


@pytest.mark.parametrize("cursor", ["x", "!!!", encode_cursor("vip", 0)[:-2], "e30", "W10"])
def test_a_tampered_cursor_gives_the_first_page(
    cursor: str, many: list[Customer], people: dict[str, Person]
) -> None:
    queryset = customer_list(actor=people["div1.staff"], filters=CustomerFilters(sort="name"))
    page = customer_page(queryset, sort="name", after=cursor, size=5)
    assert page.is_first
    assert len(page.items) == 5


# --- the database's plan ---------------------------------------------------------------------

# SQLite plans from the schema alone; PostgreSQL needs enough rows that a scan costs more.
FILLER = 40 if connection.vendor == "sqlite" else 4000


def _fill(units: dict[str, Unit], count: int) -> None:
    """Realistic filler written in bulk, past the services, as an import would."""
    fake = Faker("zh_CN")
    fake.seed_instance(3)
    unit_ids = [u.pk for u in units.values()]
    customers = []
    for i in range(count):
        name = f"{fake.company()}{i}"
        full, initials = pinyin_keys(name)
        customers.append(
            Customer(
                name=name,
                name_pinyin=full,
                name_initials=initials,
                name_key=name_key(name),
                owning_unit_id=unit_ids[i % len(unit_ids)],
                tier=TIERS[i % 3],
            )
        )
    made = Customer.objects.bulk_create(customers, batch_size=500)
    contacts = []
    for customer in made:
        name = fake.name()
        full, initials = pinyin_keys(name)
        contacts.append(
            Contact(
                customer=customer,
                name=name,
                name_pinyin=full,
                name_initials=initials,
                mobile=fake.phone_number(),
            )
        )
    Contact.objects.bulk_create(contacts, batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
            cursor.execute("ANALYZE customers_contact")


SEARCH_KINDS = {
    "one chinese character": "渤",
    "two chinese characters": "中海",
    "chinese substring": "油田服务",
    "initials": "zhyt",
    "full pinyin": "zhonghaiyou",
    "contact name": "欧阳建华",
    "phone prefix": "1392",
    "phone suffix": "8866",
    "credit code": "91120116MA05T8KX3B",
}


def _nodes(node: dict[str, Any]) -> list[str]:
    here = " ".join(
        str(node.get(k, "")) for k in ("Node Type", "Relation Name", "Index Name")
    ).strip()
    return [here, *(line for child in node.get("Plans", []) for line in _nodes(child))]


def _plan(sql: str, params: tuple[Any, ...]) -> str:
    """The plan, one node a line: "Seq Scan customers_customer", "SEARCH customers_contact …"."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
            raw = cursor.fetchone()[0]
            plan = json.loads(raw) if isinstance(raw, str) else raw
            return "\n".join(_nodes(plan[0]["Plan"]))
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


@pytest.mark.parametrize("actor", ["hq.manager", "div1.staff"])
def test_each_kind_of_search_is_answered_from_an_index(
    actor: str, units: dict[str, Unit], people: dict[str, Person], contact: Contact
) -> None:
    _fill(units, FILLER)
    for kind, query in SEARCH_KINDS.items():
        queryset = customer_list(actor=people[actor], filters=CustomerFilters(query=query))
        sql, params = queryset[:25].query.sql_with_params()
        plan = _plan(sql, params)
        if connection.vendor == "postgresql":
            assert not re.search(r"Seq Scan customers_(customer|contact)\b", plan), (kind, plan)
            assert "Index Scan" in plan, (kind, plan)
        else:
            # FTS5 virtual tables answer MATCH from their index; no base table is read in full
            assert not re.search(r"SCAN customers_(customer|contact)\b(?!_search)", plan), (
                kind,
                plan,
            )


def test_the_database_actually_uses_trigram_indexes_for_short_chinese_queries(
    units: dict[str, Unit], people: dict[str, Person], contact: Contact
) -> None:
    _fill(units, FILLER)
    queryset = customer_list(actor=people["hq.manager"], filters=CustomerFilters(query="中海"))
    sql, params = queryset[:25].query.sql_with_params()
    plan = _plan(sql, params)
    if connection.vendor == "postgresql":
        assert "customer_name_trgm" in plan, plan
        assert "contact_name_trgm" in plan, plan
    else:
        assert "customers_customer_search VIRTUAL TABLE" in plan, plan
        assert "customers_contact_search VIRTUAL TABLE" in plan, plan


def test_three_characters_or_more_use_the_plain_name_trigrams(
    units: dict[str, Unit], people: dict[str, Person], contact: Contact
) -> None:
    """On PostgreSQL the plain-name indexes answer, so the recheck is a cheap lower(name)."""
    _fill(units, FILLER)
    queryset = customer_list(actor=people["hq.manager"], filters=CustomerFilters(query="中海油"))
    sql, params = queryset[:25].query.sql_with_params()
    plan = _plan(sql, params)
    if connection.vendor == "postgresql":
        # the matches are fetched by the probe (few here), answered from the plain indexes
        from guanxi.customers.selectors import _substring_parts, _Union

        found = _Union()
        _substring_parts(found, "中海油", "postgresql")
        probe = _plan(" UNION ALL ".join(found.parts), tuple(found.params))
        assert "customer_name_plain_trgm" in probe, probe
        assert "contact_name_plain_trgm" in probe, probe
        assert "guanxi_tripled" not in " ".join(found.parts)
        assert "LIKE" not in sql  # the list itself filters by those ids
    else:
        assert "customers_customer_search VIRTUAL TABLE" in plan, plan
    short = customer_list(actor=people["hq.manager"], filters=CustomerFilters(query="中海"))
    long_names = {c.name for c in queryset}
    assert long_names
    assert all("中海油" in name for name in long_names)
    assert long_names <= {c.name for c in short}


@pytest.mark.parametrize("actor", ["hq.manager", "div1.staff"])
def test_a_common_word_walks_the_list_and_finds_what_the_lookup_finds(
    actor: str,
    units: dict[str, Unit],
    people: dict[str, Person],
    contact: Contact,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL a word in most names is filtered while walking the list's order (no
    trigram lookup of thousands of matches); the rows are exactly the lookup's."""
    from guanxi.customers import selectors

    _fill(units, FILLER)
    filters = CustomerFilters(query="有限公司")  # Faker's company names nearly all end so
    walked = customer_list(actor=people[actor], filters=filters)
    sql, params = walked[:25].query.sql_with_params()
    monkeypatch.setattr(selectors, "PROBE_IDS", 10**9)  # never walk
    looked_up = customer_list(actor=people[actor], filters=filters)
    lookup_sql, _ = looked_up[:25].query.sql_with_params()
    assert [c.pk for c in walked[:25]] == [c.pk for c in looked_up[:25]]
    assert set(walked.values_list("pk", flat=True)) == set(looked_up.values_list("pk", flat=True))
    assert walked.count() > FILLER // 10
    if connection.vendor == "postgresql":
        assert "LIKE" in sql  # walked: the name filter is part of the list's query
        assert "customer_name_plain_trgm" not in _plan(sql, params)
        assert "LIKE" not in lookup_sql  # looked up: the list filters by the probe's ids
    else:
        # SQLite always looks up, in its FTS5 tables
        assert "customers_customer_search" in sql
        assert "customers_customer_search" in lookup_sql


@pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"], reason="PostgreSQL's locale check"
)
def test_the_postgresql_locale_lets_pg_trgm_read_chinese() -> None:
    """Under a C (non-UTF-8) ctype pg_trgm drops non-ASCII characters and finds nothing."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm('中海油')")
        assert cursor.fetchone()[0]


# --- the list page ---------------------------------------------------------------------------

PAGE_QUERIES = 14


@pytest.mark.parametrize("rows", [3, 40])
@pytest.mark.parametrize("params", [{}, {"q": "公司", "sort": "name"}, {"q": "gs", "sort": "tier"}])
def test_the_list_page_costs_the_same_queries_at_any_size(
    rows: int,
    params: dict[str, str],
    units: dict[str, Unit],
    page_as: Any,
    django_assert_max_num_queries: Any,
    list_read_queries: int,
) -> None:
    _fill(units, rows)
    client = page_as("div1.staff")
    with django_assert_max_num_queries(PAGE_QUERIES + list_read_queries):
        response = client.get("/customers/", params)
    assert response.status_code == 200


def test_the_list_page_filters_sorts_and_pages(
    many: list[Customer], page_as: Any, people: dict[str, Person]
) -> None:
    client = page_as("div1.staff")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    first = client.get("/customers/", {"sort": "name", "q": "hh"})
    body = first.content.decode()
    assert "华海" in body
    assert "Name (pinyin)" in body
    walked: list[str] = []
    response = client.get("/customers/", {"sort": "name"}, HTTP_HX_REQUEST="true")
    for _ in range(10):
        walked += re.findall(r'href="/customers/(\d+)/"', response.content.decode())
        next_link = r'href="\?([^"]*after=[^"]*)" data-testid="next-page"'
        link = re.search(next_link, response.content.decode())
        if link is None:
            break
        response = client.get("/customers/?" + link.group(1).replace("&amp;", "&"))
    expected = sorted(many, key=lambda c: (c.name_pinyin, c.pk))
    assert [int(pk) for pk in walked] == [c.pk for c in expected]


def test_the_list_page_ignores_nonsense_parameters(cnooc: Customer, page_as: Any) -> None:
    client = page_as("div1.staff")
    response = client.get(
        "/customers/",
        {"sort": "bogus", "unit": "x", "manager": "-3", "after": "!!", "q": "%" * 300},
    )
    assert response.status_code == 200
