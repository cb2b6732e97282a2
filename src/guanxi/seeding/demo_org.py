"""The demo organisation and its logins, shaped by the installation's policy.

The cosl preset keeps the hand-drawn organisation the README documents (divisions, their bases,
branches). Any other policy gets a tree grown from its own unit kinds and a login per role, so
`guanxi demo` works with every preset, and `Cast` lets the demo loaders ask "who at this unit may
do X?" instead of naming cosl's usernames.
"""

from __future__ import annotations

from dataclasses import dataclass

from faker import Faker

from guanxi.organisation.models import Membership, Person, Unit
from guanxi.policy.schema import Policy, Role, UnitKind


@dataclass(frozen=True)
class UnitSpec:
    code: str
    kind: str
    name: str
    name_en: str
    parent: str | None
    city: str


# username, display name, unit code, role, superuser
PersonSpec = tuple[str, str, str, str, bool]

COSL_UNITS = [
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

COSL_PEOPLE: list[PersonSpec] = [
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

# Places for grown units: regions for a kind that has sub-units, cities for the others.
REGIONS = [("华北", "North China"), ("华东", "East China"), ("华南", "South China")]
CITIES = [
    ("天津", "Tianjin"),
    ("上海", "Shanghai"),
    ("广州", "Guangzhou"),
    ("成都", "Chengdu"),
    ("武汉", "Wuhan"),
    ("西安", "Xi'an"),
    ("沈阳", "Shenyang"),
    ("深圳", "Shenzhen"),
    ("青岛", "Qingdao"),
]
CODE_PREFIXES = {"division": "DIV", "branch": "BR", "base": "BASE", "region": "RG"}
# Short login names the README already uses for the cosl roles.
ROLE_ALIASES = {"customer_manager": "cm", "info_admin": "info", "executive": "exec"}
# A role that plans works in every line; one that only keeps the archive has an HQ login named
# after HQ; the others (finance, executives, auditors, administrators) sit at HQ under their role.
LINE_GRANTS = frozenset({"plan.change"})
ARCHIVE_GRANTS = frozenset({"plan.change", "customer.change"})


def _fits(policy: Policy, units: list[UnitSpec], people: list[PersonSpec]) -> bool:
    """The hand-drawn organisation is only used where the policy allows every unit and role in
    it and every role of the policy has a login in it."""
    kinds = {spec.code: spec.kind for spec in units}
    for spec in units:
        kind = policy.unit_kinds.get(spec.kind)
        parent_kind = kinds[spec.parent] if spec.parent else None
        if kind is None or (parent_kind not in kind.parents if kind.parents else parent_kind):
            return False
    roles = {person[3] for person in people}
    return roles == set(policy.roles)


def _kinds_below(policy: Policy, kind: UnitKind) -> list[UnitKind]:
    return [k for k in policy.unit_kinds.values() if kind.key in k.parents]


def _code(kind: str, digits: str) -> str:
    initials = "".join(word[:1] for word in kind.split("_")) if "_" in kind else kind[:2]
    return f"{CODE_PREFIXES.get(kind, initials.upper())}{digits}"


def _grow(policy: Policy) -> list[UnitSpec]:
    """HQ, three units of each kind that may sit under it, and two under the first two of
    each of those: enough lines to show scoping, small enough to read."""
    root = policy.root_kind()
    specs = [UnitSpec("HQ", root.key, root.name_zh, root.name_en, None, "北京")]
    digits = {"HQ": ""}
    queue = [(specs[0], 0)]
    cities = iter(CITIES * 4)
    regions = iter(REGIONS * 8)
    while queue:
        parent, depth = queue.pop(0)
        for kind in _kinds_below(policy, policy.unit_kinds[parent.kind]):
            has_children = bool(_kinds_below(policy, kind))
            for index in range(1, (3 if depth == 0 else 2) + 1):
                place_zh, place_en = next(regions) if has_children else next(cities)
                code = _code(kind.key, digits[parent.code] + str(index))
                digits[code] = digits[parent.code] + str(index)
                spec = UnitSpec(
                    code,
                    kind.key,
                    f"{place_zh}{kind.name_zh}",
                    f"{place_en} {kind.name_en}",
                    parent.code,
                    place_zh if not has_children else parent.city,
                )
                specs.append(spec)
                if depth == 0 and index <= 2:
                    queue.append((spec, depth + 1))
    return specs


def _alias(role: Role) -> str:
    return ROLE_ALIASES.get(role.key, role.key.replace("_", "-"))


def _staff(policy: Policy, units: list[UnitSpec]) -> list[PersonSpec]:
    """A login per role at HQ; the line roles also at the first unit of every other kind, and
    a second unit of the first kind has its own staff, a person of another line."""
    fake = Faker("zh_CN")
    fake.seed_instance(2026)
    rows: list[PersonSpec] = []
    root = units[0]
    for role in policy.roles.values():
        superuser = "organisation.manage" in role.grants
        if superuser or not role.grants & ARCHIVE_GRANTS:
            rows.append((_alias(role), fake.name(), root.code, role.key, superuser))
        else:
            rows.append((f"hq.{_alias(role)}", fake.name(), root.code, role.key, False))
    line_roles = [r for r in policy.roles.values() if r.grants & LINE_GRANTS]
    firsts: dict[str, list[UnitSpec]] = {}
    for spec in units[1:]:
        firsts.setdefault(spec.kind, []).append(spec)
    for same_kind in firsts.values():
        for role in line_roles:
            unit = same_kind[0]
            rows.append(
                (f"{unit.code.lower()}.{_alias(role)}", fake.name(), unit.code, role.key, False)
            )
    if firsts:
        other = next(iter(firsts.values()))[1:2]
        staff = [r for r in line_roles if r.key == "staff"] or line_roles[:1]
        rows += [
            (f"{u.code.lower()}.{_alias(r)}", fake.name(), u.code, r.key, False)
            for u in other
            for r in staff
        ]
    return rows


def organisation(policy: Policy) -> tuple[list[UnitSpec], list[PersonSpec]]:
    """The demo units and logins for `policy`."""
    if _fits(policy, COSL_UNITS, COSL_PEOPLE):
        return COSL_UNITS, COSL_PEOPLE
    units = _grow(policy)
    return units, _staff(policy, units)


@dataclass(frozen=True)
class Cast:
    """Who in the demo organisation may do what, by the policy's grants, in the demo's order."""

    policy: Policy
    units: dict[str, Unit]
    people: list[Person]
    memberships: dict[int, list[tuple[int, str]]]

    @classmethod
    def load(cls, policy: Policy) -> Cast:
        memberships: dict[int, list[tuple[int, str]]] = {}
        for person_id, unit_id, role in Membership.objects.order_by("id").values_list(
            "person_id", "unit_id", "role"
        ):
            memberships.setdefault(person_id, []).append((unit_id, role))
        return cls(
            policy=policy,
            units={u.code: u for u in Unit.objects.order_by("id")},
            people=list(Person.objects.filter(pk__in=memberships).order_by("id")),
            memberships=memberships,
        )

    @property
    def root(self) -> Unit:
        return next(iter(self.units.values()))

    def _grants(self, role: str) -> frozenset[str]:
        return self.policy.roles[role].grants if role in self.policy.roles else frozenset()

    def member(
        self,
        unit: Unit | None,
        *grants: str,
        besides: tuple[Person | None, ...] = (),
        lacking: str = "",
    ) -> Person | None:
        """The first login of `unit` (any unit: None) whose role there grants all `grants`
        (and not `lacking`, when given)."""
        for person in self.people:
            if person in besides:
                continue
            for unit_id, role in self.memberships.get(person.pk, []):
                held = self._grants(role)
                here = unit is None or unit_id == unit.pk
                if here and set(grants) <= held and not (lacking and lacking in held):
                    return person
        return None

    def units_for_plans(self, kind: str) -> list[Unit]:
        """The units that submit plans of `kind`, in the demo's order."""
        plan = self.policy.plans.get(kind)
        kinds = set(plan.submitted_by) if plan else set()
        return [unit for unit in self.units.values() if unit.kind in kinds]
