"""Activities carried out: from a plan item, or unplanned (`plan_item is None`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.customers.models import Customer
from guanxi.organisation.models import Person, Unit
from guanxi.plans.models import Kind, PlanItem


class ActivityStatus(models.TextChoices):
    REQUESTED = "requested", _("awaiting approval")
    CARRIED_OUT = "carried_out", pgettext_lazy("activity status", "carried out")
    WRITTEN_OFF = "written_off", _("written off")


class Activity(models.Model):
    """A care activity, service visit or seminar: date, people, actual cost, short result."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("plan item"),
    )
    name = models.CharField(_("activity name"), max_length=200)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    our_people = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("our people")
    )
    cost = models.DecimalField(_("actual cost (yuan)"), max_digits=14, decimal_places=2, default=0)
    result = models.TextField(_("result"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ActivityStatus.choices,
        default=ActivityStatus.CARRIED_OUT,
    )
    written_off_at = models.DateTimeField(_("written off at"), null=True, blank=True)
    written_off_by = models.ForeignKey(
        Person,
        verbose_name=_("written off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        Person, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["unit", "-id"], name="activity_unit_id"),
            models.Index(fields=["status", "-id"], name="activity_status_id"),
            models.Index(fields=["date", "-id"], name="activity_date_id"),
            # the customer's timeline: a customer's activities, newest first
            models.Index(fields=["customer", "-date", "-id"], name="activity_customer_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

    @property
    def unplanned(self) -> bool:
        return self.plan_item_id is None
