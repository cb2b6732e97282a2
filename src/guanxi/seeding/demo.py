"""The demo installation: a cosl-shaped organisation, a person for every role, customers.

Every step matches existing rows by code, username or credit code, so loading twice keeps the
data and adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from faker import Faker

from guanxi.customers.models import Customer
from guanxi.customers.services import customer_create
from guanxi.organisation import services as org
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.seeding.names import GOVERNMENT, OIL_COMPANIES, credit_code, partner_name

DEMO_PASSWORD = "guanxi-demo"  # noqa: S105 - the published password of the demo accounts


@dataclass(frozen=True)
class UnitSpec:
    code: str
    kind: str
    name: str
    name_en: str
    parent: str | None
    city: str


UNITS = [
    UnitSpec("HQ", "hq", "公司市场营销部", "HQ Marketing", None, "北京"),
    UnitSpec(
        "DIV1", "division", "钻井事业部市场营销部", "Drilling Division Marketing", "HQ", "天津"
    ),
    UnitSpec("BASE11", "base", "钻井事业部塘沽基地", "Drilling Tanggu Base", "DIV1", "天津"),
    UnitSpec("BASE12", "base", "钻井事业部湛江基地", "Drilling Zhanjiang Base", "DIV1", "湛江"),
    UnitSpec(
        "DIV2",
        "division",
        "油田技术事业部市场营销部",
        "Well Services Division Marketing",
        "HQ",
        "廊坊",
    ),
    UnitSpec(
        "BASE21", "base", "油田技术事业部天津基地", "Well Services Tianjin Base", "DIV2", "天津"
    ),
    UnitSpec(
        "BASE22", "base", "油田技术事业部深圳基地", "Well Services Shenzhen Base", "DIV2", "深圳"
    ),
    UnitSpec(
        "DIV3", "division", "物探事业部市场营销部", "Geophysical Division Marketing", "HQ", "天津"
    ),
    UnitSpec("BASE31", "base", "物探事业部上海基地", "Geophysical Shanghai Base", "DIV3", "上海"),
    UnitSpec("BASE32", "base", "物探事业部湛江基地", "Geophysical Zhanjiang Base", "DIV3", "湛江"),
    UnitSpec("BR1", "branch", "天津分公司市场营销部", "Tianjin Branch Marketing", "HQ", "天津"),
    UnitSpec("BR2", "branch", "湛江分公司市场营销部", "Zhanjiang Branch Marketing", "HQ", "湛江"),
]

# username, display name, unit code, role, superuser
PEOPLE = [
    ("admin", "系统管理员", "HQ", "admin", True),
    ("hq.manager", "王建国", "HQ", "manager", False),
    ("hq.staff", "李晓燕", "HQ", "staff", False),
    ("hq.info", "周敏", "HQ", "info_admin", False),
    ("div1.manager", "张志强", "DIV1", "manager", False),
    ("div1.staff", "刘洋", "DIV1", "staff", False),
    ("div1.cm", "陈静", "DIV1", "customer_manager", False),
    ("base11.staff", "赵磊", "BASE11", "staff", False),
    ("div2.staff", "孙丽", "DIV2", "staff", False),
    ("branch1.manager", "马文斌", "BR1", "manager", False),
    ("branch1.staff", "何芳", "BR1", "staff", False),
    ("finance", "郭淑华", "HQ", "finance", False),
    ("exec", "曹振东", "HQ", "executive", False),
    ("auditor", "吴海涛", "HQ", "auditor", False),
]


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
    for spec in UNITS:
        units[spec.code] = _unit(spec, units)
    return units


def load_people(units: dict[str, Unit], password: str = DEMO_PASSWORD) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for username, display_name, unit_code, role, superuser in PEOPLE:
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
    names = [rng.choice(OIL_COMPANIES), rng.choice(GOVERNMENT)]
    while len(names) < count:
        names.append(partner_name(rng, city) if rng.random() < 0.6 else fake.company())
    return names


def load_customers(
    units: dict[str, Unit], people: dict[str, Person], per_unit: int = 12, seed: int = 2026
) -> int:
    """Customers for every unit, created by a manager of the line through the services."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    tiers = [tier.key for tier in current_policy().tiers_by_rank()]
    creator = people["hq.manager"]
    created = 0
    for spec in UNITS:
        for name in _customer_names(rng, fake, spec.city, per_unit):
            code = credit_code(rng)
            tier = tiers[min(int(rng.random() ** 2 * len(tiers)), len(tiers) - 1)]
            tier = tiers[-1 - tiers.index(tier)] if len(tiers) > 1 else tier
            if (
                Customer.objects.filter(credit_code=code).exists()
                or Customer.objects.filter(name=name, owning_unit=units[spec.code]).exists()
            ):
                continue
            customer_create(
                actor=creator, name=name, credit_code=code, owning_unit=units[spec.code], tier=tier
            )
            created += 1
    return created


@transaction.atomic
def load_demo() -> dict[str, int]:
    units = load_organisation()
    people = load_people(units)
    created = load_customers(units, people)
    return {
        "units": len(units),
        "people": len(people),
        "customers_created": created,
        "customers": Customer.objects.count(),
    }
