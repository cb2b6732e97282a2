"""The ratings of the activity forms as plain rows, for the satisfaction analytics (ACT-6).

A form keeps its overall satisfaction and its six dimension ratings in its own columns (the
ratings as JSON, whose dimensions are policy data). Grouping a million forms by a JSON key is
slow on SQLite and on PostgreSQL alike, so every rating is also written here, one row per
form and rated dimension (the overall satisfaction as dimension ""), with the unit, customer,
kind and day copied from its form and the month as a number (yyyymm). The analytics then
group indexed plain columns; the feedback services rewrite a form's rows whenever it is saved,
in the same transaction. The scores are not stored: they come from the policy when the counts
are averaged, so a changed score needs no rewrite of the rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.customers.models import Customer
from guanxi.feedback.models import FormRecord
from guanxi.organisation.models import Unit

OVERALL = ""  # the dimension of the overall satisfaction 客户满意程度


class FormRating(models.Model):
    """One rating one form gives: its overall satisfaction, or one dimension's rating."""

    record = models.ForeignKey(
        FormRecord, on_delete=models.CASCADE, related_name="+", verbose_name=_("form")
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # led by the composite indexes below
        verbose_name=_("executing unit"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
        verbose_name=_("customer"),
    )
    kind = models.CharField(_("kind"), max_length=16)
    date = models.DateField(_("date"))
    month = models.PositiveIntegerField(_("month"))  # yyyymm of `date`, grouped without SQL dates
    dimension = models.CharField(_("dimension"), max_length=32, blank=True)
    rating = models.CharField(_("rating"), max_length=16)

    class Meta:
        verbose_name = _("form rating")
        verbose_name_plural = _("form ratings")
        # Each index covers every column the analytics read, so SQLite and PostgreSQL answer
        # from the index alone: by unit (a division's line), by customer, by day (HQ).
        indexes = [
            models.Index(
                fields=["unit", "date", "dimension", "rating", "kind", "month"],
                name="formrating_unit",
            ),
            models.Index(
                fields=["customer", "date", "dimension", "rating", "kind", "month"],
                name="formrating_customer",
            ),
            models.Index(
                fields=["date", "unit", "dimension", "rating", "kind", "month"],
                name="formrating_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.dimension or 'overall'} {self.rating}"


def month_of(day: object) -> int:
    """yyyymm of a date (the bucket the analytics group by)."""
    return int(day.year) * 100 + int(day.month)  # type: ignore[attr-defined]
