"""Writes for product and service campaigns (002 §6).

HQ marketing publishes company-wide campaigns (§6.1); a unit may publish a regional one for its
own line (§6.2). Units then report each target customer's intent and progress.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanxi.access.scope import may_in_unit
from guanxi.customers.models import Customer
from guanxi.keycustomers.models import (
    Campaign,
    CampaignScope,
    CampaignStatus,
    CampaignTarget,
)
from guanxi.organisation.models import Person, Unit
from guanxi.policy.loader import current as current_policy
from guanxi.versioning import apply, lock_current

CAMPAIGN_FIELDS = ("title", "product", "description", "starts_on", "ends_on")
TARGET_FIELDS = ("intent", "status", "note")


def _check_publisher(actor: Person, unit: Unit, scope: str) -> None:
    if not may_in_unit(actor, "campaign.publish", unit.pk):
        raise PermissionDenied(_("You may not publish campaigns for this unit."))
    kind = current_policy().unit_kinds.get(unit.kind)
    if scope == CampaignScope.COMPANY and not (kind and kind.sees_all):
        raise ValidationError({"scope": _("Only HQ marketing publishes company-wide campaigns.")})


def _clean(campaign: Campaign) -> None:
    if campaign.ends_on < campaign.starts_on:
        raise ValidationError({"ends_on": _("The campaign cannot end before it starts.")})
    campaign.full_clean(exclude=["created_by"])


@transaction.atomic
def campaign_create(*, actor: Person, scope: str, unit: Unit, **data: Any) -> Campaign:
    if scope not in CampaignScope.values:
        raise ValidationError({"scope": _("Unknown scope.")})
    _check_publisher(actor, unit, scope)
    campaign = apply(Campaign(scope=scope, unit=unit, created_by=actor), data, CAMPAIGN_FIELDS)
    _clean(campaign)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, actor: Person, campaign: Campaign, version: int, **changes: Any) -> Campaign:
    locked = lock_current(Campaign, campaign.pk, version)
    _check_publisher(actor, locked.unit, locked.scope)
    if locked.status == CampaignStatus.CLOSED:
        raise ValidationError(_("A closed campaign cannot be changed."))
    _clean(apply(locked, changes, CAMPAIGN_FIELDS))
    locked.version += 1
    locked.save()
    return locked


def _transition(
    actor: Person, campaign: Campaign, version: int, source: str, target: str
) -> Campaign:
    locked = lock_current(Campaign, campaign.pk, version)
    _check_publisher(actor, locked.unit, locked.scope)
    if locked.status != source:
        raise ValidationError(
            _("The campaign is %(status)s; this cannot be done now.")
            % {"status": locked.get_status_display()}
        )
    locked.status, locked.version = target, locked.version + 1
    if target == CampaignStatus.PUBLISHED:
        locked.published_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def campaign_publish(*, actor: Person, campaign: Campaign, version: int) -> Campaign:
    return _transition(actor, campaign, version, CampaignStatus.DRAFT, CampaignStatus.PUBLISHED)


@transaction.atomic
def campaign_close(*, actor: Person, campaign: Campaign, version: int) -> Campaign:
    return _transition(actor, campaign, version, CampaignStatus.PUBLISHED, CampaignStatus.CLOSED)


def _check_reporter(actor: Person, campaign: Campaign, customer: Customer) -> None:
    if not may_in_unit(actor, "campaign.report", customer.owning_unit_id):
        raise PermissionDenied(_("You may not report on this customer."))
    if campaign.status != CampaignStatus.PUBLISHED:
        raise ValidationError(_("Targets are reported only while the campaign is published."))
    if campaign.scope == CampaignScope.REGIONAL and not customer.owning_unit.path.startswith(
        campaign.unit.path
    ):
        raise ValidationError(
            {"customer": _("This customer is outside the region of this campaign.")}
        )


@transaction.atomic
def target_add(
    *, actor: Person, campaign: Campaign, customer: Customer, **data: Any
) -> CampaignTarget:
    """A unit names a target customer of the campaign and its first intent and progress."""
    _check_reporter(actor, campaign, customer)
    target = apply(
        CampaignTarget(campaign=campaign, customer=customer, unit_id=customer.owning_unit_id),
        data,
        TARGET_FIELDS,
    )
    target.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError as error:
        raise ValidationError(
            {"customer": _("This customer is already a target of the campaign.")}
        ) from error
    return target


@transaction.atomic
def target_update(
    *, actor: Person, target: CampaignTarget, version: int, **changes: Any
) -> CampaignTarget:
    locked = lock_current(CampaignTarget, target.pk, version)
    _check_reporter(actor, locked.campaign, locked.customer)
    apply(locked, changes, TARGET_FIELDS)
    locked.full_clean(validate_constraints=False)
    locked.version += 1
    locked.save()
    return locked
