"""The quarterly archive review 客户信息档案定期核定 (CUS-13; 003 §12.5, §13.3, §13.4).

How complete each customer archive is, which required items it misses, how long since it was
last added to, and the same per customer manager — for the information administrator's page and
improvement-suggestion report. What counts and when information is stale is policy (`[review]`).

Everything is set-based: one annotated query scores any number of customers (Exists
subqueries for the contacts, key persons, departments and unmapped key persons; Case/When for
empty fields), one GROUP BY query summarises the managers. Nothing here loops over the database.
"""

from __future__ import annotations

import functools
import io
import operator
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from guanxi.access.exports import check_confirmed
from guanxi.access.lists import query_text, register_list_ids
from guanxi.access.models import Channel
from guanxi.access.scope import User, may, visible
from guanxi.customers.excel import EXPORT_LIMIT, neutralise, watermark
from guanxi.customers.models import Contact, Customer, CustomerDepartment
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.policy.schema import Review

if TYPE_CHECKING:
    from guanxi.customers.selectors import Archive

MAX_PAGE = 100
NO_MANAGER = 0  # the `manager` filter value for customers without a customer manager
CURSOR_RE = re.compile(r"^([0-9]{1,3})\.([0-9]{1,18})$")

# Items of the archive that are not a single field of the customer unit.
ARCHIVE_ITEMS = {
    "contacts": gettext_lazy("at least one contact"),
    "key_persons": gettext_lazy("at least one key person"),
    "relationships": gettext_lazy("every key person on the relationship map"),
    "departments": gettext_lazy("at least one customer department"),
}


# ---------------------------------------------------------------- what is present


def _living_contacts() -> QuerySet[Contact]:
    # A contact whose personal data was erased (PRV-1) no longer informs the archive.
    return Contact.objects.filter(customer=OuterRef("pk"), erased_at__isnull=True)


def _present(name: str) -> Q:
    """When the archive holds the required item `name` (an entry of REVIEW_FIELDS)."""
    key_persons = _living_contacts().filter(is_key=True)
    if name == "contacts":
        return Q(Exists(_living_contacts()))
    if name == "key_persons":
        return Q(Exists(key_persons))
    if name == "relationships":
        # the map exists and nobody is missing from it: no key persons means no map
        return Q(Exists(key_persons)) & ~Q(Exists(key_persons.filter(relationship__isnull=True)))
    if name == "departments":
        return Q(Exists(CustomerDepartment.objects.filter(customer=OuterRef("pk"))))
    if name == "manager":
        return Q(manager__isnull=False)
    return ~Q(**{name: ""})


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _cutoff(review: Review, now: datetime) -> datetime:
    return now - timedelta(days=review.stale_after_days)


def _scored(
    queryset: QuerySet[Customer], *, review: Review, now: datetime, select: bool
) -> QuerySet[Customer]:
    """Annotate `present` (required items held), `score` (0–100) and `stale`; with `select`
    also one `rv_<item>` flag per required item, to name what is missing."""
    flags = {f"rv_{name}": _flag(_present(name)) for name in review.required}
    total = len(review.required)
    present: Combinable = functools.reduce(operator.add, flags.values()) if flags else Value(0)
    score = ExpressionWrapper(
        (present * 200 + total) / (2 * total) if total else Value(100),  # rounded half up
        output_field=IntegerField(),
    )
    stale = _flag(Q(updated_at__lt=_cutoff(review, now)))
    queryset = queryset.alias(present=ExpressionWrapper(present, output_field=IntegerField()))
    if select:
        return queryset.annotate(**flags, score=score, stale=stale)
    return queryset.alias(score=score, stale=stale)


# ---------------------------------------------------------------- one customer


@dataclass(frozen=True)
class Completeness:
    score: int
    missing: tuple[tuple[str, str], ...]  # (item, label in the active language)
    days_since_update: int
    stale: bool


def item_label(name: str) -> str:
    """What a required item is called, in the active language."""
    if name in ARCHIVE_ITEMS:
        return str(ARCHIVE_ITEMS[name])
    dimension = current_policy().dimensions.get(name)
    if dimension is not None:
        return dimension.name(translation.get_language())
    return str(getattr(Customer._meta.get_field(name), "verbose_name", name))


def completeness_of(customer: Customer, *, now: datetime | None = None) -> Completeness:
    """The completeness of a customer that came from `review_rows` (its annotations)."""
    required = current_policy().review.required
    now = now or timezone.now()
    annotations: dict[str, Any] = vars(customer)
    return Completeness(
        score=int(annotations["score"]),
        missing=tuple((n, item_label(n)) for n in required if not annotations[f"rv_{n}"]),
        days_since_update=max((now - customer.updated_at).days, 0),
        stale=bool(annotations["stale"]),
    )


def customer_completeness(customer: Customer) -> Completeness:
    """The completeness of one customer the caller has already been allowed to read
    (customer_get); the same SQL as the review list, so the two never disagree."""
    now = timezone.now()
    review = current_policy().review
    scored = _scored(Customer.objects.filter(pk=customer.pk), review=review, now=now, select=True)
    return completeness_of(scored.get(), now=now)


def archive_completeness(
    customer: Customer, archive: Archive, *, now: datetime | None = None
) -> Completeness:
    """The same completeness from what the customer page has already loaded, without a query.

    It mirrors `_present` item by item; tests hold it equal to `customer_completeness` (the SQL
    of the review list) in every case they build, so the page and the review never disagree.
    """
    review = current_policy().review
    now = now or timezone.now()
    living = [c for c in archive.contacts if c.erased_at is None]
    keys = [c for c in living if c.is_key]
    mapped = {r.contact_id for r in archive.relationships}
    computed = {
        "contacts": bool(living),
        "key_persons": bool(keys),
        "relationships": bool(keys) and all(c.pk in mapped for c in keys),
        "departments": bool(archive.departments),
        "manager": customer.manager_id is not None,
    }
    held = {
        name: computed[name] if name in computed else getattr(customer, name) != ""
        for name in review.required
    }
    total = len(review.required)
    present = sum(held.values())
    return Completeness(
        score=(present * 200 + total) // (2 * total) if total else 100,
        missing=tuple((n, item_label(n)) for n in review.required if not held[n]),
        days_since_update=max((now - customer.updated_at).days, 0),
        stale=customer.updated_at < _cutoff(review, now),
    )


# ---------------------------------------------------------------- lists


def review_rows(
    *,
    actor: User,
    unit: Unit | None = None,
    manager: int | None = None,
    only_incomplete: bool = False,
) -> QuerySet[Customer]:
    """The actor's visible customers, scored, least complete first (order: score, id).

    `unit` takes its whole subtree; `manager` is a person's id, or NO_MANAGER for customers
    without a customer manager.
    """
    review = current_policy().review
    queryset = visible(
        actor, Customer.objects.select_related("owning_unit", "manager"), "customer.view"
    )
    if unit is not None:
        queryset = queryset.filter(owning_unit__path__startswith=unit.path)
    if manager == NO_MANAGER:
        queryset = queryset.filter(manager__isnull=True)
    elif manager is not None:
        queryset = queryset.filter(manager_id=manager)
    queryset = _scored(queryset, review=review, now=timezone.now(), select=True)
    if only_incomplete:
        queryset = queryset.filter(Q(present__lt=len(review.required)))
    return queryset.order_by("score", "id")


@dataclass(frozen=True)
class ReviewRow:
    customer: Customer
    completeness: Completeness


@dataclass(frozen=True)
class ReviewPage:
    rows: list[ReviewRow]
    next_after: str | None
    is_first: bool


def review_page(rows: QuerySet[Customer], *, after: str | None, size: int) -> ReviewPage:
    """One keyset page of `review_rows`: `after` is the "score.id" of the last row seen."""
    size = max(1, min(size, MAX_PAGE))
    cursor = CURSOR_RE.match(after or "")
    if cursor:
        score, pk = int(cursor.group(1)), int(cursor.group(2))
        rows = rows.filter(Q(score__gt=score) | Q(score=score, pk__gt=pk))
    found = list(rows[: size + 1])
    now = timezone.now()
    items = [ReviewRow(c, completeness_of(c, now=now)) for c in found[:size]]
    last = items[-1] if len(found) > size else None
    next_after = f"{last.completeness.score}.{last.customer.pk}" if last else None
    return ReviewPage(rows=items, next_after=next_after, is_first=cursor is None)


@dataclass(frozen=True)
class ManagerRow:
    manager_id: int | None
    name: str
    customers: int
    average_score: float
    incomplete: int
    stale: int


def _count(condition: Q) -> Sum:
    return Sum(_flag(condition))


def manager_summary(*, actor: User) -> list[ManagerRow]:
    """Per customer manager over the actor's visible customers, in one GROUP BY query:
    how many customers, their average score, how many are incomplete and how many stale."""
    review = current_policy().review
    base = visible(actor, Customer.objects.all(), "customer.view")
    grouped = (
        _scored(base, review=review, now=timezone.now(), select=False)
        .order_by()
        .values("manager", "manager__display_name", "manager__username")
        .annotate(
            customers=Count("pk"),
            average=Avg("score"),
            incomplete=_count(Q(present__lt=len(review.required))),
            stale_count=_count(Q(stale=1)),
        )
        .order_by("average", "manager__username")
    )
    return [
        ManagerRow(
            manager_id=row["manager"],
            name=row["manager__display_name"] or row["manager__username"] or _("No manager"),
            customers=row["customers"],
            average_score=round(float(row["average"] or 0), 1),
            incomplete=row["incomplete"] or 0,
            stale=row["stale_count"] or 0,
        )
        for row in grouped
    ]


# ---------------------------------------------------------------- the review period


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    months: int

    def label(self, language: str | None) -> str:
        english = bool(language and language.startswith("en"))
        year, index = self.start.year, (self.start.month - 1) // self.months
        if self.months == 3:
            return f"{year} Q{index + 1}" if english else f"{year}年第{index + 1}季度"
        if self.months == 6:
            half = ("H1", "H2") if english else ("上半年", "下半年")
            return f"{year} {half[index]}" if english else f"{year}年{half[index]}"
        if self.months == 12:
            return str(year) if english else f"{year}年度"
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def review_period(day: date, months: int) -> Period:
    """The review period holding `day`: quarters for 003 §12.5, half years for 000 §13.2.3."""
    first_month = (day.month - 1) // months * months + 1
    start = date(day.year, first_month, 1)
    after_month = first_month + months
    end = (
        date(day.year, after_month, 1) - timedelta(days=1)
        if after_month <= 12
        else date(day.year, 12, 31)
    )
    return Period(start=start, end=end, months=months)


def current_period() -> Period:
    return review_period(timezone.localdate(), current_policy().review.review_every_months)


# ---------------------------------------------------------------- the report (003 §13.4)


def _put(sheet: Worksheet, row: int, values: list[Any]) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = neutralise(value)
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula


def _customer_sheet(sheet: Worksheet, rows: list[ReviewRow], due: date) -> None:
    headers = [
        _("Customer unit"),
        _("Owning unit"),
        _("Customer manager"),
        _("Completeness (%)"),
        _("Missing items"),
        _("Days since update"),
        _("Stale"),
        _("Improve by"),
    ]
    _put(sheet, 2, headers)
    for offset, row in enumerate(rows):
        customer, done = row.customer, row.completeness
        needs_work = bool(done.missing) or done.stale
        _put(
            sheet,
            3 + offset,
            [
                customer.name,
                customer.owning_unit.name,
                str(customer.manager) if customer.manager else "",
                done.score,
                "、".join(label for _item, label in done.missing),
                done.days_since_update,
                _("yes") if done.stale else _("no"),
                due.isoformat() if needs_work else "",
            ],
        )


def _manager_sheet(sheet: Worksheet, managers: list[ManagerRow]) -> None:
    headers = [
        _("Customer manager"),
        _("Customers"),
        _("Average completeness (%)"),
        _("Incomplete"),
        _("Stale"),
    ]
    _put(sheet, 2, headers)
    for offset, m in enumerate(managers):
        row = [m.name, m.customers, m.average_score, m.incomplete, m.stale]
        _put(sheet, 3 + offset, row)


def report_title(actor: Person, period: Period, at: datetime) -> str:
    stamp = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    kind = "季度档案检查报告" if period.months == 3 else "档案检查报告"
    return f"信息管理员{kind} · {period.label('zh-hans')} · 导出人 {actor} · {stamp}"


def review_workbook(
    *,
    actor: Person,
    language: str | None,
    address: str | None,
    unit: Unit | None = None,
    manager: int | None = None,
    only_incomplete: bool = False,
    confirmed: int | None = None,
) -> bytes:
    """The information administrator's report (003 §13.4) as a watermarked workbook: sheet 1
    per customer, sheet 2 per customer manager. Needs `customer.export`; the customer rows are
    registered as one list read per owning unit, with the filters that chose them, before the
    bytes are returned (fail-closed). More rows than the
    policy allows unconfirmed: ExportNotConfirmed, nothing read."""
    if not may(actor, "customer.export"):
        raise PermissionDenied(_("You may not export customer units."))
    queryset = review_rows(actor=actor, unit=unit, manager=manager, only_incomplete=only_incomplete)
    check_confirmed(count=queryset[:EXPORT_LIMIT].count(), confirmed=confirmed)
    with translation.override(language or translation.get_language()):
        return _workbook(actor, address, unit, manager, only_incomplete)


def _workbook(
    actor: Person, address: str | None, unit: Unit | None, manager: int | None, only: bool
) -> bytes:
    now = timezone.now()
    period = current_period()
    queryset = review_rows(actor=actor, unit=unit, manager=manager, only_incomplete=only)
    rows = [ReviewRow(c, completeness_of(c, now=now)) for c in queryset[:EXPORT_LIMIT]]
    book = Workbook()
    customers = book.active
    assert customers is not None  # noqa: S101 - a new workbook always has a sheet
    customers.title = "客户档案"
    managers = book.create_sheet("客户经理")
    title, mark = report_title(actor, period, now), watermark(actor, now)
    for sheet in (customers, managers):
        _put(sheet, 1, [title])
        for item in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter):
            if item is not None:
                item.center.text = mark
    _customer_sheet(customers, rows, period.end)
    _manager_sheet(managers, manager_summary(actor=actor))
    book.properties.creator = str(actor)
    book.properties.description = mark
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    query = {
        "unit": unit.pk if unit else None,
        "manager": manager,
        "incomplete": "1" if only else None,
    }
    register_list_ids(
        actor=actor,
        record_type=Customer._meta.label_lower,
        pairs=((row.customer.pk, row.customer.owning_unit_id) for row in rows),
        channel=Channel.EXPORT,
        query=query_text(query),
        address=address,
    )
    return out.getvalue()
