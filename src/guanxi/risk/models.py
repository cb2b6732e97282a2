"""The stored risk signal of a customer 客户关系危机预警 (001; DEM-5).

Computed set-based for all customers by a periodic task (`guanxi.risk.refresh`), never per
request: the at-risk list over a million customers reads one index range. A customer with no
risk has no row. Each part's points are a column (so the list filters by part) and `parts`
keeps the facts each explanation is worded from.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Customer
from guanxi.organisation.models import Unit

PART_FIELDS = ("satisfaction", "relationship", "overdue_demands", "silence", "complaints")


class RiskSignal(models.Model):
    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        related_name="risk_signal",
        verbose_name=_("customer unit"),
    )
    # the customer's owning unit and tier when computed: the line that sees the signal
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("owning unit")
    )
    tier = models.CharField(_("tier"), max_length=32)
    score = models.PositiveIntegerField(_("risk score"))
    satisfaction = models.PositiveSmallIntegerField(_("falling satisfaction"), default=0)
    relationship = models.PositiveSmallIntegerField(_("negative relationship"), default=0)
    overdue_demands = models.PositiveSmallIntegerField(_("overdue demands"), default=0)
    silence = models.PositiveSmallIntegerField(_("no contact"), default=0)
    complaints = models.PositiveSmallIntegerField(_("open complaints"), default=0)
    parts = models.JSONField(_("explanation"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("relationship risk warning")
        verbose_name_plural = _("relationship risk warnings")
        indexes = [
            models.Index(fields=["unit", "-score", "-id"], name="risk_unit_score_idx"),
            models.Index(fields=["-score", "-id"], name="risk_score_idx"),
            models.Index(fields=["tier", "-score", "-id"], name="risk_tier_score_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.score}"
