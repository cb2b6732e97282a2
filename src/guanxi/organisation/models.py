from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A marketing unit in the tree (HQ, division, branch, base…); kinds come from policy.

    `path` is a materialised path of ids ("/1/4/9/"), so a subtree is one indexed prefix match.
    """

    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=32)
    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2 if self.path else 0

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Person(AbstractUser):
    """One of our people: an account with contact details. Customers' people are Contacts."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.label(self.display_name, self.first_name, self.last_name, self.username)

    @staticmethod
    def label(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """How a person is named: display name, else full name, else username. Also for
        lists built from plain values, without a Person per row."""
        return display_name or f"{first_name} {last_name}".strip() or username


class Membership(models.Model):
    """A person's role in a unit; a person may hold roles in several units (ORG-2)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=32)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "unit", "role"],
                name="membership_unique",
                violation_error_message=_("This person already holds this role in this unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.unit} · {self.role}"
