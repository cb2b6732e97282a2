from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanxi.customers.keys import name_key, pinyin_keys
from guanxi.customers.validators import validate_credit_code
from guanxi.organisation.models import Unit

# A year typed where a date belongs (20260101) is refused by the form, the serializer and the
# database alike: SQLite would store it as it is, PostgreSQL's smallint overflow.
YEAR_MIN, YEAR_MAX = 1900, 2100


class ThreePart(models.Model):
    """Business, communications and background information (000 §5, §12.2; 003 附表1)."""

    # business 商务
    profile = models.TextField(_("profile"), blank=True)
    capability = models.TextField(_("business capability"), blank=True)
    teams = models.TextField(_("teams"), blank=True)
    equipment = models.TextField(_("technical equipment"), blank=True)
    past_cooperation = models.TextField(_("past cooperation"), blank=True)
    credit_status = models.TextField(_("credit standing"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=64, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    # communications 通讯
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=64, blank=True)
    fax = models.CharField(_("fax"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    # background 背景
    history = models.TextField(_("history and background"), blank=True)
    needs = models.TextField(_("needs and interests"), blank=True)

    class Meta:
        abstract = True


BUSINESS_FIELDS = (
    "profile",
    "capability",
    "teams",
    "equipment",
    "past_cooperation",
    "credit_status",
    "bank_name",
    "bank_account",
    "business_scope",
)
COMMS_FIELDS = ("address", "postcode", "phone", "mobile", "fax", "email", "website")
BACKGROUND_FIELDS = ("history", "needs")
CLASSIFICATION_FIELDS = ("industry", "scale", "value", "credit", "loyalty")


def _with_keys(update_fields: Iterable[str] | None, keys: tuple[str, ...]) -> list[str] | None:
    """A save of `name` alone must also write the keys derived from it."""
    if update_fields is None:
        return None
    fields = list(update_fields)
    return [*fields, *keys] if "name" in fields else fields


class Customer(ThreePart):
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
    industry = models.CharField(_("industry"), max_length=32, blank=True)
    scale = models.CharField(_("scale"), max_length=32, blank=True)
    value = models.CharField(_("value"), max_length=32, blank=True)
    credit = models.CharField(_("credit"), max_length=32, blank=True)
    loyalty = models.CharField(_("loyalty"), max_length=32, blank=True)
    cooperation_since = models.PositiveSmallIntegerField(
        _("cooperating since (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)],
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_customers",
        verbose_name=_("customer manager"),
    )
    source = models.CharField(_("information source"), max_length=32, blank=True)
    name_pinyin = models.CharField(max_length=600, editable=False, default="")
    name_initials = models.CharField(max_length=200, editable=False, default="")
    name_key = models.CharField(max_length=200, editable=False, default="")
    duplicate_reason = models.TextField(_("reason for a similar name"), blank=True)
    # background 背景 (CUS-2): kept in storage, served only through the access module
    photo = models.FileField(_("photo"), upload_to="customers/photos/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
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
                violation_error_message=_(
                    "A customer with this unified social credit code already exists."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(cooperation_since__isnull=True)
                | models.Q(cooperation_since__range=(YEAR_MIN, YEAR_MAX)),
                name="customer_cooperation_year_range",
                violation_error_message=_(
                    "The year of first cooperation must be a year, such as 2015."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["owning_unit", "-id"], name="customer_unit_id"),
            models.Index(fields=["tier", "-id"], name="customer_tier_id"),
            models.Index(fields=["industry", "-id"], name="customer_industry_id"),
            models.Index(fields=["manager", "-id"], name="customer_manager_id"),
            models.Index(fields=["name"], name="customer_name"),
            models.Index(fields=["name_initials"], name="customer_initials"),
            # pinyin prefix search and the name sort (keyset on name_pinyin, id), also per unit
            models.Index(fields=["name_pinyin", "id"], name="customer_pinyin"),
            models.Index(fields=["owning_unit", "name_pinyin", "id"], name="customer_unit_pinyin"),
            models.Index(fields=["name_key"], name="customer_name_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keys follow the name on every save, whichever path wrote it (CUS-9, CUS-10)."""
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        self.name_key = name_key(self.name)
        kwargs["update_fields"] = _with_keys(
            kwargs.get("update_fields"), ("name_pinyin", "name_initials", "name_key")
        )
        super().save(*args, **kwargs)


class DepartmentKind(models.TextChoices):
    HEADQUARTERS = "headquarters", _("headquarters")
    BRANCH = "branch", _("branch")
    SUBSIDIARY = "subsidiary", _("subsidiary")
    DEPARTMENT = "department", _("department")


class CustomerDepartment(ThreePart):
    """A part of a customer unit that deals with us (000 §13.2.2; 003 附表1): a tree."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("customer unit"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=DepartmentKind.choices, default=DepartmentKind.DEPARTMENT
    )
    name = models.CharField(_("name"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("customer department")
        verbose_name_plural = _("customer departments")
        indexes = [models.Index(fields=["customer", "id"], name="custdept_customer")]

    def __str__(self) -> str:
        return self.name


PROFILE_FIELDS = (
    "hobbies",
    "birthplace",
    "birth_date",
    "journals",
    "native_place",
    "education",
    "family",
    "schools",
    "associations",
    "work_history",
    "profile_other",
    "photo",
)


class Contact(models.Model):
    """A person at a customer. Everyone has contact data; key persons 核心人物 also carry
    the profile of 003 附表2, shown only with `contact.view_profile` (PRV-1)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer unit")
    )
    department = models.ForeignKey(
        CustomerDepartment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("department"),
    )
    name = models.CharField(_("name"), max_length=100)
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("office phone"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=64, blank=True)
    home_phone = models.CharField(_("home phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_key = models.BooleanField(_("key person"), default=False)
    # key-person profile 核心人物的个人状况资料 (003 附表2)
    hobbies = models.TextField(_("hobbies"), blank=True)
    birthplace = models.CharField(_("birthplace"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    journals = models.TextField(_("journals read"), blank=True)
    native_place = models.CharField(_("native place"), max_length=100, blank=True)
    education = models.CharField(_("education"), max_length=100, blank=True)
    family = models.TextField(_("family"), blank=True)
    schools = models.TextField(_("schools"), blank=True)
    associations = models.TextField(_("professional associations"), blank=True)
    work_history = models.TextField(_("work history"), blank=True)
    profile_other = models.TextField(_("other"), blank=True)
    photo = models.FileField(_("photo"), upload_to="contacts/", blank=True)
    # personal-information processing (PRV-1)
    purpose = models.CharField(_("purpose of processing"), max_length=300, blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_note = models.CharField(_("consent record"), max_length=300, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    source = models.CharField(_("information source"), max_length=32, blank=True)
    name_initials = models.CharField(max_length=100, editable=False, default="")
    name_pinyin = models.CharField(max_length=300, editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["customer", "id"], name="contact_customer"),
            models.Index(fields=["name"], name="contact_name"),
            models.Index(fields=["mobile"], name="contact_mobile"),
            models.Index(fields=["phone"], name="contact_phone"),
            # the customer search finds customer units by their contacts' pinyin (CUS-10)
            models.Index(fields=["name_initials"], name="contact_initials"),
            models.Index(fields=["name_pinyin"], name="contact_pinyin"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Pinyin keys follow the name; an erased person (PRV-1) keeps none to be found by."""
        if self.erased_at is None:
            self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        else:
            self.name_pinyin = self.name_initials = ""
        kwargs["update_fields"] = _with_keys(
            kwargs.get("update_fields"), ("name_pinyin", "name_initials")
        )
        super().save(*args, **kwargs)


class BuyingRole(models.TextChoices):
    """003 附表4."""

    DECISION_MAKER = "decision_maker", _("decision maker")
    ADVISOR = "advisor", _("advisor")
    USER = "user", _("user")
    BLOCKER = "blocker", _("blocker")
    SUPPORTER = "supporter", _("supporter")


class RelationshipState(models.TextChoices):
    """003 附表3."""

    POSITIVE = "positive", _("positive")
    NEUTRAL = "neutral", _("neutral")
    NEGATIVE = "negative", _("negative")
    NONE = "none", _("none yet")


class Relationship(models.Model):
    """A key person's place in the buying decision and our relationship with them (CUS-4)."""

    contact = models.OneToOneField(
        Contact, on_delete=models.CASCADE, related_name="relationship", verbose_name=_("key person")
    )
    buying_role = models.CharField(_("buying role"), max_length=16, choices=BuyingRole.choices)
    state = models.CharField(
        _("relationship state"),
        max_length=16,
        choices=RelationshipState.choices,
        default=RelationshipState.NONE,
    )
    holders = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="held_relationships",
        verbose_name=_("held by"),
    )
    concerns = models.TextField(_("issues and concerns"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")

    def __str__(self) -> str:
        return f"{self.contact} · {self.get_buying_role_display()}"


class RelationshipEvent(models.Model):
    """One change of a relationship, kept for its history. Appended, never edited."""

    relationship = models.ForeignKey(
        Relationship,
        verbose_name=_("relationship"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    at = models.DateTimeField(verbose_name=_("at"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    buying_role = models.CharField(
        verbose_name=_("buying role"), max_length=16, choices=BuyingRole.choices
    )
    state = models.CharField(
        verbose_name=_("relationship state"), max_length=16, choices=RelationshipState.choices
    )
    holders = models.CharField(verbose_name=_("holders"), max_length=500, blank=True)
    note = models.CharField(verbose_name=_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.buying_role}/{self.state}"


class DealingKind(models.TextChoices):
    OPPORTUNITY = "opportunity", _("opportunity")
    CONTRACT = "contract", _("contract")


class DealingStatus(models.TextChoices):
    """Incomplete dealings (unsigned, no service yet) are kept too (000 §13.2.2)."""

    LEAD = "lead", _("lead")
    NEGOTIATING = "negotiating", _("negotiating")
    UNSIGNED = "unsigned", _("not signed")
    SIGNED = "signed", _("signed, no service yet")
    IN_SERVICE = "in_service", _("in service")
    COMPLETED = "completed", _("completed")
    LOST = "lost", _("lost")


class Dealing(models.Model):
    """A dealing 往来业务记录 with a customer: an opportunity or a contract (CUS-7)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="dealings", verbose_name=_("customer unit")
    )
    department = models.ForeignKey(
        CustomerDepartment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dealings",
        verbose_name=_("department"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DealingKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=DealingStatus.choices)
    title = models.CharField(_("title"), max_length=200)
    contract_number = models.CharField(_("contract number"), max_length=64, blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    our_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="dealings", verbose_name=_("our unit")
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("dealing")
        verbose_name_plural = _("dealings")
        indexes = [models.Index(fields=["customer", "-id"], name="dealing_customer")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_complete(self) -> bool:
        return self.status in {DealingStatus.IN_SERVICE, DealingStatus.COMPLETED}


class ContractSummary(models.Model):
    """A contract operation summary report 合同运作总结报告 (000 §13.2.2)."""

    dealing = models.ForeignKey(
        Dealing, on_delete=models.CASCADE, related_name="summaries", verbose_name=_("contract")
    )
    written_on = models.DateField(_("written on"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    summary = models.TextField(_("summary"))
    problems = models.TextField(_("problems and lessons"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("contract operation summary")
        verbose_name_plural = _("contract operation summaries")

    def __str__(self) -> str:
        return f"{self.dealing} · {self.written_on}"


class Operation(models.Model):
    """An operation 作业 for a customer; its end date starts the visit clock (000 §17.2)."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="operations",
        verbose_name=_("customer unit"),
    )
    dealing = models.ForeignKey(
        Dealing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="operations",
        verbose_name=_("contract"),
    )
    name = models.CharField(_("name"), max_length=200)
    location = models.CharField(_("location"), max_length=200, blank=True)
    executing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="operations", verbose_name=_("executing unit")
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        indexes = [
            models.Index(fields=["customer", "-started_on"], name="operation_customer"),
            models.Index(fields=["ended_on"], name="operation_ended"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="operation_ends_after_start",
                violation_error_message=_("An operation cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MarketReport(models.Model):
    """The monthly industry and market information report (003 §12.1), by a unit."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="market_reports", verbose_name=_("unit")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("report"))
    major = models.BooleanField(_("major news, reported at once"), default=False)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("market report")
        verbose_name_plural = _("market reports")
        indexes = [
            models.Index(fields=["unit", "-month"], name="marketreport_unit_month"),
            models.Index(fields=["month", "id"], name="marketreport_month_id"),
            models.Index(fields=["unit", "id"], name="marketreport_unit_id"),
        ]

    def __str__(self) -> str:
        return self.title


class InformationTopic(models.TextChoices):
    """The rows of the information-meaning table (003 附表5)."""

    INDUSTRY = "industry", _("industry and market")
    PLANS = "plans", _("near and long-term plans")
    ORGANISATION = "organisation", _("organisation and management")
    INVESTMENT = "investment", _("investment plans")


class InformationMeaning(models.Model):
    """What we learned about a customer and what it means for us (003 附表5)."""

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="information",
        verbose_name=_("customer unit"),
    )
    topic = models.CharField(_("topic"), max_length=16, choices=InformationTopic.choices)
    information = models.TextField(_("information"))
    meaning = models.TextField(_("meaning for us"), blank=True)
    # the channel the information came through; its level (003 §11.2) comes from the policy
    source = models.CharField(_("information source"), max_length=32, blank=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("information and meaning")
        verbose_name_plural = _("information and meaning")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "topic"],
                name="information_topic_unique",
                violation_error_message=_("This customer already has information on this topic."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} · {self.topic}"


class RequestKind(models.TextChoices):
    SEE = "see", _("see my data")
    CORRECT = "correct", _("correct my data")
    DELETE = "delete", _("delete my data")


class PersonalDataRequest(models.Model):
    """A contact's request about their personal data, recorded and carried out (PRV-1)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="requests", verbose_name=_("contact")
    )
    kind = models.CharField(_("request"), max_length=16, choices=RequestKind.choices)
    received_at = models.DateTimeField(_("received"))
    requested_by = models.CharField(_("asked by"), max_length=100, blank=True)
    verification = models.CharField(_("how the identity was verified"), max_length=300, blank=True)
    details = models.TextField(_("details"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(
        pgettext_lazy("time a personal data request was carried out", "carried out"),
        null=True,
        blank=True,
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        indexes = [models.Index(fields=["done_at", "id"], name="personalrequest_done_id")]

    def __str__(self) -> str:
        return f"{self.contact_id} · {self.kind}"


from guanxi.customers.models_import import CustomerImport  # noqa: E402,F401
