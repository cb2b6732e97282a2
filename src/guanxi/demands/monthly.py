"""The monthly key-customer report 重点客户月报 (002 §8.1.4, DEM-4).

Each unit submits its part of the month by the due day of the policy (28): progress and risks
per strategic customer of its line; submitting reports the month's strategic demands of its
line to HQ. HQ generates the report from the submissions — per strategic customer the month's
demands (all of them, submitted or not: the report must hold exactly that month's strategic
demands), visits, progress and risks — and publishes it. A month that has not begun is refused.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import Customer
from guanxi.demands.models import (
    Demand,
    MonthlyReport,
    MonthlySubmission,
    ReportRow,
    ReportStatus,
    SubmissionEntry,
    SubmissionStatus,
)
from guanxi.demands.services import rules, top_unit
from guanxi.keycustomers.models import VisitPlan, VisitStatus
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import lock_current
from guanxi.workdays.calendar import last_working_day_on_or_before


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def due_date(month: date) -> date:
    """The day a unit's part is due (policy `monthly_due_day`, 28 in 002 §8.1.4): "by the 28th"
    is by the last working day on or before it when the policy says so (000 §27,
    `[working_days] due_on_working_day`)."""
    day = month.replace(day=rules().monthly_due_day)
    if current_policy().working_days.due_on_working_day:
        return last_working_day_on_or_before(day)
    return day


def require_begun(month: date) -> date:
    month = month_start(month)
    if month > month_start(timezone.localdate()):
        raise ValidationError(
            {"month": _("%(month)s has not begun yet.") % {"month": f"{month:%Y-%m}"}}
        )
    return month


def strategic_customers(unit: Unit) -> QuerySet[Customer]:
    """Strategic customers of the unit's line (policy `report_tiers`)."""
    return Customer.objects.filter(
        tier__in=rules().report_tiers, owning_unit__path__startswith=unit.path
    )


def month_demands(month: date) -> QuerySet[Demand]:
    """Exactly the strategic customers' demands raised in the month."""
    return Demand.objects.filter(
        raised_on__gte=month,
        raised_on__lt=next_month(month),
        customer__tier__in=rules().report_tiers,
    )


# --------------------------------------------------------------------- submissions


def _require_submit(actor: Person, unit_id: int) -> None:
    if not may_in_unit(actor, "monthly_report.submit", unit_id):
        raise PermissionDenied(_("You may not submit this unit's monthly part."))


@transaction.atomic
def submission_open(*, actor: Person, unit: Unit, month: date) -> MonthlySubmission:
    """The unit's part of the month, started if it does not exist yet."""
    _require_submit(actor, unit.pk)
    month = require_begun(month)
    submission, _created = MonthlySubmission.objects.get_or_create(unit=unit, month=month)
    return submission


@transaction.atomic
def entry_set(
    *,
    actor: Person,
    submission: MonthlySubmission,
    version: int,
    customer: Customer,
    progress: str,
    risks: str,
) -> SubmissionEntry:
    """Write progress and risks of one strategic customer of the unit's line."""
    locked = lock_current(MonthlySubmission, submission.pk, version)
    _require_submit(actor, locked.unit_id)
    if locked.status == SubmissionStatus.SUBMITTED:
        raise ValidationError(_("This part has been submitted; it can no longer change."))
    if not strategic_customers(locked.unit).filter(pk=customer.pk).exists():
        raise ValidationError({"customer": _("Choose a strategic customer of the unit's line.")})
    if not (progress.strip() or risks.strip()):
        raise ValidationError({"progress": _("Write the progress or the risks.")})
    entry, _created = SubmissionEntry.objects.update_or_create(
        submission=locked, customer=customer, defaults={"progress": progress, "risks": risks}
    )
    locked.version += 1
    locked.save(update_fields=["version"])
    return entry


@transaction.atomic
def submission_submit(
    *, actor: Person, submission: MonthlySubmission, version: int
) -> MonthlySubmission:
    """Hand the part to HQ; the month's strategic demands of the line count as reported."""
    locked = lock_current(MonthlySubmission, submission.pk, version)
    _require_submit(actor, locked.unit_id)
    if locked.status == SubmissionStatus.SUBMITTED:
        raise ValidationError(_("This part has already been submitted."))
    now = timezone.now()
    locked.status, locked.submitted_at, locked.submitted_by = SubmissionStatus.SUBMITTED, now, actor
    locked.late = timezone.localdate(now) > due_date(locked.month)
    locked.version += 1
    locked.save()
    month_demands(locked.month).filter(
        owning_unit__path__startswith=locked.unit.path, reported_at__isnull=True
    ).update(reported_at=now)
    return locked


# ------------------------------------------------------------------------- the report


def _require_publish(actor: Person) -> Unit:
    root = top_unit()
    if not may_in_unit(actor, "monthly_report.publish", root.pk):
        raise PermissionDenied(_("Only HQ generates and publishes the monthly report."))
    return root


def _rows(report: MonthlyReport, customer_ids: set[int]) -> list[ReportRow]:
    month, end = report.month, next_month(report.month)
    visits = dict(
        VisitPlan.objects.filter(
            customer_id__in=customer_ids, starts_on__gte=month, starts_on__lt=end
        )
        .exclude(status=VisitStatus.CANCELLED)
        .order_by()
        .values("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )
    entries: dict[int, list[SubmissionEntry]] = {}
    for entry in SubmissionEntry.objects.filter(
        submission__month=month,
        submission__status=SubmissionStatus.SUBMITTED,
        customer_id__in=customer_ids,
    ).order_by("submission__unit__path", "pk"):
        entries.setdefault(entry.customer_id, []).append(entry)
    units = dict(Customer.objects.filter(pk__in=customer_ids).values_list("pk", "owning_unit_id"))
    return [
        ReportRow(
            report=report,
            customer_id=pk,
            unit_id=units[pk],
            visits=visits.get(pk, 0),
            progress="\n".join(e.progress for e in entries.get(pk, []) if e.progress),
            risks="\n".join(e.risks for e in entries.get(pk, []) if e.risks),
        )
        for pk in sorted(customer_ids)
    ]


@transaction.atomic
def report_generate(*, actor: Person, month: date) -> MonthlyReport:
    """(Re)generate the month's report from the submissions; a published one stays as it is."""
    root = _require_publish(actor)
    month = require_begun(month)
    report = MonthlyReport.objects.select_for_update().filter(month=month).first()
    if report is not None and report.status == ReportStatus.PUBLISHED:
        raise ValidationError(_("The report of this month is published; it can no longer change."))
    now = timezone.now()
    if report is None:
        report = MonthlyReport.objects.create(
            month=month, unit=root, generated_at=now, generated_by=actor
        )
    else:
        report.generated_at, report.generated_by = now, actor
        report.version += 1
        report.save()
        report.rows.all().delete()
    demand_ids = list(month_demands(month).values_list("pk", "customer_id"))
    report.demands.set([pk for pk, _customer in demand_ids])
    customers = {customer for _pk, customer in demand_ids}
    customers |= set(
        SubmissionEntry.objects.filter(
            submission__month=month, submission__status=SubmissionStatus.SUBMITTED
        ).values_list("customer_id", flat=True)
    )
    ReportRow.objects.bulk_create(_rows(report, customers))
    return report


@transaction.atomic
def report_publish(*, actor: Person, report: MonthlyReport, version: int) -> MonthlyReport:
    _require_publish(actor)
    locked = lock_current(MonthlyReport, report.pk, version)
    if locked.status == ReportStatus.PUBLISHED:
        raise ValidationError(_("This report is already published."))
    locked.status, locked.published_at = ReportStatus.PUBLISHED, timezone.now()
    locked.version += 1
    locked.save()
    return locked
