"""The ratings of the activity forms as plain rows, for the satisfaction analytics (ACT-6).

A form keeps its overall satisfaction and its six dimension ratings in its own columns (the
ratings as JSON, whose dimensions are policy data). Grouping a million forms by a JSON key is
slow on SQLite and on PostgreSQL alike, so every rating is also written here, one row per
form and rated dimension (the overall satisfaction as dimension ""), with the unit, customer,
kind and day copied from its form and the month as a number (yyyymm). The analytics then
group indexed plain columns; the feedback services rewrite a form's rows whenever it is saved,
in the same transaction. The scores are not stored: they come from the policy when the counts
are averaged, so a changed score needs no rewrite of the rows. Over years the analytics read
the monthly rollup of these rows (`MonthlyRating`) instead.
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


class MonthlyRating(models.Model):
    """How many forms of one unit, month and kind gave one rating on one dimension: the monthly
    rollup of `FormRating`, so an analysis over years reads a few hundred thousand groups at the
    `large` scale instead of millions of rating rows.

    It is kept by `services.ratings_refresh` / `services.ratings_remove` only, in the form's
    transaction, as deltas (`count = count + excluded.count`), so at every commit it holds
    exactly the counts of the committed `FormRating` rows (see `services` for why that holds
    under concurrent writers). A group that falls to 0 stays, with `count` 0; the readers skip
    such rows.
    """

    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # leads the unique key below
        verbose_name=_("executing unit"),
    )
    month = models.PositiveIntegerField(_("month"))  # yyyymm, as `FormRating.month`
    kind = models.CharField(_("kind"), max_length=16)
    dimension = models.CharField(_("dimension"), max_length=32, blank=True)
    rating = models.CharField(_("rating"), max_length=16)
    count = models.BigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("monthly rating count")
        verbose_name_plural = _("monthly rating counts")
        constraints = [
            # the conflict target of the upserts, and the index of a unit line's reads
            models.UniqueConstraint(
                fields=["unit", "month", "kind", "dimension", "rating"],
                name="monthlyrating_key",
                violation_error_message=_(
                    "This unit's month already counts this rating of this dimension."
                ),
            ),
        ]
        indexes = [
            # HQ over a span of months: every column it reads, answered from the index alone
            models.Index(
                fields=["month", "unit", "kind", "dimension", "rating", "count"],
                name="monthlyrating_month",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.unit_id} {self.month} {self.kind} {self.dimension or 'overall'} {self.rating}"
        )


def month_of(day: object) -> int:
    """yyyymm of a date (the bucket the analytics group by)."""
    return int(day.year) * 100 + int(day.month)  # type: ignore[attr-defined]
