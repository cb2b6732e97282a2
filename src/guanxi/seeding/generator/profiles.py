"""How much data each profile makes (issue 5): `large` is the scale the product must carry."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Profile:
    name: str
    customers: int
    access_log: int
    activities: int
    plan_items: int
    visits: int  # key-customer visits, outgoing and incoming
    campaigns_per_year: int  # HQ's company-wide campaigns
    campaign_targets: int  # over all campaigns
    units_per_kind: int  # units of each kind directly under the root
    units_per_parent: int  # units of each kind under each of those
    staff_per_unit: int

    def scaled(self, factor: float) -> Profile:
        """A fraction of the profile (to time part of `large`), organisation unchanged."""
        if factor == 1:
            return self
        return replace(
            self,
            name=f"{self.name}×{factor:g}",
            customers=max(3, int(self.customers * factor)),
            access_log=max(1, int(self.access_log * factor)),
            activities=max(1, int(self.activities * factor)),
            plan_items=max(1, int(self.plan_items * factor)),
            visits=max(1, int(self.visits * factor)),
            campaign_targets=max(1, int(self.campaign_targets * factor)),
        )


PROFILES = {
    "tiny": Profile(
        "tiny",
        customers=60,
        access_log=500,
        activities=300,
        plan_items=400,
        visits=40,
        campaigns_per_year=1,
        campaign_targets=60,
        units_per_kind=2,
        units_per_parent=1,
        staff_per_unit=2,
    ),
    "small": Profile(
        "small",
        customers=20_000,
        access_log=200_000,
        activities=200_000,
        plan_items=60_000,
        visits=2_000,
        campaigns_per_year=2,
        campaign_targets=6_000,
        units_per_kind=4,
        units_per_parent=2,
        staff_per_unit=4,
    ),
    "large": Profile(
        "large",
        customers=1_000_000,
        access_log=20_000_000,
        activities=10_000_000,
        plan_items=3_000_000,
        visits=40_000,
        campaigns_per_year=4,
        campaign_targets=200_000,
        units_per_kind=8,
        units_per_parent=4,
        staff_per_unit=10,
    ),
}
