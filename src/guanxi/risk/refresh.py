"""Recompute the stored risk signals, set-based, a range of customer ids at a time.

For each range a handful of grouped queries find every part at once — the last forms'
satisfaction (a window function), negative decision makers, overdue demands, the last contact,
open complaints — and the signals are written with one upsert; a customer whose risk is gone
loses its row. Memory and time per range stay the same at any size; the whole table is a loop
over ranges. `refresh_customer` recomputes one customer the same way (a range of one).

Rules are the policy's [early_warning] table (001); nothing here is a number of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, Max, Min, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from guanxi.activities.models import Activity, ActivityStatus
from guanxi.contactreports.models import ContactReport
from guanxi.customers.models import Customer, Relationship, RelationshipState
from guanxi.demands.models import OPEN_STATUSES, Complaint, ComplaintStatus, Demand
from guanxi.feedback.models import FormRecord
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import EarlyWarning
from guanxi.risk.models import PART_FIELDS, RiskSignal

BATCH = 20_000
DELETE_CHUNK = 500
CONTACTS_KEPT = 10  # contacts named in an explanation at most


@dataclass
class Facts:
    """What the grouped queries found about one customer."""

    unit_id: int
    tier: str
    created: date
    satisfaction: tuple[Decimal, Decimal] | None = None  # (recent, previous) averages
    negative: list[tuple[int, str]] = field(default_factory=list)  # (contact id, role)
    overdue: int = 0
    oldest_due: date | None = None
    last_contact: date | None = None
    open_complaints: int = 0
    breached: int = 0


def refresh(*, today: date | None = None, batch: int = BATCH) -> int:
    """Recompute every customer's signal; the number of customers at risk afterwards."""
    bounds = Customer.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        RiskSignal.objects.all().delete()
        return 0
    start = int(bounds["low"])
    while start <= bounds["high"]:
        refresh_range(start, start + batch - 1, today=today)
        start += batch
    RiskSignal.objects.filter(customer__isnull=True).delete()
    return RiskSignal.objects.count()


def refresh_customer(customer_id: int, *, today: date | None = None) -> RiskSignal | None:
    refresh_range(customer_id, customer_id, today=today)
    return RiskSignal.objects.filter(customer_id=customer_id).first()


@transaction.atomic
def refresh_range(low: int, high: int, *, today: date | None = None) -> None:
    rules = current_policy().early_warning
    now = timezone.now()
    today = today or timezone.localdate()
    facts = _customers(low, high)
    if facts:
        _satisfaction(facts, low, high, rules)
        _relationships(facts, low, high, rules)
        _demands(facts, low, high, today)
        _contacts(facts, low, high, today)
        _complaints(facts, low, high, now)
    signals = [
        signal
        for customer_id, found in facts.items()
        if (signal := _signal(customer_id, found, rules, today, now)) is not None
    ]
    _write(low, high, signals)


# ------------------------------------------------------------------------ the facts


def _ids(field: str, low: int, high: int) -> dict[str, int]:
    """`field` between low and high (a foreign key has no range lookup)."""
    return {f"{field}__gte": low, f"{field}__lte": high}


def _customers(low: int, high: int) -> dict[int, Facts]:
    rows = Customer.objects.filter(pk__range=(low, high)).values_list(
        "pk", "owning_unit_id", "tier", "created_at"
    )
    return {
        pk: Facts(unit_id=unit_id, tier=tier, created=timezone.localtime(created).date())
        for pk, unit_id, tier, created in rows
    }


def _scores() -> tuple[Case, list[str]]:
    """Each rating as a number, 1 for the lowest, in the order [feedback] lists them."""
    keys = [option.key for option in current_policy().feedback.ratings]
    whens = [When(satisfaction=key, then=Value(n)) for n, key in enumerate(keys, start=1)]
    return Case(*whens, default=Value(0)), keys


def _satisfaction(facts: dict[int, Facts], low: int, high: int, rules: EarlyWarning) -> None:
    window = rules.satisfaction_window
    score, keys = _scores()
    ranked = (
        FormRecord.objects.filter(**_ids("customer_id", low, high), satisfaction__in=keys)
        .annotate(
            value=score,
            n=Window(
                RowNumber(),
                partition_by=[F("customer_id")],
                order_by=[F("date").desc(), F("id").desc()],
            ),
        )
        .filter(n__lte=2 * window)
        .values_list("customer_id", "value", "n")
    )
    recent: dict[int, list[int]] = defaultdict(list)
    previous: dict[int, list[int]] = defaultdict(list)
    for customer_id, value, n in ranked:
        (recent if n <= window else previous)[customer_id].append(value)
    for customer_id, before in previous.items():
        now_values = recent.get(customer_id, [])
        if customer_id in facts and len(now_values) == window and before:
            facts[customer_id].satisfaction = (_mean(now_values), _mean(before))


def _mean(values: list[int]) -> Decimal:
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _relationships(facts: dict[int, Facts], low: int, high: int, rules: EarlyWarning) -> None:
    rows = (
        Relationship.objects.filter(
            **_ids("contact__customer_id", low, high),
            state=RelationshipState.NEGATIVE,
            buying_role__in=rules.negative_roles,
            contact__erased_at__isnull=True,
        )
        .order_by("contact_id")
        .values_list("contact__customer_id", "contact_id", "buying_role")
    )
    for customer_id, contact_id, role in rows:
        if customer_id in facts:
            facts[customer_id].negative.append((contact_id, role))


def _demands(facts: dict[int, Facts], low: int, high: int, today: date) -> None:
    rows = (
        Demand.objects.filter(
            **_ids("customer_id", low, high), status__in=OPEN_STATUSES, due_on__lt=today
        )
        .values("customer_id")
        .annotate(count=Count("id"), oldest=Min("due_on"))
        .values_list("customer_id", "count", "oldest")
    )
    for customer_id, count, oldest in rows:
        if customer_id in facts:
            facts[customer_id].overdue, facts[customer_id].oldest_due = count, oldest


def _contacts(facts: dict[int, Facts], low: int, high: int, today: date) -> None:
    """The last day anyone of ours was in contact: an activity carried out, a form, a report."""
    sources: list[Any] = [
        Activity.objects.filter(
            **_ids("customer_id", low, high),
            status__in=(ActivityStatus.CARRIED_OUT, ActivityStatus.WRITTEN_OFF),
            date__lte=today,
        )
        .values_list("customer_id")
        .annotate(last=Max("date")),
        FormRecord.objects.filter(**_ids("customer_id", low, high), date__lte=today)
        .values_list("customer_id")
        .annotate(last=Max("date")),
        ContactReport.objects.filter(**_ids("customer_id", low, high), contacted_on__lte=today)
        .values_list("customer_id")
        .annotate(last=Max("contacted_on")),
    ]
    for rows in sources:
        for customer_id, last in rows:
            found = facts.get(customer_id)
            if found is not None and (found.last_contact is None or last > found.last_contact):
                found.last_contact = last


def _complaints(facts: dict[int, Facts], low: int, high: int, now: datetime) -> None:
    late = Q(breached=True) | Q(due_at__lt=now)
    rows = (
        Complaint.objects.filter(**_ids("customer_id", low, high), status=ComplaintStatus.OPEN)
        .values("customer_id")
        .annotate(count=Count("id"), late=Count("id", filter=late))
        .values_list("customer_id", "count", "late")
    )
    for customer_id, count, breached in rows:
        if customer_id in facts:
            facts[customer_id].open_complaints, facts[customer_id].breached = count, breached


# --------------------------------------------------------------------- the signal


def points(facts: Facts, rules: EarlyWarning, today: date) -> tuple[dict[str, int], dict[str, Any]]:
    """Each part's points and the facts its explanation is worded from."""
    parts, why = rules.parts, {}
    got = dict.fromkeys(PART_FIELDS, 0)
    if facts.satisfaction and facts.satisfaction[1] - facts.satisfaction[0] >= (
        rules.satisfaction_drop
    ):
        got["satisfaction"] = parts["satisfaction"].weight
        why["satisfaction"] = {
            "window": rules.satisfaction_window,
            "recent": str(facts.satisfaction[0]),
            "previous": str(facts.satisfaction[1]),
        }
    if facts.negative:
        rule = parts["relationship"]
        got["relationship"] = rule.weight * min(len(facts.negative), rule.cap)
        why["relationship"] = {"contacts": [list(c) for c in facts.negative[:CONTACTS_KEPT]]}
    if facts.overdue:
        rule = parts["overdue_demands"]
        got["overdue_demands"] = rule.weight * min(facts.overdue, rule.cap)
        why["overdue_demands"] = {
            "count": facts.overdue,
            "oldest_due": facts.oldest_due.isoformat() if facts.oldest_due else "",
        }
    allowed = rules.silence_days.get(facts.tier)
    since = facts.last_contact or facts.created
    if allowed is not None and (today - since).days > allowed:
        got["silence"] = parts["silence"].weight
        why["silence"] = {
            "days": (today - since).days,
            "allowed": allowed,
            "last": facts.last_contact.isoformat() if facts.last_contact else "",
        }
    if facts.open_complaints:
        got["complaints"] = _complaint_points(facts, rules)
        why["complaints"] = {"count": facts.open_complaints, "breached": facts.breached}
    return got, why


def _complaint_points(facts: Facts, rules: EarlyWarning) -> int:
    rule = rules.parts["complaints"]
    late = min(facts.breached, rule.cap)
    on_time = min(facts.open_complaints - facts.breached, rule.cap - late)
    return late * rules.breached_weight + on_time * rule.weight


def _signal(
    customer_id: int, facts: Facts, rules: EarlyWarning, today: date, now: datetime
) -> RiskSignal | None:
    got, why = points(facts, rules, today)
    score = sum(got.values())
    if score <= 0:
        return None
    return RiskSignal(
        customer_id=customer_id,
        unit_id=facts.unit_id,
        tier=facts.tier,
        score=score,
        parts=why,
        computed_at=now,
        **got,
    )


def _write(low: int, high: int, signals: list[RiskSignal]) -> None:
    """Upsert the range's signals (ids stay stable) and drop the rows of customers no longer
    at risk."""
    keep = {signal.customer_id for signal in signals}
    existing = RiskSignal.objects.filter(**_ids("customer_id", low, high)).values_list(
        "customer_id", flat=True
    )
    gone = sorted(set(existing) - keep)
    for start in range(0, len(gone), DELETE_CHUNK):
        RiskSignal.objects.filter(customer_id__in=gone[start : start + DELETE_CHUNK]).delete()
    if signals:
        RiskSignal.objects.bulk_create(
            signals,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["customer"],
            update_fields=["unit", "tier", "score", *PART_FIELDS, "parts", "computed_at"],
        )
