"""The demo installation: the policy's organisation, a person for every role, customers.

Every step matches existing rows by code, username or credit code, so loading twice keeps the
data and adds nothing.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from faker import Faker

from guanxi.customers import archive
from guanxi.customers.keys import name_key
from guanxi.customers.models import (
    BuyingRole,
    Customer,
    DealingKind,
    DealingStatus,
    RelationshipState,
)
from guanxi.customers.services import customer_create
from guanxi.organisation import services as org
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.risk.refresh import refresh as refresh_risk_signals
from guanxi.seeding.contactreports_demo import load_contactreports_demo
from guanxi.seeding.demands_demo import load_demands_demo
from guanxi.seeding.demo_org import (
    COSL_PEOPLE,
    COSL_UNITS,
    Cast,
    PersonSpec,
    UnitSpec,
    organisation,
)
from guanxi.seeding.feedback_demo import load_feedback_demo
from guanxi.seeding.improvements_demo import load_improvements_demo
from guanxi.seeding.keycustomers_demo import load_keycustomers_demo
from guanxi.seeding.names import credit_code, partner_name, pools_for, suffixes_for
from guanxi.seeding.plans_demo import load_plans

DEMO_PASSWORD = "guanxi-demo"  # noqa: S105 - the published password of the demo accounts


# The cosl organisation, as the README documents it; other presets grow theirs (demo_org).
UNITS = COSL_UNITS
PEOPLE = COSL_PEOPLE


def demo_organisation() -> tuple[list[UnitSpec], list[PersonSpec]]:
    """The demo units and logins of the installation's policy."""
    return organisation(current_policy())


def _unit(spec: UnitSpec, units: dict[str, Unit]) -> Unit:
    existing = Unit.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing
    parent = units[spec.parent] if spec.parent else None
    return org.unit_create(
        actor=None,
        parent=parent,
        kind=spec.kind,
        code=spec.code,
        name=spec.name,
        name_en=spec.name_en,
    )


def load_organisation() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for spec in demo_organisation()[0]:
        units[spec.code] = _unit(spec, units)
    return units


def load_people(units: dict[str, Unit], password: str = DEMO_PASSWORD) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for username, display_name, unit_code, role, superuser in demo_organisation()[1]:
        person = Person.objects.filter(username=username).first()
        if person is None:
            person = org.person_create(
                actor=None,
                username=username,
                display_name=display_name,
                email=f"{username}@guanxi.example",
                phone=f"1380000{len(people):04d}",
                password=password,
            )
            if superuser:
                Person.objects.filter(pk=person.pk).update(is_staff=True, is_superuser=True)
        org.membership_create(actor=None, person=person, unit=units[unit_code], role=role)
        people[username] = person
    return people


def _customer_names(rng: random.Random, fake: Faker, city: str, count: int) -> list[str]:
    """A big name of each of the policy's industries, then smaller firms of the unit's city."""
    dimension = current_policy().dimensions.get("industry")
    industries = [option.key for option in dimension.options] if dimension else []
    # the big names are few and shared by every unit: at most a third of a unit's customers
    names = [rng.choice(pool) for pool in pools_for(industries)[: max(1, count // 3)]]
    suffixes = suffixes_for(industries)
    while len(names) < count:
        names.append(partner_name(rng, city, suffixes) if rng.random() < 0.6 else fake.company())
    return names


def _keeper(people: dict[str, Person]) -> Person:
    """Who creates the demo archive: the first HQ login that may create customer units."""
    cast = Cast.load(current_policy())
    keeper = cast.member(cast.root, "customer.create", "customer.change")
    if keeper is None:
        raise LookupError("the policy gives no HQ role the right to create customer units")
    return people.get(keeper.username, keeper)


def load_customers(
    units: dict[str, Unit], people: dict[str, Person], per_unit: int = 12, seed: int = 2026
) -> int:
    """Customers for every unit, created by a manager of the line through the services."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    tiers = [tier.key for tier in current_policy().tiers_by_rank()]
    creator = _keeper(people)
    created = 0
    for spec in demo_organisation()[0]:
        for name in _customer_names(rng, fake, spec.city, per_unit):
            code = credit_code(rng)
            tier = tiers[min(int(rng.random() ** 2 * len(tiers)), len(tiers) - 1)]
            tier = tiers[-1 - tiers.index(tier)] if len(tiers) > 1 else tier
            taken = Customer.objects.filter(credit_code=code) | Customer.objects.filter(
                name_key=name_key(name)
            )
            if taken.exists():  # one archive per customer unit (CUS-9)
                continue
            customer_create(
                actor=creator, name=name, credit_code=code, owning_unit=units[spec.code], tier=tier
            )
            created += 1
    return created


@transaction.atomic
def load_demo(per_unit: int = 25) -> dict[str, int]:
    # Stored words (approval titles…) in the installation's language, Chinese first (INT-1).
    with translation.override(settings.LANGUAGE_CODE):
        return _load_demo(per_unit)


def _load_demo(per_unit: int) -> dict[str, int]:
    units = load_organisation()
    people = load_people(units)
    created = load_customers(units, people, per_unit=per_unit)
    load_archive(people)
    plans = load_plans(units, people)
    engagements = load_keycustomers_demo()
    reports = load_contactreports_demo()
    demands = load_demands_demo()
    forms = load_feedback_demo()
    proposals = load_improvements_demo()
    at_risk = refresh_risk_signals()  # last: every record the signals read is in place
    return {
        "forms": forms,
        "improvement_proposals": proposals,
        "customers_at_risk": at_risk,
        "demands": demands,
        "plans_created": plans,
        "visits": engagements["visits"],
        "contact_reports": reports["contact_reports"],
        "units": len(units),
        "people": len(people),
        "customers_created": created,
        "customers": Customer.objects.count(),
    }


DEPARTMENTS = [
    ("headquarters", "总部"),
    ("department", "工程技术部"),
    ("department", "物资采办部"),
    ("branch", "钻完井作业中心"),
    ("subsidiary", "技术服务公司"),
]
POSITIONS = [
    "总经理",
    "副总经理",
    "总工程师",
    "采办部经理",
    "工程技术部主任",
    "项目经理",
    "财务总监",
    "钻井监督",
    "HSE经理",
    "商务经理",
]
HOBBIES = ["围棋、钓鱼", "羽毛球、摄影", "书法、太极", "登山、读历史书", "乒乓球、品茶"]
EDUCATION = [
    "中国石油大学（华东）石油工程 硕士",
    "西南石油大学 钻井工程 学士",
    "中国地质大学（北京）博士",
    "天津大学 化学工程 学士",
    "大连理工大学 船舶与海洋工程 硕士",
]
OPERATIONS = ["渤海钻井作业", "定向井技术服务", "固井作业", "测井作业", "修井作业", "三维地震采集"]


def _contacts_for(
    customer: Customer,
    rng: random.Random,
    fake: Faker,
    departments: list[Any],
    holders: list[Person],
    actor: Person,
) -> None:
    for index in range(rng.randint(3, 7)):
        key = index < rng.randint(2, 6)
        contact = archive.contact_create(
            actor=actor,
            customer=customer,
            department=rng.choice(departments),
            name=fake.name(),
            position=rng.choice(POSITIONS),
            phone=fake.phone_number(),
            mobile=fake.phone_number(),
            email=fake.email(),
            is_key=key,
            purpose="客户关系维护与业务联系（000 §12.1）" if key else "",
            consent_note="名片交换时口头同意" if key else "",
            hobbies=rng.choice(HOBBIES) if key else "",
            birthplace=fake.city() if key else "",
            native_place=fake.province() if key else "",
            education=rng.choice(EDUCATION) if key else "",
            birth_date=fake.date_of_birth(minimum_age=35, maximum_age=60) if key else None,
            work_history=f"{fake.year()}年起任现职" if key else "",
        )
        if key:
            archive.relationship_set(
                actor=actor,
                contact=contact,
                buying_role=rng.choice([r.value for r in BuyingRole]),
                state=rng.choice([s.value for s in RelationshipState]),
                holders=rng.sample(holders, k=rng.randint(1, 2)),
                note="初次建档",
            )


def _dealings_for(customer: Customer, rng: random.Random, actor: Person) -> None:
    today = datetime.date(2026, 11, 1)
    prefix = current_policy().key.upper()  # COSL-2024-1234
    for _ in range(rng.randint(1, 4)):
        status = rng.choice([s.value for s in DealingStatus])
        kind = (
            DealingKind.OPPORTUNITY
            if status in {"lead", "negotiating", "lost"}
            else (DealingKind.CONTRACT)
        )
        name = rng.choice(OPERATIONS)
        dealing = archive.dealing_create(
            actor=actor,
            customer=customer,
            kind=kind,
            status=status,
            title=f"{customer.name[:6]}{name}项目",
            our_unit=customer.owning_unit,
            amount=Decimal(rng.randrange(200_000, 80_000_000, 10_000)),
            contract_number=f"{prefix}-{rng.randrange(2021, 2027)}-{rng.randrange(1000, 9999)}"
            if kind == DealingKind.CONTRACT
            else "",
        )
        if status in {"in_service", "completed"}:
            start = today - datetime.timedelta(days=rng.randrange(30, 900))
            end = start + datetime.timedelta(days=rng.randrange(10, 200))
            archive.operation_create(
                actor=actor,
                customer=customer,
                dealing=dealing,
                name=name,
                location=rng.choice(["渤海湾", "南海东部", "南海西部", "东海"]),
                executing_unit=customer.owning_unit,
                started_on=start,
                ended_on=end if end < today else None,
            )


COSL_HOLDERS = (
    "hq.manager",
    "hq.staff",
    "div1.manager",
    "div1.staff",
    "div1.cm",
    "branch1.manager",
    "base11.staff",
)


def _holders(people: dict[str, Person]) -> list[Person]:
    """Our people who hold relationships: cosl's documented ones, else the first seven logins
    whose role may see customer units."""
    if all(name in people for name in COSL_HOLDERS):
        return [people[name] for name in COSL_HOLDERS]
    cast = Cast.load(current_policy())
    holders: list[Person] = []
    while len(holders) < 7:
        person = cast.member(None, "customer.view", besides=tuple(holders))
        if person is None:
            break
        holders.append(person)
    return holders


def load_archive(people: dict[str, Person], seed: int = 2027) -> int:
    """Departments, contacts, relationship maps and dealings for customers that have none."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    actor = _keeper(people)
    holders = _holders(people)
    filled = 0
    for customer in Customer.objects.filter(departments__isnull=True).order_by("id"):
        departments = [
            archive.department_create(
                actor=actor, customer=customer, kind=kind, name=name, location=fake.city()
            )
            for kind, name in rng.sample(DEPARTMENTS, k=rng.randint(2, 4))
        ]
        _contacts_for(customer, rng, fake, departments, holders, actor)
        _dealings_for(customer, rng, actor)
        filled += 1
    return filled
