"""`/api/v1/calendar/…`: N working days after a date, a year's days with their source; bad
input is a 400 naming the parameter in the reader's language, never a 500."""

from __future__ import annotations

import pytest

from guanxi.workdays import services
from tests.workdays.notices import NOTICE_2027_SAMPLE

pytestmark = pytest.mark.django_db
WORKING_DAYS = "/api/v1/calendar/working-days/"


@pytest.mark.parametrize(
    ("start", "days", "answer"),
    [
        ("2026-09-30", 1, "2026-10-08"),  # over National Day and the Mid-autumn week
        ("2026-10-08", -1, "2026-09-30"),
        ("2026-02-13", 1, "2026-02-14"),  # the Saturday worked before the Spring Festival
        ("2026-02-13", 2, "2026-02-24"),
        ("2026-06-28", 0, "2026-06-28"),
    ],
)
def test_it_counts_working_days_over_the_holidays(
    api_as, start: str, days: int, answer: str
) -> None:  # type: ignore[no-untyped-def]
    found = api_as("div1.staff").get(WORKING_DAYS, {"from": start, "days": days})
    assert found.status_code == 200
    assert found.json() == {"date": answer, "official": True, "message": ""}


def test_a_count_into_an_unofficial_year_says_so(api_as) -> None:  # type: ignore[no-untyped-def]
    found = api_as("finance").get(
        WORKING_DAYS, {"from": "2028-02-25", "days": 2}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert found.json() == {
        "date": "2028-02-29",
        "official": False,
        "message": "2028 has no official holiday data: counted with weekends only.",
    }


def test_a_confirmed_notice_turns_the_answer_official(api_as, admin) -> None:  # type: ignore[no-untyped-def]
    client = api_as("div1.staff")
    before = client.get(WORKING_DAYS, {"from": "2027-09-30", "days": 1}).json()
    services.notice_confirm(actor=admin, text=NOTICE_2027_SAMPLE, year=None)
    after = client.get(WORKING_DAYS, {"from": "2027-09-30", "days": 1}).json()
    assert (before["date"], before["official"]) == ("2027-10-01", False)
    assert (after["date"], after["official"]) == ("2027-10-08", True)


@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({"days": 3}, "from", "请按 YYYY-MM-DD 填写 2000 至 2100 年之间的日期。"),
        ({"from": "2026-02-30", "days": 3}, "from", "请按 YYYY-MM-DD"),
        ({"from": "26-1-1", "days": 3}, "from", "请按 YYYY-MM-DD"),
        ({"from": "1999-12-31", "days": 3}, "from", "请按 YYYY-MM-DD"),
        ({"from": "2026-01-05"}, "days", "请填写 -3660 至 3660 之间的整数。"),
        ({"from": "2026-01-05", "days": 3661}, "days", "3660"),
        ({"from": "2026-01-05", "days": "1e3"}, "days", "3660"),
        ({"from": "2026-01-05", "days": "99999999999999999999"}, "days", "3660"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(api_as, params, name: str, message: str) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").get(WORKING_DAYS, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 400
    assert message in answer.json()[name][0]


def test_the_days_of_a_year_name_their_source(api_as, company_holiday) -> None:  # type: ignore[no-untyped-def]
    body = api_as("div1.staff").get("/api/v1/calendar/days/", {"year": 2026}).json()
    days = {row["date"]: row for row in body["days"]}
    assert (body["year"], body["official"], body["message"]) == (2026, True, "")
    assert days["2026-02-15"] == {
        "date": "2026-02-15", "kind": "holiday", "name": "春节", "source": "package"
    }  # fmt: skip
    assert days["2026-02-28"]["kind"] == "working_day"
    assert days["2026-03-10"] == {
        "date": "2026-03-10", "kind": "holiday", "name": "公司司庆", "source": "override"
    }  # fmt: skip
    assert len(body["days"]) == 33 + 6 + 1


def test_an_unofficial_year_has_no_days_and_says_why(api_as) -> None:  # type: ignore[no-untyped-def]
    body = api_as("auditor").get("/api/v1/calendar/days/", {"year": 2028}).json()
    assert body["official"] is False
    assert body["days"] == []
    assert "2028" in body["message"]


def test_a_year_out_of_range_is_refused(api_as) -> None:  # type: ignore[no-untyped-def]
    answer = api_as("div1.staff").get(
        "/api/v1/calendar/days/", {"year": "20260101"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 400
    assert answer.json() == {"year": ["Give a whole number from 2000 to 2100."]}


def test_signed_out_callers_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(WORKING_DAYS, {"from": "2026-01-05", "days": 1}).status_code in {401, 403}
    assert client.get("/api/v1/calendar/days/").status_code in {401, 403}


def test_the_answer_is_in_the_schema(api_as) -> None:  # type: ignore[no-untyped-def]
    schema = api_as("div1.staff").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"][WORKING_DAYS]["get"]["parameters"]
    assert {p["name"] for p in parameters} >= {"from", "days"}
    assert "/api/v1/calendar/days/" in schema["paths"]
