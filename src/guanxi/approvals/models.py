"""Requests for approval 审批 and their steps; one shape for every kind of request (APR-1..4)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.organisation.models import Person, Unit


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Decision(models.TextChoices):
    WAITING = "waiting", _("waiting")
    PENDING = "pending", _("awaiting decision")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    SKIPPED = "skipped", _("not needed")


class Approval(models.Model):
    """A request of some kind about some subject, decided by a chain of steps from the policy."""

    kind = models.CharField(_("request kind"), max_length=64)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    title = models.CharField(_("title"), max_length=300)
    requesting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("requesting unit")
    )
    requested_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    current_step = models.PositiveSmallIntegerField(default=1)
    rules = models.JSONField(_("rules"), default=list)  # [{key, clause, text, blocks}]
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        indexes = [
            models.Index(fields=["requesting_unit", "-id"], name="approval_unit_id"),
            models.Index(fields=["requested_by", "-id"], name="approval_requester_id"),
            models.Index(fields=["subject_type", "subject_id", "-id"], name="approval_subject"),
            models.Index(fields=["status", "-id"], name="approval_status_id"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}: {self.title}"

    def blocks(self, action: str) -> bool:
        """Whether this request, until approved, refuses `action` on its subject."""
        return self.status != Status.APPROVED and any(
            action in rule.get("blocks", []) for rule in self.rules
        )


class Step(models.Model):
    """One decision in the chain: people with `role` in `unit` (or their delegates) decide."""

    approval = models.ForeignKey(
        Approval, verbose_name=_("approval"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(
        verbose_name=_("step number"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("approving unit")
    )
    role = models.CharField(_("approving role"), max_length=32)
    clause = models.CharField(_("clause"), max_length=64)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, default=Decision.WAITING
    )
    decided_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approver"),
    )
    on_behalf_of = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["approval", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval", "position"],
                name="step_position_unique",
                violation_error_message=_("This approval already has a step at this position."),
            )
        ]
        indexes = [
            models.Index(fields=["unit", "role", "decision", "-id"], name="step_inbox"),
            # the requests a (unit, role) decides on, newest first (approval list pages)
            models.Index(fields=["unit", "role", "-approval"], name="step_unit_role_approval"),
        ]

    def __str__(self) -> str:
        return f"{self.approval_id}/{self.position} {self.role}@{self.unit_id}: {self.decision}"


class Delegation(models.Model):
    """While away, an approver lets a delegate decide in their place (APR-4)."""

    delegator = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="delegations_given",
        verbose_name=_("approver"),
    )
    delegate = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="delegations_held",
        verbose_name=_("delegate"),
    )
    starts = models.DateField(_("from"))
    ends = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        indexes = [models.Index(fields=["delegate", "ends"], name="delegation_delegate_ends")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gte=models.F("starts")),
                name="delegation_dates",
                violation_error_message=_("A delegation cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~models.Q(delegate=models.F("delegator")),
                name="delegation_not_self",
                violation_error_message=_("Nobody can delegate to themselves."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} {self.starts}–{self.ends}"
