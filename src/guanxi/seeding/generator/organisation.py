"""The organisation: units from the policy's unit kinds and the people in them with their roles."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from guanxi.organisation.models import Membership, Person, Unit
from guanxi.seeding.demo import DEMO_PASSWORD
from guanxi.seeding.generator import pools
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.common import HISTORY_START, Context, generator, unit_plan


@generator("units")
def units(ctx: Context) -> int:
    rng = ctx.rng("units")
    base = ctx.base(Unit)
    plan = unit_plan(ctx.policy, ctx.profile)
    rows: list[Row] = []
    for index, (code, kind_key, parent) in enumerate(plan):
        unit_id = base + 1 + index
        parent_id = None if parent is None else base + 1 + parent
        path = f"{ctx.unit_paths[parent_id] if parent_id else '/'}{unit_id}/"
        ctx.unit_paths[unit_id] = path
        ctx.unit_ids.append(unit_id)
        ctx.unit_codes.append(code)
        kind = ctx.policy.unit_kinds[kind_key]
        city = "北京" if parent is None else rng.choice(pools.CITIES)
        name = f"{city}{kind.name_zh}"
        ctx.unit_names.append(name)
        rows.append((unit_id, parent_id, kind_key, code, name, f"{city} {kind.name_en}", path))
    return write(Unit, ("id", "parent_id", "kind", "code", "name", "name_en", "path"), rows)


def _roles_for(ctx: Context, unit_index: int) -> list[tuple[str, int]]:
    """(role, how many) for a unit: the root holds every role, other units the line roles."""
    roles = ctx.policy.roles
    each = ctx.profile.staff_per_unit
    if unit_index == 0:
        return [(key, each if key == "staff" else 1) for key in roles]
    wanted = [("manager", 1), ("customer_manager", max(1, each // 2)), ("staff", each)]
    return [(key, n) for key, n in wanted if key in roles]


@generator("people")
def people(ctx: Context) -> int:
    rng = ctx.rng("people")
    base = ctx.base(Person)
    membership_base = ctx.base(Membership)
    password = make_password(DEMO_PASSWORD)  # one hash for all seeded accounts: seeding speed
    joined = HISTORY_START
    person_rows: list[Row] = []
    membership_rows: list[Row] = []
    readers = {role.key for role in ctx.policy.roles.values() if "customer.view" in role.grants}
    for index, unit_id in enumerate(ctx.unit_ids):
        code = ctx.unit_codes[index]
        for role, count in _roles_for(ctx, index):
            for n in range(1, count + 1):
                person_id = base + 1 + len(person_rows)
                username = f"{code.lower()}.{role}" + ("" if n == 1 else str(n))
                superuser = index == 0 and role == "admin"
                display_name = "".join(pools.person_name(rng))
                person_rows.append(
                    (
                        person_id,
                        password,
                        superuser,
                        username,
                        f"{username}@guanxi.example",
                        superuser,
                        True,
                        joined,
                        display_name,
                        pools.mobile(rng),
                    )
                )
                membership_rows.append(
                    (membership_base + len(membership_rows) + 1, person_id, unit_id, role)
                )
                ctx.people.by_unit_role.setdefault((unit_id, role), []).append(person_id)
                ctx.people.usernames[person_id] = username
                ctx.people.names[person_id] = display_name
    for unit_id in ctx.unit_ids:
        line = [int(part) for part in ctx.unit_paths[unit_id].strip("/").split("/")]
        ctx.people.readers_by_unit[unit_id] = [
            person
            for (unit, role), ids in ctx.people.by_unit_role.items()
            if unit in line and role in readers
            for person in ids
        ]
    written = write(
        Person,
        (
            "id",
            "password",
            "is_superuser",
            "username",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "display_name",
            "phone",
        ),
        person_rows,
    )
    write(Membership, ("id", "person_id", "unit_id", "role"), membership_rows)
    return written
