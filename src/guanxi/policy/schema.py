"""The typed shape of a policy file.

Every entry carries the clause of the regulation it implements and that clause's text, so a
person can always see why the product behaves as it does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

# Permission names a role may be granted. Which roles get which is policy; what each
# permission lets a person do is code (guanxi.access).
PERMISSIONS: dict[str, str] = {
    "customer.view": "See the customer archive of one's own unit line",
    "customer.create": "Create customer units",
    "customer.change": "Edit customer units",
    "customer.export": "Export customer lists (document control)",
    "contact.view_profile": "See key persons' full background profile",
    "personal_data.handle": "Carry out a contact's request to see, correct or delete their data",
    "access_log.view": "See the read register of one's own unit line",
    "organisation.manage": "Manage units, people and memberships",
    "plan.view": "See the care, service-visit and seminar plans of one's own unit line",
    "plan.change": "Draw up and submit one's own unit's plans",
    "plan.consolidate": "Return or accept units' plans and produce the company plan",
    "plan.export": "Print plans as PDF and export them to Excel (registered, watermarked)",
    "activity.view": "See the activities carried out by one's own unit line",
    "activity.change": "Record activities carried out, planned or unplanned",
    "activity.write_off": "Write off (核销) an activity's cost once its approvals are given",
    "approval.view": "See the requests for approval of one's own unit line and where they stand",
    "visit.view": "See key-customer visit plans, incoming visits and follow-ups of one's line",
    "visit.change": "Draw up visit plans, record incoming visits, summaries and follow-ups",
    "customer_plan.view": "See the annual customer plans of one's own unit line",
    "customer_plan.change": "Write annual customer plans (contact, action and revenue plans)",
    "campaign.view": "See product and service campaigns and their targets",
    "campaign.report": "Report target customers' intent and progress in a campaign",
    "campaign.publish": "Publish company-wide (HQ) or regional campaigns and see the roll-up",
    "contact_report.view": "See the contact reports and customer timelines of one's own unit line",
    "contact_report.change": "Write contact reports about contacts with customers of one's line",
    "next_contact.set": "Set the date a customer of one's line is next to be contacted",
    "demand.view": "See customers' demands and complaints of one's own unit line",
    "demand.change": "Register demands and move them through their handling",
    "demand.escalate": "Escalate any demand of one's line to the next level up (owners may too)",
    "demand.assign": "Name HQ's follow-up person per strategic customer and a unit's contact",
    "complaint.view": "See customers' complaints and their 24-hour answer clock",
    "complaint.change": "Register complaints and give their first answer",
    "monthly_report.submit": "Submit one's unit's part of the monthly key-customer report",
    "monthly_report.publish": "Generate and publish the monthly key-customer report (HQ)",
    "monthly_report.export": "Print the monthly key-customer report as PDF and Excel (registered)",
    "feedback.view": "See the visit, care and seminar forms of one's line (copies up, 000 §22)",
    "feedback.change": "Fill in and sign, as visitor, the forms of one's own executing unit",
    "feedback.sign_manager": "Sign a form as the marketing manager of its unit or the next up",
    "improvement.view": "See the improvement proposals, plan items and forwarded opinions "
    "of one's line",
    "improvement.change": "Draw up and submit one's unit's improvement proposals, report "
    "progress on "
    "plan items and answer seminar opinions forwarded to one's unit",
    "improvement.consolidate": "Accept or return proposals, keep the company improvement plan and "
    "forward seminar opinions to the departments concerned (HQ)",
    "risk.view": "See the relationship risk warnings of the customers of one's line",
    "calendar.manage": "Keep the company's working-day calendar: overrides, the holiday notice",
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

# What a policy's [review] may count towards a customer archive's completeness (CUS-13): the
# three-part fields, the classification, and facts about the archive that code computes
# (at least one contact, key person or department; every key person on the relationship map).
# Kept in step with guanxi.customers.models by a test; the policy module imports no models.
REVIEW_FIELDS = (
    # business
    "profile",
    "capability",
    "teams",
    "equipment",
    "past_cooperation",
    "credit_status",
    "bank_name",
    "bank_account",
    "business_scope",
    # communications
    "address",
    "postcode",
    "phone",
    "mobile",
    "fax",
    "email",
    "website",
    # background
    "history",
    "needs",
    # classification
    *DIMENSION_KEYS,
    # the archive as a whole
    "credit_code",
    "manager",
    "contacts",
    "key_persons",
    "relationships",
    "departments",
)


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
class ContactKind(Rule):
    """A way of contacting a customer's key person (letter, call, meeting…) that a contact
    report records (ACT-4; 003 附表6 note)."""


@dataclass(frozen=True)
class Review:
    """The quarterly archive review (CUS-13): what a complete archive holds, when information
    counts as stale, and how often the information administrator re-checks the archive."""

    required: tuple[str, ...] = ()
    stale_after_days: int = 90
    review_every_months: int = 3
    clause: str = ""
    text: str = ""


@dataclass(frozen=True)
class Security:
    """Network-security measures (001 §1.3): how long an unattended session stays signed in,
    and whether notifications may be posted to addresses inside the company network."""

    session_idle_minutes: int = 30
    webhook_private_addresses: bool = False
    clause: str = ""
    text: str = ""


@dataclass(frozen=True)
class Exports:
    """Secrecy of exports (000 §20.1, §21.1: no copying): an export of more than
    `confirm_above` records says how many will leave and waits for the person to confirm."""

    confirm_above: int = 200
    clause: str = ""
    text: str = ""


@dataclass(frozen=True)
class Rating(Option):
    """One step of the satisfaction scale; `score` is the number the analytics (ACT-6)
    average, higher is better."""

    score: int = 0


@dataclass(frozen=True)
class Feedback:
    """The activity forms of 000 附表一–三: the satisfaction scale (差 / 中 / 优) and the
    dimensions a customer rates, in the order the paper form lists them."""

    ratings: tuple[Rating, ...] = ()
    dimensions: tuple[Option, ...] = ()
    clause: str = ""
    text: str = ""

    def rating(self, key: str) -> Rating | None:
        return next((option for option in self.ratings if option.key == key), None)

    def scores(self) -> dict[str, int]:
        """Each rating's score, by key (the satisfaction analytics average these)."""
        return {option.key: option.score for option in self.ratings}

    def dimension(self, key: str) -> Option | None:
        return next((option for option in self.dimensions if option.key == key), None)


# What a plan item can hold (000 §14.2, §16.2, §18.2); each [[plans]] kind lists its own.
PLAN_KINDS = ("care", "visit", "seminar")
PLAN_PERIODS = ("month", "quarter", "year")
PLAN_ITEM_FIELDS = (
    "name",
    "place",
    "when",
    "customer",
    "customer_count",
    "key_persons",
    "gifts",
    "our_people",
    "content",
    "documents",
    "cost",
)
# Conditions an [[approvals]] rule may put on a request; steps name a unit kind (or "own") and
# a role. Request kinds are open: apps register their own (keycustomers adds visit plans…).
APPROVAL_OWN_UNIT = "own"


@dataclass(frozen=True)
class PlanKind(Rule):
    """One kind of unit plan: its periods, who submits it, its deadline and its item fields."""

    periods: tuple[str, ...] = ()
    submitted_by: tuple[str, ...] = ()
    submit_days_before: int = 0
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApprovalStep:
    """Who decides one step: people with `role` in the nearest unit of `unit_kind` (or "own")."""

    unit_kind: str
    role: str


@dataclass(frozen=True)
class ApprovalRule(Rule):
    """A request of `kind` (above `amount_above`, from `requester_kinds`) needs these steps."""

    kind: str = ""
    amount_above: Decimal | None = None
    requester_kinds: tuple[str, ...] = ()
    steps: tuple[ApprovalStep, ...] = ()
    blocks: tuple[str, ...] = ()

    def applies(self, *, kind: str, amount: Decimal | None, requester_kind: str) -> bool:
        if kind != self.kind:
            return False
        if self.requester_kinds and requester_kind not in self.requester_kinds:
            return False
        if self.amount_above is None:
            return True
        return amount is not None and amount > self.amount_above


@dataclass(frozen=True)
class DemandRules:
    """Demands 诉求 (002 §8): which tiers the unit solves and escalates when beyond it (VIP,
    §8.1.2), which are reported to HQ monthly by `monthly_due_day` (strategic, §8.1.1, §8.1.4),
    and which severities are reported at once (紧急事项可随时上报)."""

    categories: dict[str, Rule] = field(default_factory=dict)
    severities: dict[str, Rule] = field(default_factory=dict)
    report_tiers: tuple[str, ...] = ()
    escalate_tiers: tuple[str, ...] = ()
    urgent_severities: tuple[str, ...] = ()
    monthly_due_day: int = 28
    clause: str = ""
    text: str = ""


@dataclass(frozen=True)
class ComplaintRules:
    """Complaints 投诉: the first answer is due `answer_hours` after receipt (001)."""

    answer_hours: int = 24
    clause: str = ""
    text: str = ""


@dataclass(frozen=True)
class ImprovementRules:
    """Improvement proposals 改进方案 (000 §17.3–17.4, §19.3.3): which ratings count as low when
    a form is turned into a proposal, the deadline a plan item gets unless HQ sets another, and
    the days a department has to answer a forwarded seminar opinion."""

    low_ratings: tuple[str, ...] = ()
    deadline_days: int = 90
    answer_days: int = 30
    clause: str = ""
    text: str = ""


# Buying roles a relationship can have (003 附表4), kept in step with
# guanxi.customers.models.BuyingRole by a test; the policy module imports no models.
BUYING_ROLES = ("decision_maker", "advisor", "user", "blocker", "supporter")
WARNING_PARTS = ("satisfaction", "relationship", "overdue_demands", "silence", "complaints")


@dataclass(frozen=True)
class WarningPart:
    """One part of a customer's risk signal: `weight` points for the part, or for each item it
    counts (a negative decision maker, an overdue demand, an open complaint) up to `cap`."""

    key: str
    weight: int
    cap: int = 1
    clause: str = ""
    text: str = ""


@dataclass(frozen=True)
class EarlyWarning:
    """Relationship crisis early warning 客户关系危机预警 (001): the parts and their weights.

    Falling satisfaction: the average of the last `satisfaction_window` forms is at least
    `satisfaction_drop` below the average of the `satisfaction_window` before them (ratings
    scored by their `score` in [feedback] ratings). A negative relationship: a key person
    of one of `negative_roles` whose relationship state is negative. Silence: no contact for
    longer than `silence_days` of the customer's tier. An open complaint past its answer clock
    weighs `breached_weight` instead of the part's weight."""

    parts: dict[str, WarningPart] = field(default_factory=dict)
    satisfaction_window: int = 3
    satisfaction_drop: Decimal = Decimal("0.5")
    negative_roles: tuple[str, ...] = ("decision_maker",)
    silence_days: dict[str, int] = field(default_factory=dict)
    breached_weight: int = 0
    clause: str = ""
    text: str = ""


@dataclass(frozen=True)
class WorkingDays:
    """What "day" means (000 §27: 日 is a working day, rest days not counted): whether the
    deadlines the regulation states in days count working days, and whether a due day of the
    month that is no working day moves back to the last working day before it."""

    count_working_days: bool = True
    due_on_working_day: bool = True
    clause: str = ""
    text: str = ""


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
    review: Review = field(default_factory=Review)
    security: Security = field(default_factory=Security)
    exports: Exports = field(default_factory=Exports)
    feedback: Feedback = field(default_factory=Feedback)
    plans: dict[str, PlanKind] = field(default_factory=dict)
    approvals: tuple[ApprovalRule, ...] = ()
    contact_kinds: dict[str, ContactKind] = field(default_factory=dict)
    demands: DemandRules = field(default_factory=DemandRules)
    complaints: ComplaintRules = field(default_factory=ComplaintRules)
    improvements: ImprovementRules = field(default_factory=ImprovementRules)
    early_warning: EarlyWarning = field(default_factory=EarlyWarning)
    working_days: WorkingDays = field(default_factory=WorkingDays)

    def root_kind(self) -> UnitKind:
        return next(kind for kind in self.unit_kinds.values() if not kind.parents)

    def tiers_by_rank(self) -> list[Tier]:
        return sorted(self.tiers.values(), key=lambda tier: tier.rank)

    def approval_rules(
        self, *, kind: str, amount: Decimal | None, requester_kind: str
    ) -> list[ApprovalRule]:
        """The rules a request meets, in file order; their steps form its chain."""
        return [
            rule
            for rule in self.approvals
            if rule.applies(kind=kind, amount=amount, requester_kind=requester_kind)
        ]
