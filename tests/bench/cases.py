"""What the benchmark measures, and the targets of issue 5.

A later capability adds its benchmark with one `Case` line. `path` may name placeholders that
the runner fills per person from the seeded data: {customer} (a customer the person may see),
{deep} (an id deep in the person's customer list), {cursor} (an API cursor that deep),
{zh} (a Chinese fragment of a visible name), {initials} (pinyin initials of one),
{busy} (the customer the generator gave 5,000 contact reports: the newest report's customer).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    median_ms: float | None = None
    p95_ms: float | None = None
    rps: float | None = None


FAST = Target(median_ms=50, p95_ms=150)  # search, lists, detail, API (issue 5)
DASHBOARD = Target(median_ms=300)  # dashboards and plan consolidation (issue 5)
DETAIL_API = Target(median_ms=50, p95_ms=150, rps=300)  # ≥ 300 rps with 8 clients
IMPORT_10K_S = 15.0  # import of 10,000 rows
VERIFY_20M_S = 60.0  # `guanxi audit verify` over 20 million entries
TIMELINE = Target(median_ms=100)  # a customer's timeline of 5,000 events, first page (issue 13)
ANALYTICS = Target(median_ms=1000)  # satisfaction over 1,000,000 forms (issue 13, ACT-6)
RISK = Target(median_ms=1000)  # the at-risk list over 1,000,000 customers (issue 13)
RSS_MB = 300.0  # peak resident memory per server process
PERSONS = {"hq": "hq.manager", "division": "div1.manager"}
# months of `guanxi seed`'s history (seeding/generator/records.py HISTORY_END is 2026-06-30)
LAST_SEEDED_MONTH = "2026-06-01"
ACCEPTED_SEEDED_MONTH = "2026-05-01"


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    who: str  # a key of PERSONS, or "both"
    target: Target
    api: bool = False
    planned: str = ""  # a capability not built yet: the case is listed, not run


CASES: list[Case] = [
    Case("customer search (Chinese)", "/customers/?q={zh}", "both", FAST),
    Case("customer search (pinyin initials)", "/customers/?q={initials}", "both", FAST),
    Case("customer list, first page", "/customers/", "both", FAST),
    Case("customer list, deep page", "/customers/?after={deep}", "both", FAST),
    Case("customer page (360 view, relationship map)", "/customers/{customer}/", "both", FAST),
    Case("access-log page", "/access-log/", "both", FAST),
    Case("API customers list", "/api/v1/customers/", "both", FAST, api=True),
    Case("API customers deep page", "/api/v1/customers/?cursor={cursor}", "both", FAST, api=True),
    Case("API customer detail", "/api/v1/customers/{customer}/", "both", DETAIL_API, api=True),
    Case("API customer search", "/api/v1/customers/?q={initials}", "both", FAST, api=True),
    Case("API contacts list", "/api/v1/contacts/", "both", FAST, api=True),
    Case("API relationship map", "/api/v1/relationships/", "both", FAST, api=True),
    Case("API access log", "/api/v1/access-log/", "both", FAST, api=True),
    Case("plan consolidation page", "/plans/consolidation/", "hq", DASHBOARD, planned="plans"),
    # the generator's history ends in June 2026: June's plans await HQ, May's are accepted
    Case(
        "plan consolidation, a month with plans",
        f"/plans/consolidation/?kind=care&period=month&day={LAST_SEEDED_MONTH}",
        "hq",
        DASHBOARD,
    ),
    Case(
        "company plan, a month with plans",
        f"/plans/company/?period=month&day={ACCEPTED_SEEDED_MONTH}",
        "hq",
        DASHBOARD,
    ),
    Case("approval inbox", "/approvals/", "both", FAST, planned="approvals"),
    Case("activity list", "/activities/", "both", FAST, planned="activities"),
    Case(
        "API activities list", "/api/v1/activities/", "both", FAST, api=True, planned="activities"
    ),
    # the archive's history and key-customer work (generated since 2026-12)
    Case("market reports", "/market-reports/", "both", FAST),
    Case("key-customer visits", "/keycustomers/visits/", "both", FAST),
    Case("my follow-ups", "/keycustomers/follow-ups/", "both", FAST),
    Case("customer plans", "/keycustomers/customer-plans/", "both", FAST),
    Case("campaigns", "/keycustomers/campaigns/", "both", FAST),
    Case("API visit plans", "/api/v1/visit-plans/", "both", FAST, api=True),
    Case("API customer plans", "/api/v1/customer-plans/", "both", FAST, api=True),
    Case("API campaigns", "/api/v1/campaigns/", "both", FAST, api=True),
    # contact reports and the customer's timeline (issue 13 items 5, 12)
    Case("contact reports", "/contact-reports/", "both", FAST),
    Case("customer timeline, 5,000 events", "/customers/{busy}/timeline/", "both", TIMELINE),
    Case(
        "API customer timeline, 5,000 events",
        "/api/v1/customers/{busy}/timeline/",
        "both",
        TIMELINE,
        api=True,
    ),
    Case("API contact reports", "/api/v1/contact-reports/", "both", FAST, api=True),
    # satisfaction analytics over the generator's forms, its whole history (issue 13 item 6)
    Case(
        "satisfaction page, five years by quarter",
        "/satisfaction/?from=2021-07-01&to=2026-06-30&period=quarter",
        "both",
        ANALYTICS,
    ),
    Case("satisfaction page, the last year", "/satisfaction/", "both", ANALYTICS),
    Case(
        "API satisfaction, five years by month",
        "/api/v1/satisfaction/?from=2021-07-01&to=2026-06-30",
        "both",
        ANALYTICS,
        api=True,
    ),
    Case(  # the first and last months cut: those two months from the rating rows (issue 13)
        "API satisfaction, five years, edge months cut",
        "/api/v1/satisfaction/?from=2021-07-15&to=2026-06-20",
        "both",
        ANALYTICS,
        api=True,
    ),
    Case(
        "customer satisfaction section",
        "/customers/{customer}/satisfaction/section/",
        "both",
        FAST,
    ),
    # relationship risk warnings (issue 13 item 11)
    Case("at-risk list", "/risk-signals/", "both", RISK),
    Case("API at-risk list", "/api/v1/risk-signals/", "both", RISK, api=True),
]
