"""Improvement proposals 改进方案 (000 §17.3–17.4), the company improvement plan HQ builds from
them (§9.5), and seminar opinions forwarded to the departments concerned (§19.3.3).

A proposal belongs to the unit that wrote it and is scoped by it; a plan item and a forwarded
opinion are scoped by the department (unit) responsible for them, so a department sees what it
has to do and HQ sees everything."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.customers.models import Customer
from guanxi.feedback.models import FormRecord
from guanxi.organisation.models import Person, Unit


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("proposal status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("proposal status", "submitted to HQ")
    ACCEPTED = "accepted", pgettext_lazy("proposal status", "accepted into the plan")
    RETURNED = "returned", pgettext_lazy("proposal status", "returned")


EDITABLE_STATUSES = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)


class ImprovementProposal(models.Model):
    """A unit's proposal to improve management, technique or service, drawn from feedback."""

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="improvement_proposals",
        verbose_name=_("proposing unit"),
        editable=False,
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer unit"),
    )
    title = models.CharField(_("subject"), max_length=200)
    problem = models.TextField(_("problem found"))
    measures = models.TextField(_("proposed measures"))
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        editable=False,
    )
    created_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drawn up by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("drawn up at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("improvement proposal")
        verbose_name_plural = _("improvement proposals")
        indexes = [
            models.Index(fields=["unit", "-id"], name="proposal_unit_idx"),
            models.Index(fields=["status", "-id"], name="proposal_status_idx"),
            models.Index(fields=["customer", "-created_at", "-id"], name="proposal_timeline_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class SourceKind(models.TextChoices):
    RATING = "rating", _("low rating")
    REQUEST = "request", _("customer's requests and suggestions")
    OPINION = "opinion", _("seminar opinion")


class ProposalSource(models.Model):
    """What on which form the proposal answers: a low rating (overall or of one dimension), the
    customer's requests, or one seminar opinion; `quote` keeps what the form said then."""

    proposal = models.ForeignKey(
        ImprovementProposal,
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name=_("improvement proposal"),
    )
    record = models.ForeignKey(
        FormRecord, on_delete=models.PROTECT, related_name="+", verbose_name=_("form")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices)
    dimension = models.CharField(_("dimension"), max_length=32, blank=True)
    opinion = models.PositiveSmallIntegerField(_("opinion number"), null=True, blank=True)
    quote = models.TextField(_("what the form says"), blank=True)

    class Meta:
        verbose_name = _("source of a proposal")
        verbose_name_plural = _("sources of proposals")
        ordering = ["id"]
        indexes = [models.Index(fields=["record"], name="proposal_source_record_idx")]

    def __str__(self) -> str:
        return f"{self.proposal_id} ← {self.record_id} {self.kind}"


class ProposalEvent(models.Model):
    """One step of a proposal's history: who, when, from which status to which, and why."""

    proposal = models.ForeignKey(
        ImprovementProposal,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("improvement proposal"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=ProposalStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ProposalStatus.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("proposal history entry")
        verbose_name_plural = _("proposal history")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class ImprovementPlan(models.Model):
    """The company improvement plan 公司整体的改进方案 of one year, kept by HQ (000 §17.4)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("HQ"), editable=False
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("company improvement plan")
        verbose_name_plural = _("company improvement plans")

    def __str__(self) -> str:
        return str(self.year)


class ItemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("plan item status", "open")
    IN_PROGRESS = "in_progress", pgettext_lazy("plan item status", "in progress")
    DONE = "done", pgettext_lazy("plan item status", "done")


class PlanItem(models.Model):
    """One measure of the company plan: an accepted proposal or one HQ wrote itself, with the
    department responsible, its deadline and its progress to done."""

    plan = models.ForeignKey(
        ImprovementPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    proposal = models.OneToOneField(
        ImprovementProposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_item",
        verbose_name=_("improvement proposal"),
        editable=False,
    )
    title = models.CharField(_("subject"), max_length=200)
    measures = models.TextField(_("measures"))
    department = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="improvement_items",
        verbose_name=_("responsible department"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=16, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    completion_note = models.TextField(_("what was done"), blank=True)
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("improvement plan item")
        verbose_name_plural = _("improvement plan items")
        indexes = [
            models.Index(fields=["department", "-id"], name="plan_item_department_idx"),
            models.Index(fields=["plan", "-id"], name="plan_item_plan_idx"),
            models.Index(fields=["status", "deadline"], name="plan_item_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: object) -> bool:
        return self.status != ItemStatus.DONE and self.deadline < today  # type: ignore[operator]


class OpinionStatus(models.TextChoices):
    FORWARDED = "forwarded", pgettext_lazy("opinion status", "forwarded")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("opinion status", "acknowledged")
    ANSWERED = "answered", pgettext_lazy("opinion status", "answered")


class OpinionForward(models.Model):
    """A seminar opinion the seminar's owner sent to a department concerned (000 §19.3.3), which
    acknowledges and answers it."""

    record = models.ForeignKey(
        FormRecord, on_delete=models.PROTECT, related_name="+", verbose_name=_("seminar feedback")
    )
    opinion = models.PositiveSmallIntegerField(_("opinion number"))
    text = models.TextField(_("opinion"))
    proposer = models.CharField(_("proposing unit"), max_length=200, blank=True)
    department = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="forwarded_opinions",
        verbose_name=_("department concerned"),
    )
    note = models.TextField(_("note from the seminar's owner"), blank=True)
    due_on = models.DateField(_("answer due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=OpinionStatus.choices, default=OpinionStatus.FORWARDED
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
        editable=False,
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, editable=False)
    forwarded_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("forwarded by")
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("forwarded seminar opinion")
        verbose_name_plural = _("forwarded seminar opinions")
        indexes = [models.Index(fields=["department", "-id"], name="opinion_department_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "opinion", "department"],
                name="opinion_forward_once",
                violation_error_message=_(
                    "This opinion has already been forwarded to this department."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id}#{self.opinion} → {self.department_id}"
