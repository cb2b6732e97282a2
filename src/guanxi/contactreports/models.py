"""A contact report 接触报告 and a customer's next contact date 下次联系日期."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Contact, Customer
from guanxi.organisation.models import Person, Unit


class ContactReport(models.Model):
    """A short report of one contact with a customer's key persons (003 附表6 note): when, how,
    who on both sides, what was said and what follows. It reaches the customer's manager, who
    sees it as new until they open it. Confidential: read only through guanxi.access."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="contact_reports",
        verbose_name=_("customer unit"),
    )
    # the customer's owning unit when the report was written: the line that sees it
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind of contact"), max_length=32)
    contacted_on = models.DateField(_("date of contact"))
    key_persons = models.ManyToManyField(
        Contact, related_name="contact_reports", verbose_name=_("their people")
    )
    our_people = models.ManyToManyField(
        Person, related_name="contact_reports", verbose_name=_("our people")
    )
    summary = models.TextField(_("what was discussed"))
    follow_up = models.TextField(_("follow-up"), blank=True)
    manager = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent to customer manager"),
    )
    manager_seen_at = models.DateTimeField(_("read by the customer manager"), null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("contact report")
        verbose_name_plural = _("contact reports")
        indexes = [
            # the customer's timeline and the plan's contact counts walk this, newest first
            models.Index(
                fields=["customer", "-contacted_on", "-id"], name="contactreport_customer"
            ),
            models.Index(fields=["unit", "-id"], name="contactreport_unit_id"),
            # "new for me": the manager's unread reports
            models.Index(
                fields=["manager", "-id"],
                condition=models.Q(manager_seen_at__isnull=True),
                name="contactreport_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contacted_on} {self.customer_id}"

    @property
    def is_new(self) -> bool:
        return self.manager_id is not None and self.manager_seen_at is None


class NextContact(models.Model):
    """When a customer is next to be contacted, as its customer manager set it (CUS-14)."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="next_contact",
        verbose_name=_("customer unit"),
    )
    next_contact_on = models.DateField(_("next contact date"), null=True, blank=True)
    note = models.CharField(_("what the contact is for"), max_length=300, blank=True)
    set_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )
    set_at = models.DateTimeField(_("set at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("next contact")
        verbose_name_plural = _("next contacts")
        indexes = [models.Index(fields=["next_contact_on"], name="nextcontact_on")]

    def __str__(self) -> str:
        return f"{self.customer_id} → {self.next_contact_on}"
