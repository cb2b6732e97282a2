"""Satisfaction analytics (ACT-6): scores by dimension, period, unit and customer, with trends.

Every figure is counted in the database from the ratings the reader may see — scoped through
the access module exactly as the form lists are (`feedback.view` over the executing unit) — in
one grouped query per view of the data and source: by month (the totals and the trend) and by
unit (the units side by side). The source is the monthly rollup (`MonthlyRating`, counts by
unit, month, kind, dimension and rating) for the months a span covers whole, and the rating
rows (`FormRating`) for a month the span cuts and for one customer (see `_sources`); both give
the same counts. The groups are few (months × dimensions × ratings, units × dimensions ×
ratings) however many forms there are; the average of a group is Σ score × count / Σ count
with the scores of the policy's scale (差 = 1, 中 = 2, 优 = 3 in the presets), so a figure never
needs the forms themselves.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from django.db.models import Count, Model, QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _

from guanxi.access.lists import query_text
from guanxi.access.models import Channel
from guanxi.access.register import Read, client_address, register_reads
from guanxi.access.scope import User, acting_person, scope_of, visible
from guanxi.feedback.models import MODELS, FormKind, FormRecord
from guanxi.organisation.models import Unit
from guanxi.policy.loader import current as current_policy
from guanxi.satisfaction.models import OVERALL, FormRating, MonthlyRating, month_of

M = TypeVar("M", bound=Model)

UNIT_FIELD = "unit"
PERMISSION = "feedback.view"
PERIODS = ("month", "quarter", "year")
# The forms that carry ratings (the seminar feedback form has none, 000 附表三).
RATED_KINDS = (FormKind.VISIT, FormKind.CARE)
COMPARED_MAX = 200  # units side by side at most (an organisation has a few dozen per level)


@dataclass(frozen=True)
class SatisfactionFilters:
    """What the analytics cover: a unit's line (the unit and those below it), one customer,
    one kind of form, a span of days; `period` buckets the trend."""

    unit: int | None = None
    customer: int | None = None
    kind: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    period: str = "month"


@dataclass
class Figure:
    """How often each rating was given, and what follows: count, average, shares."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, rating: str, count: int) -> None:
        self.counts[rating] = self.counts.get(rating, 0) + count

    @property
    def count(self) -> int:
        """The forms behind the figure (a form rates a dimension once)."""
        return sum(self.counts.get(key, 0) for key in current_policy().feedback.scores())

    @property
    def average(self) -> float | None:
        scores = current_policy().feedback.scores()
        total = sum(self.counts.get(key, 0) * score for key, score in scores.items())
        return round(total / self.count, 2) if self.count else None

    def share(self, rating: str) -> float:
        """The percentage of the forms giving `rating`."""
        return round(100 * self.counts.get(rating, 0) / self.count, 1) if self.count else 0.0

    def shares(self) -> list[tuple[str, int, float]]:
        """(rating, count, percentage) in the scale's order."""
        return [(key, self.counts.get(key, 0), self.share(key)) for key in _rating_keys()]


Figures = dict[str, Figure]  # by dimension key; OVERALL ("") is the overall satisfaction


@dataclass
class UnitFigures:
    unit: Unit
    own: bool  # the chosen unit's own forms, apart from those of the units below it
    figures: Figures


@dataclass
class Satisfaction:
    """The analytics of one filter: totals, the trend per period, the units side by side, and
    the forms counted per executing unit (for the read register)."""

    filters: SatisfactionFilters
    totals: Figures
    trend: list[tuple[str, Figures]]
    units: list[UnitFigures]
    forms_by_unit: dict[int, int]

    @property
    def forms(self) -> int:
        return sum(self.forms_by_unit.values())


def _rating_keys() -> list[str]:
    return [option.key for option in current_policy().feedback.ratings]


def dimension_keys() -> list[str]:
    """The overall satisfaction first, then the dimensions in the paper form's order."""
    return [OVERALL, *(option.key for option in current_policy().feedback.dimensions)]


# --------------------------------------------------------------------------- periods


def period_key(month: int, period: str) -> int:
    """The bucket of a yyyymm month: itself, yyyyq (quarter) or yyyy (year)."""
    if period == "year":
        return month // 100
    if period == "quarter":
        return month // 100 * 10 + (month % 100 - 1) // 3 + 1
    return month


def period_label(key: int, period: str) -> str:
    if period == "year":
        return str(key)
    if period == "quarter":
        return _("%(year)s Q%(quarter)s") % {"year": key // 10, "quarter": key % 10}
    return f"{key // 100}-{key % 100:02d}"


def _next_month(month: int) -> int:
    return month + 1 if month % 100 < 12 else (month // 100 + 1) * 100 + 1


def period_keys(first: int, last: int, period: str) -> list[int]:
    """Every bucket from the month `first` to the month `last`, none skipped: a quarter
    without forms shows as a gap in the trend, not as a shorter line."""
    keys: list[int] = []
    month = first
    while month <= last:
        key = period_key(month, period)
        if not keys or keys[-1] != key:
            keys.append(key)
        month = _next_month(month)
    return keys


# --------------------------------------------------------------------------- reads


def _narrowed(rows: QuerySet[M], filters: SatisfactionFilters) -> QuerySet[M]:
    """`rows` (rating rows or rollup groups) of the chosen unit's line and kind."""
    if filters.unit:
        chosen = Unit.objects.filter(pk=filters.unit).values_list("path", flat=True).first()
        rows = rows.filter(unit_id__in=Unit.objects.filter(path__startswith=chosen or "\0"))
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return rows


def ratings_visible(*, actor: User, filters: SatisfactionFilters) -> QuerySet[FormRating]:
    """The rating rows of the forms `actor` may see (as the form lists scope them), narrowed."""
    rows = _narrowed(visible(actor, FormRating.objects.all(), PERMISSION, UNIT_FIELD), filters)
    if filters.customer:
        rows = rows.filter(customer_id=filters.customer)
    if filters.date_from:
        rows = rows.filter(date__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(date__lte=filters.date_to)
    return rows


def rollup_visible(
    *, actor: User, filters: SatisfactionFilters, first: int | None, last: int | None
) -> QuerySet[MonthlyRating]:
    """The monthly rollup groups of the units `actor` may see (the same scoping as the rating
    rows: the reader's unit ids under `feedback.view`), of the months `first` to `last`
    (yyyymm, either open), narrowed by unit line and kind; groups fallen to 0 left out."""
    rows = visible(actor, MonthlyRating.objects.filter(count__gt=0), PERMISSION, UNIT_FIELD)
    rows = _narrowed(rows, filters)
    if first is not None:
        rows = rows.filter(month__gte=first)
    if last is not None:
        rows = rows.filter(month__lte=last)
    return rows


def _last_day(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _previous_month(month: int) -> int:
    return month - 1 if month % 100 > 1 else (month // 100 - 1) * 100 + 12


def _sources(
    actor: User, filters: SatisfactionFilters, rollup: bool = True
) -> list[tuple[QuerySet[Any], Count | Sum]]:
    """Where the counts of `filters` come from: querysets of groups, each with the expression
    that counts a group's ratings. Added up, they count exactly the rating rows
    `ratings_visible` gives.

    With a customer chosen (or `rollup` off), the rating rows themselves: a customer has few
    forms, and the rollup does not keep customers. Otherwise the monthly rollup for every
    month the span covers whole, and the rating rows only for a month the span cuts — the
    start's month when it does not begin on the 1st, the end's when it does not end on the
    month's last day (one source when both are the same month). The default spans begin on
    a 1st and are open at the end, so they read the rollup alone; a cut month costs one
    grouped query over that month's rating rows (an index range on the day)."""
    if filters.customer or not rollup:
        return [(ratings_visible(actor=actor, filters=filters), Count("id"))]
    start, end = filters.date_from, filters.date_to
    first = month_of(start) if start else None
    last = month_of(end) if end else None
    cuts: list[tuple[datetime.date, datetime.date]] = []
    if start and first and start.day != 1:
        cuts.append((start, min(_last_day(start), end or _last_day(start))))
        first = _next_month(first)
    if end and last and end != _last_day(end):
        if not cuts or cuts[0][1] < end:
            cuts.append((max(end.replace(day=1), start or end.replace(day=1)), end))
        last = _previous_month(last)
    sources: list[tuple[QuerySet[Any], Count | Sum]] = [
        (
            ratings_visible(actor=actor, filters=replace(filters, date_from=a, date_to=b)),
            Count("id"),
        )
        for a, b in cuts
    ]
    if first is None or last is None or first <= last:
        rows = rollup_visible(actor=actor, filters=filters, first=first, last=last)
        sources.insert(0, (rows, Sum("count")))
    return sources


def _grouped(
    sources: Sequence[tuple[QuerySet[Any], Count | Sum]], *by: str
) -> list[dict[str, Any]]:
    """The number of ratings per group of `by`, dimension and rating: one grouped query per
    source, the sources' groups added up."""
    names = (*by, "dimension", "rating")
    counts: dict[tuple[Any, ...], int] = defaultdict(int)
    for rows, counted in sources:
        for group in rows.order_by().values(*names).annotate(n=counted):
            counts[tuple(group[name] for name in names)] += int(group["n"])
    return [{**dict(zip(names, key, strict=True)), "n": n} for key, n in counts.items() if n]


def _by_month(
    sources: Sequence[tuple[QuerySet[Any], Count | Sum]], period: str
) -> tuple[Figures, list[tuple[str, Figures]]]:
    totals: Figures = defaultdict(Figure)
    buckets: dict[int, Figures] = defaultdict(lambda: defaultdict(Figure))
    months: list[int] = []
    for group in _grouped(sources, "month"):
        totals[group["dimension"]].add(group["rating"], group["n"])
        buckets[period_key(group["month"], period)][group["dimension"]].add(
            group["rating"], group["n"]
        )
        months.append(group["month"])
    trend = []
    if months:
        for key in period_keys(min(months), max(months), period):
            trend.append((period_label(key, period), dict(buckets.get(key, {}))))
    return dict(totals), trend


def _tops(actor: User) -> QuerySet[Unit]:
    """The highest units of the reader's line (the roots for HQ, which sees every unit)."""
    ids = scope_of(actor).unit_ids(PERMISSION)
    if ids is None:
        return Unit.objects.filter(parent__isnull=True)
    return Unit.objects.filter(pk__in=sorted(ids)).exclude(parent_id__in=sorted(ids))


def _compared_units(actor: User, chosen: int | None) -> list[tuple[Unit, bool]]:
    """The units side by side: the chosen unit's own forms and each unit right below it (by
    default under the reader's highest unit); when the line has several tops, those."""
    anchor = Unit.objects.filter(pk=chosen).first() if chosen else None
    if anchor is None:
        tops = list(_tops(actor).order_by("path")[:COMPARED_MAX])
        if len(tops) != 1:
            return [(unit, False) for unit in tops]
        anchor = tops[0]
    children = Unit.objects.filter(parent=anchor, is_active=True).order_by("path")
    return [(anchor, True), *((unit, False) for unit in children[:COMPARED_MAX])]


def _side_by_side(
    actor: User, sources: Sequence[tuple[QuerySet[Any], Count | Sum]], chosen: int | None
) -> tuple[list[UnitFigures], dict[int, int]]:
    compared = [UnitFigures(unit, own, {}) for unit, own in _compared_units(actor, chosen)]
    groups = _grouped(sources, "unit")
    paths = dict(Unit.objects.filter(pk__in={g["unit"] for g in groups}).values_list("pk", "path"))
    rated: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group in groups:
        rated[group["unit"]][group["dimension"]] += group["n"]
        target = _owner(compared, group["unit"], paths.get(group["unit"], ""))
        if target is not None:
            figure = target.figures.setdefault(group["dimension"], Figure())
            figure.add(group["rating"], group["n"])
    # a form rates each dimension at most once: its unit's forms are the most rated dimension
    forms = {unit: max(counts.values()) for unit, counts in rated.items()}
    return compared, forms


def _owner(compared: Sequence[UnitFigures], unit_id: int, path: str) -> UnitFigures | None:
    """The compared unit a form's unit falls under: the anchor only for its own forms."""
    for row in compared:
        if row.own and row.unit.pk == unit_id:
            return row
        if not row.own and path.startswith(row.unit.path):
            return row
    return None


def satisfaction_summary(
    *, actor: User, filters: SatisfactionFilters, rollup: bool = True
) -> Satisfaction:
    """The analytics of the forms `actor` may see under `filters`: not registered yet —
    the caller registers them with `register` once nothing can refuse any more. The counts
    come from the monthly rollup where they can (`_sources`); `rollup=False` counts the
    rating rows alone (the same figures, slower over years: for comparing the two)."""
    sources = _sources(actor, filters, rollup)
    totals, trend = _by_month(sources, filters.period)
    units, forms = _side_by_side(actor, sources, filters.unit)
    return Satisfaction(
        filters=filters, totals=totals, trend=trend, units=units, forms_by_unit=forms
    )


def register(
    *,
    actor: User,
    result: Satisfaction,
    channel: Channel,
    request: HttpRequest | None,
    query: dict[str, Any],
) -> int:
    """Register the analytics as a read of the forms they counted: one entry per executing
    unit whose forms were counted, naming the query (filters) and how many forms, not their
    ids. An aggregate shows no single form, yet it is drawn from confidential ones, so the
    register must say who looked at which unit's forms and how they were narrowed; listing the
    ids would write a million of them when HQ looks at everything, for no more knowledge than
    the query already gives (the same query over the same day finds the same forms). Entries
    are per unit so each unit's read register shows the reads of its forms (000 §20.2).
    Nothing is registered when no form was counted."""
    reads = [
        Read(
            record_type=FormRecord._meta.label_lower,
            record_id="",
            record_unit_id=unit_id,
            record_ids="",
            query=query_text({**query, "aggregate": "satisfaction", "forms": forms}),
        )
        for unit_id, forms in sorted(result.forms_by_unit.items())
        if forms
    ]
    if not reads:
        return 0
    return register_reads(
        actor=acting_person(actor), reads=reads, channel=channel, address=client_address(request)
    )


def latest_rated(*, actor: User, customer_id: int) -> FormRecord | None:
    """The customer's newest form with ratings that `actor` may see, as its own kind (a
    service visit record, a care record), not registered."""
    newest = (
        ratings_visible(actor=actor, filters=SatisfactionFilters(customer=customer_id))
        .order_by("-date", "-record_id")
        .values_list("record_id", "kind")
        .first()
    )
    if newest is None:
        return None
    pk, kind = newest
    forms = visible(actor, MODELS[kind].objects.select_related("unit"), PERMISSION, UNIT_FIELD)
    found: FormRecord | None = forms.filter(pk=pk).first()
    return found


# --------------------------------------------------------------------------- early warning


@dataclass(frozen=True)
class TrendPoint:
    period: int  # yyyymm, yyyyq or yyyy (see `period_key`)
    average: float | None
    forms: int


def satisfaction_trend(
    *,
    actor: User,
    customer_ids: Iterable[int],
    dimension: str = OVERALL,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    period: str = "quarter",
) -> dict[int, list[TrendPoint]]:
    """Each customer's average rating of `dimension` per period, oldest first, over the forms
    `actor` may see — in one grouped query for all the customers. Periods without forms are
    left out. Not registered: a caller that shows the figures registers them (`register`).

    The early warning (DEM-5) reads "falling satisfaction" from it: compare the last points.
    """
    ids = sorted(set(customer_ids))
    rows = ratings_visible(
        actor=actor, filters=SatisfactionFilters(date_from=date_from, date_to=date_to)
    ).filter(customer_id__in=ids, dimension=dimension)
    series: dict[int, dict[int, Figure]] = defaultdict(lambda: defaultdict(Figure))
    for group in _grouped([(rows, Count("id"))], "customer", "month"):
        key = period_key(group["month"], period)
        series[group["customer"]][key].add(group["rating"], group["n"])
    return {
        customer: [
            TrendPoint(key, figures[key].average, figures[key].count) for key in sorted(figures)
        ]
        for customer, figures in series.items()
    }


def falling(points: Sequence[TrendPoint], *, by: float) -> bool:
    """True when the last period's average is at least `by` below the one before it."""
    scored = [p for p in points if p.average is not None]
    if len(scored) < 2:
        return False
    return (scored[-2].average or 0) - (scored[-1].average or 0) >= by


__all__ = [
    "PERIODS",
    "RATED_KINDS",
    "Figure",
    "Satisfaction",
    "SatisfactionFilters",
    "TrendPoint",
    "dimension_keys",
    "falling",
    "latest_rated",
    "month_of",
    "period_key",
    "period_label",
    "ratings_visible",
    "register",
    "rollup_visible",
    "satisfaction_summary",
    "satisfaction_trend",
]
