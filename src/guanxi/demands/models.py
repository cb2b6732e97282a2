"""Demands 诉求 (002 §8), complaints 投诉 with their first-answer clock (001), and the monthly
key-customer report 重点客户月报 built from the units' submissions (002 §8.1.4).

Every record is scoped by a unit on the organisation line: a demand or complaint by its
customer's unit (copied when it is registered), a submission by its unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.customers.models import Customer
from guanxi.organisation.models import Unit

# ----------------------------------------------------------------------------- demands


class DemandStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("demand status", "open")
    IN_PROGRESS = "in_progress", pgettext_lazy("demand status", "in progress")
    ESCALATED = "escalated", pgettext_lazy("demand status", "escalated")
    RESOLVED = "resolved", pgettext_lazy("demand status", "resolved")


OPEN_STATUSES = (DemandStatus.OPEN, DemandStatus.IN_PROGRESS, DemandStatus.ESCALATED)


class Demand(models.Model):
    """A customer's demand or problem, handled by the customer's unit (002 §8.1)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="demands", verbose_name=_("customer unit")
    )
    owning_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("handling unit"),
        editable=False,
    )
    category = models.CharField(_("category"), max_length=32)
    severity = models.CharField(_("severity"), max_length=32)
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    raised_on = models.DateField(_("raised on"))
    due_on = models.DateField(_("due on"))
    escalated_to = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("escalated to"),
        editable=False,
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    reported_at = models.DateTimeField(
        _("reported to HQ at"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        indexes = [
            models.Index(fields=["owning_unit", "-id"], name="demand_unit_idx"),
            models.Index(fields=["status", "-id"], name="demand_status_idx"),
            models.Index(fields=["customer", "-id"], name="demand_customer_idx"),
            models.Index(fields=["customer", "-raised_on", "-id"], name="demand_timeline_idx"),
            models.Index(fields=["raised_on", "customer"], name="demand_month_idx"),
            models.Index(fields=["status", "due_on"], name="demand_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DemandEvent(models.Model):
    """One step of a demand's history: who, when, from which status to which, and why."""

    demand = models.ForeignKey(
        Demand, on_delete=models.CASCADE, related_name="events", verbose_name=_("demand")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=DemandStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=DemandStatus.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("demand history entry")
        verbose_name_plural = _("demand history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.demand_id}: {self.from_status} → {self.to_status}"


class StrategicFollower(models.Model):
    """HQ's follow-up person for one strategic customer (002 §8.1.3)."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        related_name="hq_follower",
        verbose_name=_("customer unit"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("HQ follow-up person"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("HQ follow-up person")
        verbose_name_plural = _("HQ follow-up persons")

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.person_id}"


class UnitContact(models.Model):
    """A unit's key-customer contact person 重点客户维护工作联系人 (002 §8.1.3)."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="key_customer_contact", verbose_name=_("unit")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contact person"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("unit contact person")
        verbose_name_plural = _("unit contact persons")

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.person_id}"


# --------------------------------------------------------------------------- complaints


class ComplaintChannel(models.TextChoices):
    PHONE = "phone", _("telephone")
    EMAIL = "email", _("e-mail")
    LETTER = "letter", _("letter")
    MEETING = "meeting", _("in person")
    MESSAGE = "message", _("instant message")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint status", "awaiting answer")
    ANSWERED = "answered", pgettext_lazy("complaint status", "answered")


class Complaint(models.Model):
    """A customer's complaint; its first answer is due `answer_hours` (policy) after receipt."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("customer unit"),
    )
    owning_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("handling unit"),
        editable=False,
    )
    received_at = models.DateTimeField(_("received at"))
    channel = models.CharField(_("channel"), max_length=16, choices=ComplaintChannel.choices)
    description = models.TextField(_("description"))
    due_at = models.DateTimeField(_("answer due by"), editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    first_answer_at = models.DateTimeField(
        _("first answered at"), null=True, blank=True, editable=False
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("answered by"),
        editable=False,
    )
    answer = models.TextField(_("first answer"), blank=True)
    breached = models.BooleanField(_("answer overdue"), default=False, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    breach_claim = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["owning_unit", "-id"], name="complaint_unit_idx"),
            models.Index(fields=["customer", "-received_at", "-id"], name="complaint_timeline_idx"),
            models.Index(fields=["status", "-id"], name="complaint_status_idx"),
            # the breach sweep: open, not yet breached, due before now
            models.Index(
                fields=["due_at"],
                name="complaint_breach_idx",
                condition=models.Q(status="open", breached=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.received_at:%Y-%m-%d %H:%M}"


# ------------------------------------------------------------------ monthly report


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("submission status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("submission status", "submitted")


class MonthlySubmission(models.Model):
    """A unit's part of one month's key-customer report (002 §8.1.4: by the 28th)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="monthly_submissions", verbose_name=_("unit")
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("submitted by"),
        editable=False,
    )
    late = models.BooleanField(_("submitted late"), default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("monthly submission")
        verbose_name_plural = _("monthly submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month"],
                name="monthly_submission_unique",
                violation_error_message=_("This unit already has a submission for this month."),
            )
        ]
        indexes = [models.Index(fields=["unit", "-id"], name="submission_unit_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.month:%Y-%m}"


class SubmissionEntry(models.Model):
    """Progress and risks of one strategic customer in a unit's monthly submission."""

    submission = models.ForeignKey(
        MonthlySubmission,
        on_delete=models.CASCADE,
        related_name="entries",
        verbose_name=_("monthly submission"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer unit")
    )
    progress = models.TextField(_("cooperation progress"), blank=True)
    risks = models.TextField(_("risks"), blank=True)

    class Meta:
        verbose_name = _("submission entry")
        verbose_name_plural = _("submission entries")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "customer"],
                name="submission_entry_unique",
                violation_error_message=_("This customer is already in the submission."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} · {self.customer_id}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("monthly report status", "generated")
    PUBLISHED = "published", pgettext_lazy("monthly report status", "published")


class MonthlyReport(models.Model):
    """The month's key-customer report, generated by HQ from the submissions and published."""

    month = models.DateField(_("month"), unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("publishing unit")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    generated_at = models.DateTimeField(_("generated at"), editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("generated by"),
        editable=False,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    demands = models.ManyToManyField(
        Demand, related_name="monthly_reports", blank=True, verbose_name=_("demands")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("monthly key-customer report")
        verbose_name_plural = _("monthly key-customer reports")
        indexes = [models.Index(fields=["status", "-id"], name="monthly_report_status_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ReportRow(models.Model):
    """One strategic customer in a monthly report: its unit, visits, progress and risks."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="rows", verbose_name=_("report")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer unit")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    visits = models.PositiveIntegerField(_("visits"), default=0)
    progress = models.TextField(_("cooperation progress"), blank=True)
    risks = models.TextField(_("risks"), blank=True)

    class Meta:
        verbose_name = _("report row")
        verbose_name_plural = _("report rows")
        ordering = ["unit_id", "customer_id"]
        indexes = [models.Index(fields=["report", "unit"], name="report_row_unit_idx")]

    def __str__(self) -> str:
        return f"{self.report_id} · {self.customer_id}"
