from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.customers.validators import validate_credit_code
from guanxi.organisation.models import Unit


class Customer(models.Model):
    """A customer unit 客户单位. Confidential (机密): read only through guanxi.access."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    owning_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="customers", verbose_name=_("owning unit")
    )
    tier = models.CharField(_("tier"), max_length=32)
    name_pinyin = models.CharField(max_length=600, editable=False, default="")
    name_initials = models.CharField(max_length=200, editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("customer unit")
        verbose_name_plural = _("customer units")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="customer_credit_code_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["owning_unit", "-id"], name="customer_unit_id"),
            models.Index(fields=["tier", "-id"], name="customer_tier_id"),
            models.Index(fields=["name"], name="customer_name"),
            models.Index(fields=["name_initials"], name="customer_initials"),
            models.Index(fields=["name_pinyin"], name="customer_pinyin"),
        ]

    def __str__(self) -> str:
        return self.name
