"""The typed shape of a policy file.

Every entry carries the clause of the regulation it implements and that clause's text, so a
person can always see why the product behaves as it does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Permission names a role may be granted. Which roles get which is policy; what each
# permission lets a person do is code (guanxi.access).
PERMISSIONS: dict[str, str] = {
    "customer.view": "See the customer archive of one's own unit line",
    "customer.create": "Create customer units",
    "customer.change": "Edit customer units",
    "customer.export": "Export customer lists (document control)",
    "contact.view_profile": "See key persons' full background profile",
    "access_log.view": "See the read register of one's own unit line",
    "organisation.manage": "Manage units, people and memberships",
}

ROLE_KEYS = (
    "staff",
    "manager",
    "customer_manager",
    "info_admin",
    "executive",
    "finance",
    "auditor",
    "admin",
)

# Classification dimensions besides tier (CUS-5). Every policy defines each of them once; the
# options of each dimension are policy.
DIMENSION_KEYS = ("industry", "scale", "value", "credit", "loyalty")


@dataclass(frozen=True)
class Rule:
    key: str
    name_zh: str
    name_en: str
    clause: str
    text: str

    def name(self, language: str | None) -> str:
        return self.name_en if language and language.startswith("en") else self.name_zh


@dataclass(frozen=True)
class UnitKind(Rule):
    parents: tuple[str, ...] = ()
    sees_all: bool = False


@dataclass(frozen=True)
class Role(Rule):
    grants: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Tier(Rule):
    rank: int = 0


@dataclass(frozen=True)
class Option:
    """One value a customer can take in a classification dimension."""

    key: str
    name_zh: str
    name_en: str

    def name(self, language: str | None) -> str:
        return self.name_en if language and language.startswith("en") else self.name_zh


@dataclass(frozen=True)
class Dimension(Rule):
    options: tuple[Option, ...] = ()

    def option(self, key: str) -> Option | None:
        return next((option for option in self.options if option.key == key), None)


@dataclass(frozen=True)
class Source(Rule):
    """A channel customer information comes through; level is 003 §11.2's 1 (public) to 4."""

    level: int = 0


@dataclass(frozen=True)
class Policy:
    key: str
    name_zh: str
    name_en: str
    source: str
    unit_kinds: dict[str, UnitKind] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    tiers: dict[str, Tier] = field(default_factory=dict)
    dimensions: dict[str, Dimension] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)

    def root_kind(self) -> UnitKind:
        return next(kind for kind in self.unit_kinds.values() if not kind.parents)

    def tiers_by_rank(self) -> list[Tier]:
        return sorted(self.tiers.values(), key=lambda tier: tier.rank)
