"""The forms of 000 附表一–三 as one table: each row is the record of one carried-out activity.

`VisitRecord`, `CareRecord` and `SeminarFeedback` are proxies of `FormRecord` that keep to their
own kind, so each answers to its own name in the read register and the API. Fields a kind's
paper form lacks stay blank. A `Signature` is an act by an account over the SHA-256 of the
form's content at that moment; a later change voids it (kept, never deleted).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from guanxi.activities.models import Activity
from guanxi.customers.models import Contact, Customer, Dealing, Operation
from guanxi.organisation.models import Person, Unit


class FormKind(models.TextChoices):
    VISIT = "visit", _("service visit record")
    CARE = "care", _("care record")
    SEMINAR = "seminar", _("seminar feedback")


class FormRecord(models.Model):
    """One filled-in paper form. The executing unit (`unit`) keeps the original (000 §22)."""

    kind = models.CharField(_("kind"), max_length=16, choices=FormKind.choices)
    activity = models.OneToOneField(
        Activity, on_delete=models.PROTECT, related_name="form_record", verbose_name=_("activity")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("executing unit")
    )
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
    visited_person = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person visited"),
    )
    visited_name = models.CharField(_("name of the person visited"), max_length=100, blank=True)
    visited_position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    mobile = models.CharField(_("mobile"), max_length=64, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    purpose = models.TextField(_("main purpose"), blank=True)
    service_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service executing unit"),
    )
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    customer_count = models.PositiveIntegerField(_("number of customers"), default=0)
    customer_list = models.TextField(_("main customers"), blank=True)
    satisfaction = models.CharField(_("customer satisfaction"), max_length=16, blank=True)
    ratings = models.JSONField(_("ratings by dimension"), default=dict, blank=True)
    remarks = models.JSONField(_("remarks by dimension"), default=dict, blank=True)
    requests = models.TextField(_("customer requests and suggestions"), blank=True)
    opinions = models.JSONField(_("opinions"), default=list, blank=True)
    visitor_opinion = models.TextField(_("visitor's opinion"), blank=True)
    manager_opinion = models.TextField(_("manager's opinion"), blank=True)
    key_persons = models.ManyToManyField(
        Contact, blank=True, related_name="+", verbose_name=_("key persons")
    )
    our_people = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("our people")
    )
    operation = models.ForeignKey(
        Operation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("operation"),
    )
    dealing = models.ForeignKey(
        Dealing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract or dealing"),
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("activity form")
        verbose_name_plural = _("activity forms")
        indexes = [
            models.Index(fields=["kind", "unit", "-id"], name="formrecord_kind_unit_id"),
            models.Index(fields=["kind", "customer", "-id"], name="formrecord_kind_customer_id"),
            models.Index(fields=["kind", "date", "-id"], name="formrecord_kind_date_id"),
            models.Index(fields=["kind", "-id"], name="formrecord_kind_id"),
            models.Index(fields=["kind", "customer", "-date", "-id"], name="formrecord_timeline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer_count__lte=100000),
                name="formrecord_customer_count_range",
                violation_error_message=_("The number of customers is a count up to 100000."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class KindManager(models.Manager["FormRecord"]):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset().filter(kind=self.kind)


class VisitRecord(FormRecord):
    """服务回访记录表 (000 附表一)."""

    objects: ClassVar[KindManager] = KindManager(FormKind.VISIT)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("service visit record")
        verbose_name_plural = _("service visit records")


class CareRecord(FormRecord):
    """客户关怀记录表 (000 附表二)."""

    objects: ClassVar[KindManager] = KindManager(FormKind.CARE)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("care record")
        verbose_name_plural = _("care records")


class SeminarFeedback(FormRecord):
    """研讨会意见反馈表 (000 附表三)."""

    objects: ClassVar[KindManager] = KindManager(FormKind.SEMINAR)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = _("seminar feedback")
        verbose_name_plural = _("seminar feedback forms")


MODELS: dict[str, type[FormRecord]] = {
    FormKind.VISIT: VisitRecord,
    FormKind.CARE: CareRecord,
    FormKind.SEMINAR: SeminarFeedback,
}


class SignatureRole(models.TextChoices):
    """The places on the paper form where someone signs, in the order they sign."""

    CUSTOMER = "customer", _("visited person's confirmation")
    VISITOR = "visitor", _("visitor")
    MANAGER = "manager", _("marketing manager")


class SignatureMethod(models.TextChoices):
    ACCOUNT = "account", _("signed with the account")
    DRAWN = "drawn", _("drawn on a tablet")
    PAPER = "paper", _("given on paper")


class Signature(models.Model):
    """A signature: who (the signing account), when, where in the chain, over which content."""

    record = models.ForeignKey(
        FormRecord, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("form")
    )
    role = models.CharField(_("role in the chain"), max_length=16, choices=SignatureRole.choices)
    method = models.CharField(_("method"), max_length=16, choices=SignatureMethod.choices)
    signer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    signer_name = models.CharField(_("name of the person confirming"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    content_hash = models.CharField(_("SHA-256 of the content"), max_length=64)
    image = models.FileField(_("drawn signature"), upload_to="signatures/", blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        indexes = [models.Index(fields=["record", "signed_at"], name="signature_record_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "role"],
                condition=models.Q(voided_at__isnull=True),
                name="signature_one_live_per_role",
                violation_error_message=_("This place on the form is already signed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.signer}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None
