"""Every write endpoint of the OpenAPI document keeps what it is sent.

For each POST / PUT / PATCH in the generated schema, a body is built from the documented request
component (its example where it has one, else a value per property from the property's type,
format, enum and length, with real ids from the factory world where the schema only says
"integer"), sent as a role that may write, and each writable field is read back from the stored
record (GET the object) and compared with what was sent. State transitions and uploads cannot
take a generic body; they get explicit bodies below and their stored effect is read back too.

A field the endpoint would drop shows as a mismatch; a field the response never shows must be
named in WRITE_ONLY with the reason, so "cannot be read back" is a decision, not a blind spot.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from faker import Faker
from rest_framework.test import APIClient

from guanxi.activities import services as activities
from guanxi.approvals import services as approvals
from guanxi.contactreports import services as contact_reports
from guanxi.customers.services import customer_create
from guanxi.demands import complaints, monthly
from guanxi.demands import services as demand_services
from guanxi.keycustomers import campaigns, customer_plans, visits
from guanxi.keycustomers.models import ActionPlanRow, ContactPlanRow, RevenuePlanRow
from guanxi.organisation.models import Person, Unit
from guanxi.organisation.services import person_create
from guanxi.plans import services as plan_services
from guanxi.plans.models import Plan
from guanxi.plans.services import ITEM_FIELDS
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.names import credit_code
from tests.customers.test_excel import workbook
from tests.customers.test_photos import png_bytes
from tests.plans.conftest import make_plan
from tests.security.world import Planted, plant

__all__ = ["make_plan"]  # the plans tests' fixture

pytestmark = [pytest.mark.django_db, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

NOW = datetime.datetime(2026, 3, 20, 4, 0, tzinfo=datetime.UTC)  # noon in Beijing
WRITES = ("post", "put", "patch")

# Fields a request takes that no response shows, each with the reason it cannot be read back.
WRITE_ONLY = {
    ("/api/v1/plans/", "day"): "any day in the period; read back as the period's `starts`",
    ("/api/v1/customers/", "duplicate_reason"): "kept in the history entry, not on the customer",
    ("/api/v1/auth/token/", "password"): "a secret; the token it yields is used instead",
    ("/api/v1/auth/token/", "username"): "answered with a token; the token is used instead",
    ("/api/v1/improvement-proposals/", "new_sources"): "read back as `sources`, with the quotes",
}
# Fields read back somewhere else than under their own name.
READ_AT: dict[tuple[str, str], Callable[[dict[str, Any]], Any]] = {
    # a relationship's note is the note of the change that set it (its newest event)
    ("/api/v1/relationships/", "note"): lambda r: max(r["events"], key=lambda e: e["at"])["note"],
}
# The concurrency token: sent as loaded, answered incremented.
NOT_COMPARED = {"version"}
MISSING = object()
CREATE_ONLY = "此项在创建记录时确定，之后不能修改。"
# A PATCH names a second pair of people, not the pair its row already holds.
PATCH_VALUES: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("/api/v1/contact-plan-rows/{id}/", "our_person"): lambda w: w.people["div1.manager"].pk,
}


def _operations() -> list[tuple[str, str]]:
    document = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path)
        for path, item in document["paths"].items()
        for method in item
        if method in WRITES
    )


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    people: dict[str, Person]
    units: dict[str, Unit]
    planted: Planted
    ids: dict[str, Any] = field(default_factory=dict)


def _accepted_plan(make_plan: Callable[..., Plan], people: dict[str, Person]) -> Plan:
    plan = make_plan(kind="visit", items=2)
    plan = plan_services.plan_submit(actor=people["div1.staff"], plan=plan, version=plan.version)
    return plan_services.plan_accept(actor=people["hq.manager"], plan=plan, version=plan.version)


def _submitted(make_plan: Callable[..., Plan], people: dict[str, Person], **kw: Any) -> Plan:
    plan = make_plan(**kw)
    actor = people[kw.get("actor", "div1.manager")]
    return plan_services.plan_submit(actor=actor, plan=plan, version=plan.version)


def _activity(people: dict[str, Person], **kw: Any) -> Any:
    data = activities.ActivityData(
        name="渤海作业区客户答谢会", date=datetime.date(2026, 3, 12), cost=Decimal("800")
    )
    return activities.activity_record(actor=people["div1.staff"], data=data, **kw)


def _visit(planted: Planted, people: dict[str, Person]) -> Any:
    return visits.visit_create(
        actor=people["div1.manager"],
        direction="outgoing",
        customer=planted.customer,
        theme="渤海湾钻完井合作洽谈",
        starts_on=datetime.date(2026, 3, 10),
        ends_on=datetime.date(2026, 3, 11),
        their_people=[planted.contact],
    )


def _campaign(people: dict[str, Person], units: dict[str, Unit], publish: bool) -> Any:
    made = campaigns.campaign_create(
        actor=people["hq.manager"],
        scope="company",
        unit=units["HQ"],
        title="随钻测井服务全国推广",
        product="随钻测井",
        starts_on=datetime.date(2026, 4, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    if publish:
        made = campaigns.campaign_publish(actor=people["hq.manager"], campaign=made, version=1)
    return made


def _approval(people: dict[str, Person], units: dict[str, Unit]) -> Any:
    activity = _activity(people, unit=units["DIV1"], kind="care")
    return approvals.subject_status(subject=activity)["unplanned_care"]


def _customer_plan_rows(world: World) -> None:
    people, customer = world.people, world.planted.customer
    plan = customer_plans.customer_plan_create(
        actor=people["div1.cm"], customer=customer, year=2026
    )
    add = customer_plans.plan_row_add
    world.ids["customer_plan"] = plan
    world.ids["contact_row"] = add(
        actor=people["div1.cm"],
        plan=plan,
        kind=ContactPlanRow,
        our_person=people["div1.cm"],
        their_person=world.planted.contact,
    )
    world.ids["action_row"] = add(
        actor=people["div1.cm"],
        plan=plan,
        kind=ActionPlanRow,
        action="拜访采办部",
        owner=people["div1.cm"],
        starts_on=datetime.date(2026, 3, 1),
        ends_on=datetime.date(2026, 3, 31),
    )
    world.ids["revenue_row"] = add(
        actor=people["div1.cm"],
        plan=plan,
        kind=RevenuePlanRow,
        project="渤中钻井服务",
        contract_amount=Decimal("1000000"),
        win_rate=Decimal("0.5"),
        margin=Decimal("0.1"),
    )


def _contact_report(world: World) -> None:
    """A contact report and a next contact date of the planted customer."""
    people, customer = world.people, world.planted.customer
    world.ids["contact_report"] = contact_reports.contact_report_create(
        actor=people["div1.staff"],
        customer=customer,
        key_persons=[world.planted.contact],
        kind="call",
        contacted_on=datetime.date(2026, 3, 18),
        summary="电话确认四月技术交流会议程",
    )
    contact_reports.next_contact_set(
        actor=people["div1.cm"],
        customer=world.ids["other_customer"],
        version=0,
        next_contact_on=datetime.date(2026, 4, 2),
    )


@pytest.fixture
def world(people, units, make_plan, make_customer) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        planted = plant(actor=people["hq.manager"], unit=units["DIV1"], marker="往返", code_seed=41)
        built = World(people=people, units=units, planted=planted)
        ids = built.ids
        ids["draft_plan"] = make_plan()
        ids["accepted_item"] = _accepted_plan(make_plan, people).items.first()
        ids["to_submit"] = make_plan(period="quarter")
        ids["to_return"] = _submitted(make_plan, people, unit="DIV2", actor="div2.staff")
        ids["to_accept"] = _submitted(make_plan, people, unit="BR1", actor="branch1.manager")
        ids["activity"] = _activity(people, plan_item=ids["accepted_item"])
        ids["to_approve"] = _approval(people, units)
        ids["to_reject"] = _approval(people, units)
        ids["visit"] = _visit(planted, people)
        ids["to_cancel_visit"] = _visit(planted, people)
        ids["follow_up"] = visits.follow_up_add(
            actor=people["div1.manager"],
            visit=ids["visit"],
            title="寄送报价",
            owner=people["div1.cm"],
            due_on=datetime.date(2026, 4, 1),
        )
        ids["campaign"] = _campaign(people, units, publish=True)
        ids["draft_campaign"] = _campaign(people, units, publish=False)
        ids["to_close"] = _campaign(people, units, publish=True)
        ids["target"] = campaigns.target_add(
            actor=people["div1.manager"], campaign=ids["campaign"], customer=planted.customer
        )
        ids["delegation"] = approvals.delegation_create(
            actor=people["hq.manager"],
            delegate=people["hq.staff"],
            starts=datetime.date(2026, 3, 20),
            ends=datetime.date(2026, 3, 30),
        )
        ids["other_customer"] = make_customer("DIV1")
        ids["newcomer"] = person_create(
            actor=people["admin"], username="wang.hai", display_name="王海"
        )
        _customer_plan_rows(built)
        _contact_report(built)
        _demands(built)
        _forms(built)
        _improvements(built)
        yield built


def _demands(world: World) -> None:
    """A demand to edit and move, one to escalate, a complaint to answer, a report to publish."""
    people, ids, customer = world.people, world.ids, world.planted.customer
    writer = people["div1.manager"]

    def demand(title: str) -> Any:
        return demand_services.demand_create(
            actor=writer,
            customer=customer,
            category="contract_risk",
            severity="major",
            title=title,
            description="客户要求调整结算方式",
            owner=people["div1.cm"],
            raised_on=datetime.date(2026, 3, 1),
            due_on=datetime.date(2026, 3, 31),
        )

    ids["demand"] = demand("结算方式调整")
    ids["demand_to_escalate"] = demand("需总部协调")
    ids["complaint"] = complaints.complaint_create(
        actor=writer,
        customer=customer,
        received_at=datetime.datetime(2026, 3, 19, 9, 0, tzinfo=datetime.UTC),
        channel="phone",
        description="作业延误投诉",
    )
    ids["monthly_report"] = monthly.report_generate(
        actor=people["hq.manager"], month=datetime.date(2026, 1, 1)
    )
    ids["strategic_customer"] = customer_create(
        actor=people["hq.manager"],
        name="中海油气电集团战略客户有限公司",
        owning_unit=world.units["DIV1"],
        tier=demand_services.rules().report_tiers[0],
        credit_code="91110000710925462X",
    )
    ids["submission"] = monthly.submission_open(
        actor=writer, unit=world.units["DIV1"], month=datetime.date(2026, 1, 1)
    )
    demand_services.follower_set(
        actor=people["hq.manager"], customer=ids["strategic_customer"], person=people["hq.staff"]
    )
    demand_services.unit_contact_set(
        actor=writer, unit=world.units["DIV1"], person=people["div1.cm"]
    )


def _forms(world: World) -> None:
    """A form of each kind (000 附表一–三), each recording a carried-out activity of DIV1."""
    from guanxi.activities.models import Activity
    from guanxi.feedback import services as feedback

    staff = world.people["div1.staff"]
    for kind in ("visit", "care", "seminar"):
        activity = Activity.objects.create(
            unit=world.units["DIV1"],
            kind=kind,
            name="作业后回访",
            customer=world.planted.customer,
            date=datetime.date(2026, 3, 2),
            created_by=staff,
        )
        activity.our_people.set([staff])
        world.ids[f"{kind}_form"] = feedback.record_create(
            actor=staff, kind=kind, activity=activity, data=feedback.prefill(activity)
        )
        world.ids[f"{kind}_activity"] = Activity.objects.create(
            unit=world.units["DIV1"],
            kind=kind,
            name="待填写",
            customer=world.planted.customer,
            date=datetime.date(2026, 3, 3),
            created_by=staff,
        )


def _improvements(world: World) -> None:
    """A form rated 差 and a seminar with opinions; proposals to edit, submit, accept and
    return; plan items to report on and reassign; an opinion forwarded; risk signals."""
    from guanxi.activities.models import Activity
    from guanxi.feedback import services as feedback
    from guanxi.improvements import services
    from guanxi.risk.refresh import refresh

    staff, boss, ids = world.people["div1.staff"], world.people["hq.manager"], world.ids

    def form(kind: str, **values: Any) -> Any:
        activity = Activity.objects.create(
            unit=world.units["DIV1"],
            kind=kind,
            name="改进来源",
            customer=world.planted.customer,
            date=datetime.date(2026, 3, 5),
            created_by=staff,
        )
        activity.our_people.set([staff])
        data = feedback.prefill(activity)
        for name, value in values.items():
            setattr(data, name, value)
        return feedback.record_create(actor=staff, kind=kind, activity=activity, data=data)

    ids["low_form"] = form("visit", satisfaction="poor", requests="希望缩短作业报告提交周期")
    ids["opinions_form"] = form(
        "seminar", opinions=[{"text": "希望增加现场演示", "unit": "渤海石油研究院"}]
    )

    def proposal(title: str) -> Any:
        return services.proposal_create(
            actor=staff,
            unit=world.units["DIV1"],
            sources=services.suggested_sources(ids["low_form"]),
            title=title,
            problem="客户满意程度为差",
            measures="作业报告在完工后 3 个工作日内提交",
        )

    ids["proposal"] = proposal("待修改的方案")
    ids["to_submit_proposal"] = proposal("待提交的方案")
    for name in ("proposal_to_accept", "proposal_to_return"):
        ids[name] = proposal(name)
        services.proposal_submit(actor=staff, proposal=ids[name], version=1)
    for name in ("plan_item", "item_to_assign"):
        ids[name] = services.item_create(
            actor=boss,
            year=2026,
            title="统一填写要求",
            measures="下发指引",
            department=world.units["DIV1"],
        )
    ids["forward"] = services.opinion_forward(
        actor=boss, record=ids["opinions_form"], opinion=0, department=world.units["DIV1"]
    )
    refresh()


# --------------------------------------------------------------------------- bodies


class Bodies:
    """A body for an operation from its documented request component."""

    def __init__(self, document: dict[str, Any], world: World) -> None:
        self.document, self.world = document, world
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(12)
        self.random = random.Random(12)

    def component(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        if "allOf" in schema:
            return self.component(schema["allOf"][0])
        if "oneOf" in schema:
            return self.component(schema["oneOf"][0])
        return schema

    def request_schema(self, method: str, path: str) -> dict[str, Any]:
        content = self.document["paths"][path][method]["requestBody"]["content"]
        return self.component(next(iter(content.values()))["schema"])

    def build(self, method: str, path: str) -> dict[str, Any]:
        schema = self.request_schema(method, path)
        if "example" in schema:
            return dict(schema["example"])
        return {
            name: self.value(path, name, self.component(prop))
            for name, prop in schema.get("properties", {}).items()
            if not prop.get("readOnly") and self.used(path, name)
        }

    def used(self, path: str, name: str) -> bool:
        """A plan item takes the fields of its plan's kind (policy [[plans]] fields); the
        others are refused by name (test_kept_as_sent), so the example leaves them out."""
        if not path.startswith("/api/v1/plan-items/") or name not in ITEM_FIELDS:
            return True
        return name in current_policy().plans[self.world.ids["draft_plan"].kind].fields

    def value(self, path: str, name: str, prop: dict[str, Any]) -> Any:
        known = self.known(path, name)
        if known is not MISSING:
            return known
        if "enum" in prop:
            return [choice for choice in prop["enum"] if choice][-1]
        kind, fmt = prop.get("type"), prop.get("format", "")
        if kind == "array":
            return [self.value(path, name, self.component(prop["items"]))]
        if kind == "object":
            return {
                key: self.value(path, key, self.component(sub))
                for key, sub in prop.get("properties", {}).items()
                if not sub.get("readOnly")
            }
        if kind == "boolean":
            return True
        if kind == "integer":
            return max(prop.get("minimum", 3), min(3, prop.get("maximum", 3)))
        return self.string(name, fmt, prop.get("maxLength", 200))

    def string(self, name: str, fmt: str, limit: int) -> str:
        if fmt == "date":
            return "2026-03-12"
        if fmt == "date-time":
            return "2026-03-12T09:30:00+08:00"
        if fmt == "decimal":
            return "1234.50"
        if fmt == "email" or name == "email":
            return self.fake.email()
        if fmt == "uri" or name == "website":
            return "https://www.example.cn/"
        if name in {"phone", "mobile", "home_phone", "fax"}:
            return self.fake.phone_number()[:limit]
        if name == "postcode":
            return self.fake.postcode()[:limit]
        return self.fake.sentence(nb_words=6)[: min(limit, 60)].strip()

    def known(self, path: str, name: str) -> Any:
        """What the schema cannot say: real ids of the world and the policy's own codes."""
        w, ids = self.world, self.world.ids
        people, units, planted = w.people, w.units, w.planted
        policy = current_policy()
        by_path: dict[tuple[str, str], Any] = {
            ("/api/v1/plan-items/", "plan"): ids["draft_plan"].pk,
            ("/api/v1/activities/", "kind"): "visit",  # the accepted plan item's kind
            ("/api/v1/plans/", "day"): "2026-06-10",
            ("/api/v1/plans/", "kind"): "care",
            ("/api/v1/plans/", "period"): "month",
            ("/api/v1/customer-plans/", "year"): 2027,
            ("/api/v1/campaigns/", "scope"): "regional",
            ("/api/v1/campaign-targets/", "customer"): ids["other_customer"].pk,
            ("/api/v1/customer-departments/", "parent"): None,  # a top-level department
            ("/api/v1/relationships/", "version"): planted.relationship.version,
            ("/api/v1/contact-plan-rows/", "our_person"): people["hq.staff"].pk,
            ("/api/v1/units/", "kind"): "base",
            ("/api/v1/units/", "parent"): units["DIV1"].pk,
            ("/api/v1/relationships/", "contact"): planted.contact.pk,
            ("/api/v1/operations/", "ended_on"): "2026-03-15",
            ("/api/v1/operations/", "started_on"): "2026-03-02",
            ("/api/v1/visit-plans/", "ends_on"): "2026-03-13",
            ("/api/v1/action-plan-rows/", "status"): "in_progress",
            ("/api/v1/action-plan-rows/", "ends_on"): "2026-03-31",
            ("/api/v1/customers/", "manager"): people["div1.cm"].pk,
            ("/api/v1/contact-reports/", "kind"): "meeting",
            ("/api/v1/next-contacts/", "next_contact_on"): "2026-04-15",
            ("/api/v1/next-contacts/", "version"): 0,
            ("/api/v1/strategic-followers/", "customer"): ids["strategic_customer"].pk,
            ("/api/v1/strategic-followers/", "person"): people["hq.staff"].pk,
            ("/api/v1/unit-contacts/", "person"): people["div1.staff"].pk,
            ("/api/v1/improvement-proposals/", "new_sources"): [
                {"record": ids["low_form"].pk, "kind": "request", "dimension": "", "opinion": None}
            ],
            ("/api/v1/improvement-plan-items/", "department"): units["DIV1"].pk,
            ("/api/v1/improvement-plan-items/", "deadline"): "2026-06-30",
            ("/api/v1/forwarded-opinions/", "record"): ids["opinions_form"].pk,
            ("/api/v1/forwarded-opinions/", "opinion"): 0,
            ("/api/v1/forwarded-opinions/", "department"): units["BASE11"].pk,
            **_form_values(w),
        }
        collection = path.split("{id}")[0]
        if (path, name) in PATCH_VALUES:
            return PATCH_VALUES[(path, name)](self.world)
        if (collection, name) in by_path:
            return by_path[(collection, name)]
        if name in policy.dimensions:
            return policy.dimensions[name].options[-1].key
        if name == "source":
            return next(iter(policy.sources))
        common: dict[str, Any] = {
            "unit": units["DIV1"].pk,
            "owning_unit": units["DIV1"].pk,
            "our_unit": units["DIV1"].pk,
            "executing_unit": units["DIV1"].pk,
            "customer": planted.customer.pk,
            "department": planted.department.pk,
            "contact": planted.contact.pk,
            "their_person": planted.contact.pk,
            "dealing": planted.dealing.pk,
            "plan": ids["customer_plan"].pk,
            "plan_item": ids["accepted_item"].pk,
            "campaign": ids["campaign"].pk,
            "owner": people["div1.cm"].pk,
            "our_person": people["div1.manager"].pk,
            "delegate": people["hq.staff"].pk,
            "person": ids["newcomer"].pk,
            "our_people": [people["div1.manager"].pk],
            "holders": [people["div1.manager"].pk],
            "key_persons": [planted.contact.pk],
            "their_people": [planted.contact.pk],
            "notified_units": [units["BASE11"].pk],
            "tier": next(iter(policy.tiers)),
            "role": "staff",
            "credit_code": credit_code(self.random),
            "code": f"T{self.random.randint(100, 999)}",
            "username": f"user{self.random.randint(1000, 9999)}",
            "name_en": "Test base",
            "day": "2026-03-11",
            "month": "2026-02-01",
            "starts": "2026-03-21",
            "ends": "2026-03-25",
            "starts_on": "2026-03-10",
            "ends_on": "2026-03-20",
            "cooperation_since": 2015,
            "win_rate": "0.6000",
            "margin": "0.1500",
            "customer_count": 5,
        }
        return common.get(name, MISSING)


# --------------------------------------------------------------------------- read back


def _same(sent: Any, stored: Any) -> bool:
    if isinstance(sent, list) and isinstance(stored, list):
        if sent and isinstance(sent[0], dict):
            return len(sent) == len(stored) and all(
                _same(a, {k: b.get(k) for k in a}) for a, b in zip(sent, stored, strict=True)
            )
        return sorted(map(str, sent)) == sorted(map(str, stored))
    if isinstance(sent, dict) and isinstance(stored, dict):
        return all(_same(v, stored.get(k)) for k, v in sent.items())
    if isinstance(sent, str) and isinstance(stored, str):
        for parse in (Decimal, datetime.datetime.fromisoformat):
            try:
                return bool(parse(sent) == parse(stored))  # type: ignore[operator]
            except (ArithmeticError, ValueError):
                continue
    return bool(sent == stored)


def _read_back(client: APIClient, collection: str, pk: int, detail: bool) -> dict[str, Any]:
    if detail:
        answer = client.get(f"{collection}{pk}/")
        assert answer.status_code == 200, answer.content
        return dict(answer.json())
    rows = client.get(collection).json()["results"]
    return next(row for row in rows if row["id"] == pk)


# --------------------------------------------------------------------------- the operations

# The activity forms (000 附表一–三): collection -> kind.
FORMS = {
    "/api/v1/visit-records/": "visit",
    "/api/v1/care-records/": "care",
    "/api/v1/seminar-feedback/": "seminar",
}


def _form_values(w: World) -> dict[tuple[str, str], Any]:
    """What each form's kind accepts: the policy's ratings on the visit record, remarks on
    the care record, opinions on the seminar feedback; a fresh carried-out activity each."""
    values: dict[tuple[str, str], Any] = {}
    for path, kind in FORMS.items():
        values[(path, "activity")] = w.ids[f"{kind}_activity"].pk
        values[(path, "satisfaction")] = "good" if kind == "visit" else ""
        values[(path, "ratings")] = {"quality": "good", "staff": "fair"} if kind == "visit" else {}
        values[(path, "remarks")] = {"attitude": "服务主动"} if kind == "care" else {}
        values[(path, "opinions")] = (
            [{"text": "希望增加现场演示", "unit": "工程技术部"}] if kind == "seminar" else []
        )
        values[(path, "visited_person")] = w.planted.contact.pk
        values[(path, "key_persons")] = [w.planted.contact.pk]
        values[(path, "service_unit")] = w.units["DIV1"].pk
        values[(path, "operation")] = w.planted.operation.pk
        values[(path, "our_people")] = [w.people["div1.staff"].pk]
    return values


def _sign_body(kind: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {
        "version": w.ids[f"{kind}_form"].version,
        "role": "visitor",
        "opinion": "满意",
    }


def _signed(kind: str) -> Callable[[World, dict[str, Any]], dict[str, Any]]:
    """A signature is an act on the form: it moves on one version and lists the signer."""
    return lambda w, r: {
        "version": w.ids[f"{kind}_form"].version + 1,
        "signatures": [{"role": "visitor", "signer": w.people["div1.staff"].pk}],
    }


# Who may write where (the first role that may); the rest write as the division manager.
WRITERS = {
    "/api/v1/units/": "admin",
    "/api/v1/people/": "admin",
    "/api/v1/memberships/": "admin",
    "/api/v1/plans/": "div1.manager",
    "/api/v1/plan-items/": "div1.manager",
    "/api/v1/activities/": "div1.staff",
    "/api/v1/campaigns/": "hq.manager",
    "/api/v1/delegations/": "hq.manager",
    "/api/v1/customer-plans/": "div1.cm",
    "/api/v1/contact-plan-rows/": "div1.cm",
    "/api/v1/action-plan-rows/": "div1.cm",
    "/api/v1/revenue-plan-rows/": "div1.cm",
    "/api/v1/monthly-reports/": "hq.manager",
    "/api/v1/strategic-followers/": "hq.manager",
    "/api/v1/improvement-proposals/": "div1.staff",
    "/api/v1/improvement-plan-items/": "hq.manager",
    **dict.fromkeys(FORMS, "div1.staff"),
}

# The record a PATCH /{id}/ changes, from the world.
PATCHED = {
    "/api/v1/action-plan-rows/": "action_row",
    "/api/v1/activities/": "activity",
    "/api/v1/campaign-targets/": "target",
    "/api/v1/campaigns/": "draft_campaign",
    "/api/v1/contact-reports/": "contact_report",
    "/api/v1/contact-plan-rows/": "contact_row",
    "/api/v1/customer-plans/": "customer_plan",
    "/api/v1/follow-ups/": "follow_up",
    "/api/v1/people/": "newcomer",
    "/api/v1/plan-items/": "draft_item",
    "/api/v1/plans/": "draft_plan",
    "/api/v1/revenue-plan-rows/": "revenue_row",
    "/api/v1/visit-plans/": "visit",
    "/api/v1/demands/": "demand",
    "/api/v1/improvement-proposals/": "proposal",
    **{path: f"{kind}_form" for path, kind in FORMS.items()},
}
PLANTED = {
    "/api/v1/contacts/": "contact",
    "/api/v1/customer-departments/": "department",
    "/api/v1/customers/": "customer",
    "/api/v1/dealings/": "dealing",
    "/api/v1/market-reports/": "report",
    "/api/v1/operations/": "operation",
}
PATCH_UNITS = {"/api/v1/units/": "BASE11"}


@dataclass(frozen=True)
class Explicit:
    """A transition or an upload: who sends what, and what must be stored afterwards."""

    role: str
    record: str
    body: Callable[[World], dict[str, Any]]
    stored: Callable[[World, dict[str, Any]], dict[str, Any]]
    multipart: bool = False


def _v(name: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"version": w.ids[name].version}


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "备参.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )


def _xlsx(w: World) -> dict[str, Any]:
    code = credit_code(random.Random(77))
    rows = [{"name": "导入能源有限公司", "credit_code": code, "owning_unit": "DIV1", "tier": "vip"}]
    data = SimpleUploadedFile("customers.xlsx", workbook(rows), content_type="application/xlsx")
    return {"file": data}


def _photo(w: World) -> dict[str, Any]:
    return {"photo": SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png")}


EXPLICIT: dict[tuple[str, str], Explicit] = {
    **{
        ("post", f"{path}{{id}}/sign/"): Explicit(
            "div1.staff",
            f"{kind}_form",
            _sign_body(kind),
            _signed(kind),
        )
        for path, kind in FORMS.items()
    },
    ("post", "/api/v1/customers/{id}/photo/"): Explicit(
        "div1.manager",
        "customer",
        _photo,
        lambda w, r: {"photo": f"/api/v1/customers/{w.planted.customer.pk}/photo/"},
        multipart=True,
    ),
    ("post", "/api/v1/contacts/{id}/photo/"): Explicit(
        "div1.manager",
        "contact",
        _photo,
        lambda w, r: {"photo": f"/api/v1/contacts/{w.planted.contact.pk}/photo/"},
        multipart=True,
    ),
    ("post", "/api/v1/plans/{id}/submit/"): Explicit(
        "div1.manager", "to_submit", _v("to_submit"), lambda w, r: {"status": "submitted"}
    ),
    ("post", "/api/v1/plans/{id}/return/"): Explicit(
        "hq.manager",
        "to_return",
        lambda w: {"version": w.ids["to_return"].version, "comment": "请补充客户人员职务"},
        lambda w, r: {"status": "returned", "return_comment": "请补充客户人员职务"},
    ),
    ("post", "/api/v1/plans/{id}/accept/"): Explicit(
        "hq.manager", "to_accept", _v("to_accept"), lambda w, r: {"status": "accepted"}
    ),
    ("post", "/api/v1/activities/{id}/write-off/"): Explicit(
        "finance", "activity", _v("activity"), lambda w, r: {"status": "written_off"}
    ),
    ("post", "/api/v1/approvals/{id}/approve/"): Explicit(
        "hq.manager",
        "to_approve",
        lambda w: {"comment": "同意，注意控制费用"},
        lambda w, r: {"status": "approved", "steps": [{"comment": "同意，注意控制费用"}]},
    ),
    ("post", "/api/v1/approvals/{id}/reject/"): Explicit(
        "hq.manager",
        "to_reject",
        lambda w: {"comment": "请纳入下月计划"},
        lambda w, r: {"status": "rejected", "steps": [{"comment": "请纳入下月计划"}]},
    ),
    ("post", "/api/v1/campaigns/{id}/publish/"): Explicit(
        "hq.manager", "draft_campaign", _v("draft_campaign"), lambda w, r: {"status": "published"}
    ),
    ("post", "/api/v1/campaigns/{id}/close/"): Explicit(
        "hq.manager", "to_close", _v("to_close"), lambda w, r: {"status": "closed"}
    ),
    ("post", "/api/v1/delegations/{id}/cancel/"): Explicit(
        "hq.manager", "delegation", _v("delegation"), lambda w, r: {"cancelled": True}
    ),
    ("post", "/api/v1/visit-plans/{id}/cancel/"): Explicit(
        "div1.manager",
        "to_cancel_visit",
        _v("to_cancel_visit"),
        lambda w, r: {"status": "cancelled"},
    ),
    ("post", "/api/v1/visit-plans/{id}/summarise/"): Explicit(
        "div1.manager",
        "visit",
        lambda w: {
            "version": w.ids["visit"].version,
            "summary": "双方同意四月开展技术交流",
            "follow_ups": [
                {"title": "提交技术方案", "owner": w.people["div1.cm"].pk, "due_on": "2026-04-10"}
            ],
        },
        lambda w, r: {
            "status": "done",
            "summary": "双方同意四月开展技术交流",
            "follow_ups": [
                {"title": "寄送报价"},
                {"title": "提交技术方案", "due_on": "2026-04-10"},
            ],
        },
    ),
    ("post", "/api/v1/visit-plans/{id}/materials/"): Explicit(
        "div1.manager",
        "visit",
        lambda w: {"file": _pdf()},
        lambda w, r: {"materials": [{"name": "备参.pdf"}]},
        multipart=True,
    ),
    ("post", "/api/v1/demands/{id}/move/"): Explicit(
        "div1.manager",
        "demand",
        lambda w: {
            "version": w.ids["demand"].version,
            "status": "in_progress",
            "comment": "已受理",
        },
        lambda w, r: {"status": "in_progress", "events": [{}, {"to_status": "in_progress"}]},
    ),
    ("post", "/api/v1/demands/{id}/escalate/"): Explicit(
        "div1.manager",
        "demand_to_escalate",
        lambda w: {"version": w.ids["demand_to_escalate"].version, "reason": "超出事业部权限"},
        lambda w, r: {"status": "escalated", "escalated_to": w.units["HQ"].pk},
    ),
    ("post", "/api/v1/complaints/{id}/answer/"): Explicit(
        "div1.manager",
        "complaint",
        lambda w: {"version": w.ids["complaint"].version, "answer": "已电话致歉并说明原因"},
        lambda w, r: {"status": "answered", "answer": "已电话致歉并说明原因"},
    ),
    ("post", "/api/v1/monthly-reports/{id}/publish/"): Explicit(
        "hq.manager",
        "monthly_report",
        _v("monthly_report"),
        lambda w, r: {"status": "published"},
    ),
    ("post", "/api/v1/monthly-submissions/{id}/entries/"): Explicit(
        "div1.manager",
        "submission",
        lambda w: {
            "version": w.ids["submission"].version,
            "customer": w.ids["strategic_customer"].pk,
            "progress": "年度框架协议续签已完成评审",
            "risks": "客户资本开支下调",
        },
        lambda w, r: {
            "entries": [
                {
                    "customer": w.ids["strategic_customer"].pk,
                    "progress": "年度框架协议续签已完成评审",
                    "risks": "客户资本开支下调",
                }
            ]
        },
    ),
    ("post", "/api/v1/monthly-submissions/{id}/submit/"): Explicit(
        "div1.manager", "submission", _v("submission"), lambda w, r: {"status": "submitted"}
    ),
    ("post", "/api/v1/personal-data-requests/{id}/complete/"): Explicit(
        "div1.manager",
        "request",
        lambda w: {"outcome": "已向本人提供其信息副本"},
        lambda w, r: {"outcome": "已向本人提供其信息副本"},
    ),
    ("post", "/api/v1/customer-imports/"): Explicit(
        "div1.staff", "", _xlsx, lambda w, r: {"status": "checked"}, multipart=True
    ),
    ("post", "/api/v1/customer-imports/{id}/apply/"): Explicit(
        "div1.staff", "import", lambda w: {}, lambda w, r: {"status": "applied"}
    ),
    ("post", "/api/v1/improvement-proposals/{id}/submit/"): Explicit(
        "div1.staff",
        "to_submit_proposal",
        _v("to_submit_proposal"),
        lambda w, r: {"status": "submitted"},
    ),
    ("post", "/api/v1/improvement-proposals/{id}/accept/"): Explicit(
        "hq.manager",
        "proposal_to_accept",
        lambda w: {
            "version": w.ids["proposal_to_accept"].version,
            "department": w.units["DIV1"].pk,
            "deadline": "2026-09-30",
        },
        lambda w, r: {"status": "accepted"},
    ),
    ("post", "/api/v1/improvement-proposals/{id}/return/"): Explicit(
        "hq.manager",
        "proposal_to_return",
        lambda w: {"version": w.ids["proposal_to_return"].version, "reason": "措施不够具体"},
        lambda w, r: {"status": "returned"},
    ),
    ("post", "/api/v1/improvement-plan-items/{id}/progress/"): Explicit(
        "div1.staff",
        "plan_item",
        lambda w: {"version": w.ids["plan_item"].version, "status": "done", "note": "已下发"},
        lambda w, r: {"status": "done", "completion_note": "已下发"},
    ),
    ("post", "/api/v1/improvement-plan-items/{id}/assign/"): Explicit(
        "hq.manager",
        "item_to_assign",
        lambda w: {
            "version": w.ids["item_to_assign"].version,
            "department": w.units["BR1"].pk,
            "deadline": "2026-12-31",
        },
        lambda w, r: {"department": w.units["BR1"].pk, "deadline": "2026-12-31"},
    ),
    ("post", "/api/v1/forwarded-opinions/{id}/answer/"): Explicit(
        "div1.staff",
        "forward",
        lambda w: {"version": w.ids["forward"].version, "answer": "下次研讨会安排现场演示"},
        lambda w, r: {"status": "answered", "answer": "下次研讨会安排现场演示"},
    ),
    ("post", "/api/v1/auth/token/"): Explicit(
        "", "", lambda w: {"username": "div1.staff", "password": "往返-口令-2026"}, lambda w, r: {}
    ),
}


def _client(world: World, role: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(world.people[role])
    return client


def _target(world: World, collection: str) -> Any:
    if collection in PATCHED:
        return world.ids[PATCHED[collection]]
    if collection in PLANTED:
        return getattr(world.planted, PLANTED[collection])
    return world.units[PATCH_UNITS[collection]]


def _generic(world: World, bodies: Bodies, method: str, path: str) -> list[str]:
    collection = path.split("{id}")[0]
    client = _client(world, WRITERS.get(collection, "div1.manager"))
    body = bodies.build(method, path)
    if method == "post":
        answer = client.post(path, body, format="json")
    else:
        record = _target(world, collection)
        record.refresh_from_db()  # the operations before may have changed it
        body = {**body, "version": record.version}
        url = path.replace("{id}", str(record.pk))
        answer = getattr(client, method)(url, body, format="json")
        refused = _create_only(answer)
        if refused:  # refused by name with a message, not dropped: the rest must be kept
            body = {name: value for name, value in body.items() if name not in refused}
            answer = getattr(client, method)(url, body, format="json")
    if answer.status_code not in (200, 201):
        return [f"{method.upper()} {path}: {answer.status_code} {answer.content[:600]!r}"]
    pk = answer.json()["id"]
    detail = f"{collection}{{id}}/" in bodies.document["paths"]
    stored = _read_back(client, collection, pk, detail)
    return [
        f"{method.upper()} {path}: {name} sent {sent!r}, "
        f"stored {_stored(stored, collection, name)!r}"
        for name, sent in body.items()
        if name not in NOT_COMPARED
        and (collection, name) not in WRITE_ONLY
        and not _same(sent, _stored(stored, collection, name))
    ]


def _stored(stored: dict[str, Any], collection: str, name: str) -> Any:
    if (collection, name) in READ_AT:
        return READ_AT[(collection, name)](stored)
    return stored.get(name, MISSING)


def _create_only(answer: Any) -> set[str]:
    """The fields a 400 refused as fixed at creation, when that is all it refused."""
    if answer.status_code != 400:
        return set()
    errors = answer.json()
    if all(messages == [CREATE_ONLY] for messages in errors.values()):
        return set(errors)
    return set()


def _explicit(world: World, paths: set[str], method: str, path: str, spec: Explicit) -> list[str]:
    client = _client(world, spec.role or "div1.staff")
    body = spec.body(world)
    record = world.ids.get(spec.record) or getattr(world.planted, spec.record, None)
    url = path.replace("{id}", str(getattr(record, "pk", record)))
    answer = client.post(url, body, format="multipart" if spec.multipart else "json")
    if answer.status_code not in (200, 201):
        return [f"{method.upper()} {path}: {answer.status_code} {answer.content[:600]!r}"]
    if path == "/api/v1/auth/token/":
        token = APIClient(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
        me = token.get("/api/v1/me/").json()
        return [] if me.get("username") == "div1.staff" else [f"token read back as {me!r}"]
    if path == "/api/v1/customer-imports/":
        world.ids["import"] = answer.json()["id"]
        stored = answer.json()
    elif path.endswith("/apply/"):
        stored = answer.json()
    else:
        collection = path.split("{id}")[0]
        stored = _read_back(client, collection, record.pk, f"{collection}{{id}}/" in paths)
    want = spec.stored(world, body)
    return [f"{path}: wanted {want!r}, stored {stored!r}"] if not _same(want, stored) else []


def test_every_write_endpoint_keeps_what_it_is_sent(world: World) -> None:
    document = SchemaGenerator().get_schema(request=None, public=True)
    bodies = Bodies(document, world)
    people = world.people
    people["div1.staff"].set_password("往返-口令-2026")
    people["div1.staff"].save()
    with time_machine.travel(NOW, tick=False):
        world.ids["draft_item"] = world.ids["draft_plan"].items.first()
        problems: list[str] = []
        for method, path in _operations():
            if (method, path) in EXPLICIT:
                continue  # after the generic ones: transitions change what the others write to
            problems += _generic(world, bodies, method, path)
        for (method, path), spec in EXPLICIT.items():
            if spec.record in world.ids and hasattr(world.ids[spec.record], "refresh_from_db"):
                world.ids[spec.record].refresh_from_db()  # its version as the others left it
            problems += _explicit(world, set(document["paths"]), method, path, spec)
    assert not problems, "\n".join(problems)


def test_every_write_endpoint_of_the_schema_is_exercised() -> None:
    generic = {
        (method, path)
        for method, path in _operations()
        if (method == "post" and "{id}" not in path)
        or (method == "patch" and path.endswith("{id}/"))
    }
    assert set(_operations()) == generic | set(EXPLICIT), (
        "a write endpoint that is neither generic nor given an explicit body"
    )
    patched = {path.split("{id}")[0] for method, path in generic if method == "patch"}
    assert patched <= set(PATCHED) | set(PLANTED) | set(PATCH_UNITS)
