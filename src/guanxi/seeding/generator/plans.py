"""Plans, plan items, activities carried out with their costs, and the approvals those
costs need."""

from __future__ import annotations

import datetime
import json
from array import array
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy

from guanxi.activities.models import Activity, ActivityStatus
from guanxi.approvals.models import Approval
from guanxi.organisation.models import Unit
from guanxi.plans.models import Kind as PlanKind
from guanxi.plans.models import Period, Plan, PlanItem, PlanStatus, period_start
from guanxi.seeding.generator import pools
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.common import (
    HISTORY_END,
    HISTORY_START,
    Context,
    _progress,
    counted,
    generator,
    months,
)


@generator("plans")
def plans(ctx: Context) -> int:
    """Every unit's plans of every kind for each period of the five years, accepted by HQ
    (the last period still awaiting a decision)."""
    rng = ctx.rng("plans")
    base = ctx.base(Plan)
    hq_manager = ctx.people.by_unit_role[(ctx.unit_ids[0], "manager")][0]

    def rows() -> Iterator[Row]:
        n = 0
        for unit_id in ctx.unit_ids:
            author = (ctx.people.by_unit_role.get((unit_id, "manager")) or [hq_manager])[0]
            for kind in PlanKind.values:
                rule = ctx.policy.plans.get(kind)
                period = rule.periods[0] if rule and rule.periods else Period.MONTH.value
                starts = sorted({period_start(period, m) for m in months()})
                for index, start in enumerate(starts):
                    n += 1
                    last = index == len(starts) - 1
                    submitted = datetime.datetime.combine(
                        start, datetime.time(9), tzinfo=datetime.UTC
                    ) - datetime.timedelta(days=rng.randint(3, 12))
                    yield (
                        base + n,
                        unit_id,
                        kind,
                        period,
                        start,
                        PlanStatus.SUBMITTED.value if last else PlanStatus.ACCEPTED.value,
                        1,
                        submitted,
                        None if last else submitted + datetime.timedelta(days=rng.randint(1, 3)),
                        None if last else hq_manager,
                        author,
                    )

    return write(
        Plan,
        (
            "id",
            "unit_id",
            "kind",
            "period",
            "starts",
            "status",
            "revision",
            "submitted_at",
            "decided_at",
            "decided_by_id",
            "created_by_id",
        ),
        counted(rows()),
    )


PLAN_ITEM_CONTENT = {
    PlanKind.CARE.value: (
        "走访慰问关键人员",
        "赠送节日礼品并交流下一阶段合作",
        "邀请参加公司技术开放日",
    ),
    PlanKind.VISIT.value: (
        "了解作业后服务质量评价",
        "收集客户对作业方案的意见",
        "回访设备使用情况",
    ),
    PlanKind.SEMINAR.value: ("介绍新技术新工艺", "交流增产措施经验", "研讨区块开发方案"),
}


@generator("plan_items")
def plan_items(ctx: Context) -> int:
    """The items of every plan, spread evenly over the plans and stored plan by plan, each at a
    customer of the plan's unit line, dated inside the plan's period. Costs sit mostly under the
    approval threshold."""
    from guanxi.plans.services import period_end

    rng = ctx.rng("plan_items")
    base = ctx.base(PlanItem)
    plan_rows = list(
        Plan.objects.order_by("id").values_list("id", "unit_id", "kind", "period", "starts")
    )
    if not plan_rows or not ctx.profile.plan_items:
        return 0
    by_unit: dict[int, array[int]] = {}
    for i, unit_id in enumerate(ctx.customer_unit):
        by_unit.setdefault(unit_id, array("q")).append(i)
    spans = {
        (period, starts): (period_end(period, starts) - starts).days + 1
        for _pk, _unit, _kind, period, starts in plan_rows
    }
    costs = _costs(ctx)
    first = ctx.customer_base + 1

    def rows() -> Iterator[Row]:
        total = ctx.profile.plan_items
        for n in range(total):
            # a plan's items are entered together, so they sit together in the table
            plan_id, unit_id, kind, period, starts = plan_rows[n * len(plan_rows) // total]
            own = by_unit.get(unit_id)
            customer = first + own[rng.randrange(len(own))] if own else None
            yield (
                base + 1 + n,
                plan_id,
                rng.choice(ACTIVITY_NAMES[kind]),
                rng.choice(pools.CITIES),
                starts + datetime.timedelta(days=rng.randrange(spans[(period, starts)])),
                customer,
                rng.randint(1, 8),
                rng.choice(PLAN_ITEM_CONTENT[kind]),
                rng.choice(costs),
            )

    return write(
        PlanItem,
        (
            "id",
            "plan_id",
            "name",
            "place",
            "when",
            "customer_id",
            "customer_count",
            "content",
            "cost",
        ),
        counted(rows()),
    )


def _cost_threshold(ctx: Context) -> Decimal:
    """The lowest amount above which an activity's cost needs approval (policy)."""
    from guanxi.activities.services import COST_KIND

    limits = [
        r.amount_above for r in ctx.policy.approvals if r.kind == COST_KIND and r.amount_above
    ]
    return min(limits, default=Decimal(1_000_000))


def _costs(ctx: Context) -> list[Decimal]:
    """Costs to draw from: about one in nine above the approval threshold, as in practice
    (most care and visits are small; seminars and large events are not)."""
    limit = int(_cost_threshold(ctx))
    small = [Decimal(c) for c in range(500, limit * 2 // 3, max(limit // 300, 1))]
    large = [Decimal(c) for c in range(limit + 100, limit * 8 // 3, max(limit // 60, 1))]
    return small * max(len(large) * 8 // max(len(small), 1), 1) + large


_ACTIVITY_COST_TITLE = gettext_lazy("Activity cost: %(name)s, %(cost)s")


def _money_sql(vendor: str, column: str) -> str:
    """`column` as guanxi.formats.money writes it (12,345.60 元), in SQL: SQLite's printf
    groups thousands only for integers, so yuan and fen are printed apart. Costs are >= 0."""
    if vendor == "postgresql":
        return f"to_char({column}, 'FM999,999,999,990.00') || ' 元'"
    fen = f"CAST(round({column} * 100) AS INTEGER)"
    # doubled percent signs: the statement runs with parameters
    return f"printf('%%,d', {fen} / 100) || '.' || printf('%%02d', {fen} %% 100) || ' 元'"


ACTIVITY_NAMES = {
    PlanKind.CARE.value: ("节日慰问", "生日关怀", "项目交流座谈"),
    PlanKind.VISIT.value: ("作业后回访", "季度服务回访", "技术交流回访"),
    PlanKind.SEMINAR.value: ("技术研讨会", "新技术推介会", "客户座谈会"),
}
ACTIVITY_RESULTS = ("客户满意，提出后续合作意向", "了解到明年作业计划", "客户反馈服务质量良好", "")


@generator("activities")
def activities(ctx: Context) -> int:
    """Care activities, service visits and seminars over five years, at random customers,
    by a person of the customer's unit line; older ones written off."""
    rng = ctx.rng("activities")
    base = ctx.base(Activity)
    ctx.ids["activity_base"] = base
    kinds = PlanKind.values  # care, visit, seminar in turn
    span_days = (HISTORY_END - HISTORY_START).days
    start = HISTORY_START.date()
    recent = span_days - 60  # the last two months are not written off yet

    # values made once and drawn from: a Decimal or datetime per row is the slow part
    dates = [start + datetime.timedelta(days=d) for d in range(span_days)]
    stamps = [datetime.datetime.combine(d, datetime.time(18), tzinfo=datetime.UTC) for d in dates]
    costs = _costs(ctx)
    done, written_off = ActivityStatus.CARRIED_OUT.value, ActivityStatus.WRITTEN_OFF.value
    customer_unit, readers = ctx.customer_unit, ctx.people.readers_by_unit
    customers_n, first = ctx.profile.customers, ctx.customer_base + 1

    def rows() -> Iterator[Row]:
        total = ctx.profile.activities
        for n in range(total):
            i = rng.randrange(customers_n)
            unit_id = customer_unit[i]
            kind = kinds[n % len(kinds)]
            day = n * span_days // total  # recorded as they happen: ids follow the dates
            yield (
                base + 1 + n,
                unit_id,
                kind,
                rng.choice(ACTIVITY_NAMES[kind]),
                first + i,
                dates[day],
                rng.choice(pools.CITIES),
                rng.choice(costs),
                rng.choice(ACTIVITY_RESULTS),
                written_off if day < recent else done,
                rng.choice(readers[unit_id]),
                stamps[day],
            )

    return write(
        Activity,
        (
            "id",
            "unit_id",
            "kind",
            "name",
            "customer_id",
            "date",
            "place",
            "cost",
            "result",
            "status",
            "created_by_id",
            "created_at",
        ),
        counted(rows()),
    )


@generator("approvals")
def approvals(ctx: Context) -> int:
    """HQ's approval of every activity whose cost is above the policy's threshold (000 §14.4),
    with its steps: decided where the activity was written off, awaiting HQ's decision where
    it was carried out but not written off yet (the write-off waits for it).

    Written set-based (INSERT … SELECT from the activities, per unit and cost band), so the
    chain of each unit comes from `approvals.services.chain_for`, the same as a live request.
    """
    import re

    from django.contrib.contenttypes.models import ContentType
    from django.utils import translation

    from guanxi.activities.services import COST_KIND
    from guanxi.approvals.models import Decision, Status, Step
    from guanxi.approvals.services import PlannedStep, _rule_records, chain_for

    rules = [r for r in ctx.policy.approvals if r.kind == COST_KIND and r.amount_above is not None]
    if not rules or "activity_base" not in ctx.ids:
        return 0
    limits = sorted({r.amount_above for r in rules if r.amount_above is not None})
    bands = [(low, limits[i + 1] if i + 1 < len(limits) else None) for i, low in enumerate(limits)]
    with translation.override("zh-hans"):
        template = str(_ACTIVITY_COST_TITLE)
    pieces = re.split(r"%\((name|cost)\)s", template)  # text, name, text, cost, text
    title = " || ".join(
        "%s"
        if n % 2 == 0
        else ("a.name" if piece == "name" else _money_sql(connection.vendor, "a.cost"))
        for n, piece in enumerate(pieces)
    )
    title_params = [piece for n, piece in enumerate(pieces) if n % 2 == 0]
    ops = connection.ops
    carried_out = ActivityStatus.CARRIED_OUT.value  # not written off yet: approval pending
    activity_type = ContentType.objects.get_for_model(Activity).pk
    approval_base = ctx.base(Approval)
    activity_base = ctx.ids["activity_base"]
    json_param = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    activity_t, approval_t, step_t = (
        Activity._meta.db_table,
        Approval._meta.db_table,
        Step._meta.db_table,
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in=ctx.unit_ids)}
    # Units whose requests take the same chain in the same cost band are written together:
    # one statement per group, not one per unit (a scan of the activities each).
    groups: dict[tuple[Any, ...], tuple[list[PlannedStep], list[int]]] = {}
    for unit_id in ctx.unit_ids:
        for low, high in bands:
            chain = chain_for(
                kind=COST_KIND, amount=low + Decimal("0.01"), requesting_unit=units[unit_id]
            )
            if chain:
                signature = (low, high, *((p.unit.pk, p.role, p.rule.key) for p in chain))
                groups.setdefault(signature, (chain, []))[1].append(unit_id)
    written = 0
    with connection.cursor() as cursor:
        for (low, high, *_steps), (chain, group) in groups.items():
            marks = ", ".join(["%s"] * len(group))
            where = f"a.unit_id IN ({marks}) AND a.id > %s AND a.cost > %s"
            where_params: list[int | str | Decimal | None] = [
                *group,
                activity_base,
                ops.adapt_decimalfield_value(low),
            ]
            if high is not None:
                where += " AND a.cost <= %s"
                where_params.append(ops.adapt_decimalfield_value(high))
            where += " ORDER BY a.id"  # ids in a fixed order: the same seed, the same rows
            cursor.execute(
                f"INSERT INTO {approval_t} (id, kind, subject_type_id, subject_id, title, "  # noqa: S608 - names from model metadata
                "requesting_unit_id, requested_by_id, requested_at, amount, status, "
                "current_step, rules, decided_at, version) "
                f"SELECT %s + a.id, %s, %s, a.id, {title}, a.unit_id, a.created_by_id, "
                "a.created_at, a.cost, CASE WHEN a.status = %s THEN %s ELSE %s END, "
                f"CASE WHEN a.status = %s THEN 1 ELSE %s END, {json_param}, "
                "CASE WHEN a.status = %s THEN NULL ELSE a.created_at END, 1 "
                f"FROM {activity_t} a WHERE {where}",
                [
                    approval_base - activity_base,
                    COST_KIND,
                    activity_type,
                    *title_params,
                    carried_out,
                    Status.PENDING.value,
                    Status.APPROVED.value,
                    carried_out,
                    len(chain),
                    json.dumps(_rule_records(chain), ensure_ascii=False),
                    carried_out,
                    *where_params,
                ],
            )
            written += max(cursor.rowcount, 0)
            for position, planned in enumerate(chain, start=1):
                decider = ctx.people.by_unit_role.get((planned.unit.pk, planned.role), [None])[0]
                cursor.execute(
                    f"INSERT INTO {step_t} (approval_id, position, unit_id, role, clause, "  # noqa: S608 - names from model metadata
                    "decision, decided_by_id, on_behalf_of_id, decided_at, comment) "
                    "SELECT %s + a.id, %s, %s, %s, %s, "
                    "CASE WHEN a.status = %s THEN %s ELSE %s END, "
                    "CASE WHEN a.status = %s THEN NULL ELSE %s END, NULL, "
                    "CASE WHEN a.status = %s THEN NULL ELSE a.created_at END, '' "
                    f"FROM {activity_t} a WHERE {where}",
                    [
                        approval_base - activity_base,
                        position,
                        planned.unit.pk,
                        planned.role,
                        planned.rule.clause,
                        carried_out,
                        (Decision.PENDING if position == 1 else Decision.WAITING).value,
                        Decision.APPROVED.value,
                        carried_out,
                        decider,
                        carried_out,
                        *where_params,
                    ],
                )
    _progress(written)
    return written
