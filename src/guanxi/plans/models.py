"""Unit plans: care, service-visit and seminar plans 客户关怀/服务回访/研讨会计划 (PLAN-1..4)."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person, Unit

# A plausible ceiling of customer people at one activity: a date or an id typed into the count
# is refused, not stored.
CUSTOMER_COUNT_MAX = 10_000


class Kind(models.TextChoices):
    CARE = "care", _("care plan")
    VISIT = "visit", _("service-visit plan")
    SEMINAR = "seminar", _("seminar plan")


class Period(models.TextChoices):
    MONTH = "month", _("monthly")
    QUARTER = "quarter", _("quarterly")
    YEAR = "year", _("annual")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for revision")
    ACCEPTED = "accepted", _("accepted")


EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)


def period_start(period: str, day: datetime.date) -> datetime.date:
    """The first day of the month, quarter or year that holds `day`."""
    if period == Period.MONTH:
        return day.replace(day=1)
    if period == Period.QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def period_label(period: str, start: datetime.date) -> str:
    if period == Period.MONTH:
        return f"{start.year}-{start.month:02d}"
    if period == Period.QUARTER:
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


class Plan(models.Model):
    """One unit's plan of one kind for one period; a submission freezes it until returned."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)
    starts = models.DateField(_("period starts"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_late = models.BooleanField(_("submitted after the deadline"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Person,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = models.TextField(_("comment on return"), blank=True)
    created_by = models.ForeignKey(
        Person, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "period", "starts"],
                name="plan_unit_period_unique",
                violation_error_message=_(
                    "This unit already has a plan of this kind for this period."
                ),
            )
        ]
        indexes = [
            models.Index(fields=["unit", "-id"], name="plan_unit_id"),
            models.Index(fields=["period", "starts", "kind", "status"], name="plan_period"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.label}"

    @property
    def label(self) -> str:
        return period_label(self.period, self.starts)

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class PlanItem(models.Model):
    """One planned activity; which fields a kind uses is policy ([[plans]] fields)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    name = models.CharField(_("activity name"), max_length=200, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    when = models.DateField(_("time"))
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    customer_count = models.PositiveIntegerField(
        _("number of customer people"),
        default=0,
        validators=[MaxValueValidator(CUSTOMER_COUNT_MAX)],
    )
    key_persons = models.ManyToManyField(
        Contact, blank=True, related_name="+", verbose_name=_("main customer people")
    )
    gifts = models.CharField(_("planned gifts"), max_length=300, blank=True)
    our_people = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("our main people")
    )
    content = models.TextField(_("content"), blank=True)
    documents = models.TextField(_("documents prepared"), blank=True)
    cost = models.DecimalField(_("total cost (yuan)"), max_digits=14, decimal_places=2, default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        indexes = [
            models.Index(fields=["plan", "when", "id"], name="planitem_plan_when"),
            models.Index(fields=["customer"], name="planitem_customer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer_count__range=(0, CUSTOMER_COUNT_MAX)),
                name="planitem_customer_count_range",
                violation_error_message=_(
                    "The number of customer people is a count from 0 to 10000."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.when} {self.customer or ''}"


class Snapshot(models.Model):
    """The plan as submitted, kept for every submission (plan versions)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="snapshots"
    )
    revision = models.PositiveIntegerField(
        verbose_name=_("revision"),
    )
    submitted_at = models.DateTimeField(
        verbose_name=_("submitted at"),
    )
    submitted_by = models.ForeignKey(
        Person, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    items = models.JSONField(verbose_name=_("items"), default=list)
    outcome = models.CharField(
        verbose_name=_("outcome"), max_length=16, blank=True, choices=PlanStatus.choices
    )
    comment = models.TextField(verbose_name=_("comment"), blank=True)

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "revision"],
                name="snapshot_revision_unique",
                violation_error_message=_("This revision of the plan is already kept."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id} r{self.revision}"
