"""Key-customer work: visits (002 §7), annual customer plans (003 §14–16, 附表6–7) and
product / service campaigns (002 §6). Every record is scoped by a unit on the organisation line."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.customers.models import Contact, Customer
from guanxi.formats import round_fen
from guanxi.organisation.models import Unit


def yuan(value: Decimal) -> Decimal:
    """Money rounded to the fen the way accountants do (half up)."""
    return round_fen(value)


# --------------------------------------------------------------------------- visits (002 §7)


class VisitDirection(models.TextChoices):
    OUTGOING = "outgoing", _("outgoing visit plan")
    INCOMING = "incoming", _("incoming visit")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    DONE = "done", _("summarised")
    CANCELLED = "cancelled", _("cancelled")


class VisitPlan(models.Model):
    """An outgoing visit plan 拜访方案 (002 §7.2.2) or an incoming visit 来访 (002 §7.1.1)."""

    direction = models.CharField(_("direction"), max_length=16, choices=VisitDirection.choices)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="visit_plans",
        verbose_name=_("customer unit"),
    )
    theme = models.CharField(_("theme"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    their_people = models.ManyToManyField(
        Contact, blank=True, related_name="visit_plans", verbose_name=_("their people")
    )
    visitors = models.TextField(_("other visitors"), blank=True)
    our_people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="visit_plans",
        verbose_name=_("our people"),
    )
    duties = models.TextField(_("division of duties"), blank=True)
    matters = models.TextField(_("matters to discuss"), blank=True)
    preparations = models.TextField(_("reception preparations"), blank=True)
    notified_units = models.ManyToManyField(
        Unit, blank=True, related_name="+", verbose_name=_("units notified")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    summary = models.TextField(_("summary"), blank=True)
    summarised_at = models.DateTimeField(_("summarised at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        indexes = [
            models.Index(fields=["customer", "-starts_on"], name="visit_customer_idx"),
            models.Index(fields=["status", "-id"], name="visit_status_idx"),
        ]

    def __str__(self) -> str:
        return self.theme


class ItineraryRow(models.Model):
    """One line of the itinerary 行程安排: when, where, what."""

    visit = models.ForeignKey(
        VisitPlan, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="itinerary"
    )
    day = models.DateField(_("day"))
    time = models.CharField(_("time"), max_length=32, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    activity = models.CharField(_("activity"), max_length=300)

    class Meta:
        verbose_name = _("itinerary row")
        verbose_name_plural = _("itinerary")
        ordering = ["day", "time", "id"]

    def __str__(self) -> str:
        return f"{self.day} {self.activity}"


class BriefingMaterial(models.Model):
    """A briefing document 会议备参 (002 §7.2.2); served as an attachment, its reads registered."""

    visit = models.ForeignKey(
        VisitPlan, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="materials"
    )
    file = models.FileField(verbose_name=_("file"), upload_to="keycustomers/briefings/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(verbose_name=_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("briefing material")
        verbose_name_plural = _("briefing materials")

    def __str__(self) -> str:
        return self.name


class FollowUpStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up status", "open")
    DONE = "done", pgettext_lazy("follow-up status", "done")


class FollowUp(models.Model):
    """A follow-up item from a visit, tracked until done (002 §7.1.4, §7.2.3)."""

    visit = models.ForeignKey(
        VisitPlan, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    title = models.CharField(_("follow-up"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    progress = models.TextField(_("progress"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="followup_owner_idx")]

    def __str__(self) -> str:
        return self.title


# --------------------------------------------------------------- customer plans (003 §14–16)


# The years a customer plan may be written for: a plausible span, so a date typed into the year
# (20260101) is refused rather than stored (SQLite) or overflowing a smallint (PostgreSQL).
PLAN_YEAR_MIN, PLAN_YEAR_MAX = 2000, 2100


class CustomerPlan(models.Model):
    """The annual customer plan 客户计划 of one key customer (003 §15)."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="customer_plans",
        verbose_name=_("customer unit"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(PLAN_YEAR_MIN), MaxValueValidator(PLAN_YEAR_MAX)]
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="customer_plans",
        verbose_name=_("customer manager"),
    )
    summary = models.TextField(_("plan summary"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    opportunities = models.TextField(_("opportunities"), blank=True)
    threats = models.TextField(_("threats"), blank=True)
    competition = models.TextField(_("competition overview"), blank=True)
    assessment = models.TextField(_("situation assessment"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    revenue_notes = models.TextField(_("notes and measures"), blank=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("customer plan")
        verbose_name_plural = _("customer plans")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year"],
                name="customer_plan_year_unique",
                violation_error_message=_(
                    "This customer already has a customer plan for this year."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(year__range=(PLAN_YEAR_MIN, PLAN_YEAR_MAX)),
                name="customer_plan_year_range",
                violation_error_message=_("A customer plan is for a year from 2000 to 2100."),
            ),
        ]
        indexes = [models.Index(fields=["year", "-id"], name="customer_plan_year_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.year}"


class ContactPlanRow(models.Model):
    """附表6: which of our people keeps in touch with which of theirs, and when next."""

    plan = models.ForeignKey(
        CustomerPlan,
        verbose_name=_("customer plan"),
        on_delete=models.CASCADE,
        related_name="contact_rows",
    )
    our_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("our person"),
    )
    their_person = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="+", verbose_name=_("their person")
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    next_contact_on = models.DateField(_("next contact date"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("contact plan row")
        verbose_name_plural = _("contact plan")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "our_person", "their_person"],
                name="contact_row_unique",
                violation_error_message=_(
                    "These two people are already paired in the contact plan."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.our_person_id} ↔ {self.their_person_id}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", pgettext_lazy("action plan row status", "done")


class ActionPlanRow(models.Model):
    """附表7 行动计划: an action, who does it, from when to when, how far it got."""

    plan = models.ForeignKey(
        CustomerPlan,
        verbose_name=_("customer plan"),
        on_delete=models.CASCADE,
        related_name="action_rows",
    )
    action = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    status = models.CharField(
        _("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("action plan row")
        verbose_name_plural = _("action plan")
        ordering = ["starts_on", "id"]

    def __str__(self) -> str:
        return self.action


class RevenuePlanRow(models.Model):
    """附表7 收益计划: expected revenue = contract amount × win rate; profit = revenue × margin.

    Both results are stored, rounded to the fen, so totals are the sum of the rows shown."""

    plan = models.ForeignKey(
        CustomerPlan,
        verbose_name=_("customer plan"),
        on_delete=models.CASCADE,
        related_name="revenue_rows",
    )
    project = models.CharField(_("project"), max_length=200)
    contract_amount = models.DecimalField(
        _("contract amount"), max_digits=16, decimal_places=2, validators=[MinValueValidator(0)]
    )
    win_rate = models.DecimalField(
        _("win rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Between 0 and 1, e.g. 0.6 for 60%."),
    )
    margin = models.DecimalField(
        _("margin"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Between 0 and 1, e.g. 0.15 for 15%."),
    )
    expected_revenue = models.DecimalField(
        _("expected revenue"), max_digits=16, decimal_places=2, editable=False, default=0
    )
    profit = models.DecimalField(
        _("profit"), max_digits=16, decimal_places=2, editable=False, default=0
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("revenue plan row")
        verbose_name_plural = _("revenue plan")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.project

    def compute(self) -> None:
        self.expected_revenue = yuan(Decimal(self.contract_amount) * Decimal(self.win_rate))
        self.profit = yuan(self.expected_revenue * Decimal(self.margin))


# ------------------------------------------------------------------- campaigns (002 §6)


class CampaignScope(models.TextChoices):
    COMPANY = "company", _("company-wide")
    REGIONAL = "regional", _("regional")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CLOSED = "closed", pgettext_lazy("campaign status", "closed")


class Campaign(models.Model):
    """A product or service campaign 产品及服务营销推广 (002 §6.1 company-wide, §6.2 regional)."""

    title = models.CharField(_("title"), max_length=200)
    scope = models.CharField(_("scope"), max_length=16, choices=CampaignScope.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("publishing unit")
    )
    product = models.CharField(_("product or service"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [
            models.Index(fields=["status", "scope", "-id"], name="campaign_status_idx"),
            models.Index(fields=["unit", "-id"], name="campaign_unit_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignIntent(models.TextChoices):
    UNKNOWN = "unknown", _("not yet known")
    LOW = "low", _("low")
    MEDIUM = "medium", _("medium")
    HIGH = "high", _("high")


class TargetStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    PROMOTED = "promoted", _("promoted")
    NEGOTIATING = "negotiating", _("negotiating")
    CONTRACTED = "contracted", _("contracted")
    DECLINED = "declined", _("declined")


class CampaignTarget(models.Model):
    """A target customer of a campaign, with the intent and progress its unit reports (002 §6.1)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="targets"
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="campaign_targets",
        verbose_name=_("customer unit"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("reporting unit")
    )
    intent = models.CharField(
        _("intent"), max_length=16, choices=CampaignIntent.choices, default=CampaignIntent.UNKNOWN
    )
    status = models.CharField(
        _("progress"), max_length=16, choices=TargetStatus.choices, default=TargetStatus.NOT_STARTED
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer"],
                name="campaign_target_unique",
                violation_error_message=_("This customer is already a target of this campaign."),
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "unit", "status"], name="campaign_target_rollup_idx")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.customer_id}"
