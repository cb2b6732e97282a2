"""Generators for key-customer visits (002 §7), registered after those of `keycustomers`:
outgoing visit plans and incoming visits at key customers with their people and the units
notified, their itineraries, the follow-ups opened by their summaries, and briefing materials.

A visit's shape (dates, status, how many itinerary rows and follow-ups) comes from its index
alone, its customer and people from one random stream that every visit table replays, so each
table is written in one bulk pass and agrees with the visits without reading them back.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db.models import Model
from weasyprint import HTML  # type: ignore[import-untyped]

from guanxi.documents.pdf import PDF_TYPE
from guanxi.keycustomers.models import (
    BriefingMaterial,
    FollowUp,
    FollowUpStatus,
    ItineraryRow,
    VisitDirection,
    VisitPlan,
    VisitStatus,
)
from guanxi.seeding.generator import pools
from guanxi.seeding.generator.bulk import Row, write
from guanxi.seeding.generator.common import (
    HISTORY_END,
    HISTORY_START,
    Context,
    counted,
    generator,
    grantees,
    key_persons,
    on_day,
    spread,
)
from guanxi.seeding.generator.keycustomers import TODAY, contact_id, days, is_key
from guanxi.seeding.generator.profiles import Profile

THEIR_PEOPLE = VisitPlan.their_people.through
OUR_PEOPLE = VisitPlan.our_people.through
NOTIFIED_UNITS = VisitPlan.notified_units.through
SEQUENCES: list[type[Model]] = [
    VisitPlan,
    THEIR_PEOPLE,
    OUR_PEOPLE,
    NOTIFIED_UNITS,
    ItineraryRow,
    FollowUp,
    BriefingMaterial,
]

# salts of `spread`, one per decision taken from a visit's index
_CUSTOMER, _LENGTH, _STATUS, _STOPS, _FOLLOW_UPS, _MATERIALS = range(201, 207)

VISIT_SPAN_DAYS = (HISTORY_END - HISTORY_START).days + 45  # the last six weeks lie ahead


class VisitShape(NamedTuple):
    starts: datetime.date
    ends: datetime.date
    status: str
    stops: int  # itinerary rows
    follow_ups: int


def visit_shape(n: int, total: int) -> VisitShape:
    """Visit n's dates, status and number of itinerary rows and follow-ups, from n alone:
    spread evenly over the history and six weeks beyond it (those still planned); of the
    past ones 1 in 20 cancelled, 1 in 20 not summarised yet, the rest summarised."""
    starts = HISTORY_START.date() + days(n * VISIT_SPAN_DAYS // total)
    length = spread(n, _LENGTH) % 3
    ends = starts + days(length)
    draw = spread(n, _STATUS) % 20
    if ends >= TODAY or draw == 1:
        status = VisitStatus.PLANNED.value
    elif draw == 0:
        status = VisitStatus.CANCELLED.value
    else:
        status = VisitStatus.DONE.value
    follow_ups = spread(n, _FOLLOW_UPS) % 3 if status == VisitStatus.DONE.value else 0
    return VisitShape(starts, ends, status, 1 + length + spread(n, _STOPS) % 2, follow_ups)


class Visit(NamedTuple):
    id: int
    customer: int  # index
    direction: str
    shape: VisitShape
    our_people: tuple[int, ...]  # the first one wrote the plan
    their_people: tuple[int, ...]  # contact ids: key persons of the customer
    created_at: datetime.datetime
    summarised_at: datetime.datetime | None


def _visit_customer(n: int, customers: int, tiers: int) -> int:
    """Visit n's customer: the first key customer of up to 64 draws from n (any customer if
    all 64 miss, which with a key customer in five does not happen in practice)."""
    i = 0
    for attempt in range(64):
        i = spread(n, _CUSTOMER + 1000 * attempt) % customers
        if is_key(i, tiers):
            break
    return i


def visits_of(ctx: Context) -> Iterator[Visit]:
    """The visits in id order, each at a key customer, by people of the customer's unit line
    who may record visits: the stream every visit table replays."""
    rng = ctx.rng("visits")
    base, total = ctx.ids["visit"], ctx.profile.visits
    tiers = len(ctx.policy.tiers_by_rank())
    outgoing, incoming = VisitDirection.OUTGOING.value, VisitDirection.INCOMING.value
    for n in range(total):
        shape = visit_shape(n, total)
        i = _visit_customer(n, ctx.profile.customers, tiers)
        line = grantees(ctx, "visit.change", ctx.customer_unit[i])
        ours = tuple(rng.sample(line, min(len(line), rng.randint(1, 2))))
        theirs = tuple(contact_id(ctx, i, k) for k in range(rng.randint(1, key_persons(i))))
        planned_on = shape.starts - days(rng.randint(5, 20))
        created = min(on_day(planned_on, 9), HISTORY_END - days(rng.randrange(20)))
        summarised = None
        if shape.status == VisitStatus.DONE.value:
            summarised = on_day(shape.ends + days(rng.randint(1, 5)), 18)
        direction = outgoing if rng.random() < 0.7 else incoming
        yield Visit(base + 1 + n, i, direction, shape, ours, theirs, created, summarised)


def _duties(ctx: Context, visit: Visit) -> str:
    names = [ctx.people.names[p] for p in visit.our_people]
    duties = [f"{names[0]}：主谈"]
    if len(names) > 1:
        duties.append(f"{names[1]}：纪要与备参材料")
    return "；".join(duties)


@generator("visit_plans")
def visit_plans(ctx: Context) -> int:
    """Outgoing visit plans and incoming visits at key customers, with their people and the
    customer's unit notified; most past ones summarised."""
    rng = ctx.rng("visit_text")
    ctx.ids["visit"] = ctx.base(VisitPlan)
    customer_base = ctx.customer_base

    def rows() -> Iterator[Row]:
        for v in visits_of(ctx):
            themes = pools.VISIT_THEMES if v.direction == "outgoing" else pools.INCOMING_THEMES
            done = v.summarised_at is not None
            yield (
                v.id,
                v.direction,
                customer_base + 1 + v.customer,
                rng.choice(themes),
                rng.choice(pools.VISIT_PURPOSES),
                v.shape.starts,
                v.shape.ends,
                rng.choice(pools.VISITORS),
                _duties(ctx, v),
                rng.choice(pools.VISIT_MATTERS),
                rng.choice(pools.VISIT_PREPARATIONS),
                v.shape.status,
                rng.choice(pools.VISIT_SUMMARIES) if done else "",
                v.summarised_at,
                v.our_people[0],
                v.created_at,
            )

    written = write(
        VisitPlan,
        (
            "id",
            "direction",
            "customer_id",
            "theme",
            "purpose",
            "starts_on",
            "ends_on",
            "visitors",
            "duties",
            "matters",
            "preparations",
            "status",
            "summary",
            "summarised_at",
            "created_by_id",
            "created_at",
        ),
        counted(rows()),
    )
    _visit_relations(ctx)
    return written


Members = Callable[[Visit], tuple[int, ...]]


def _visit_relations(ctx: Context) -> None:
    """Their people, our people and the units notified (the customer's own) of each visit."""
    relations: tuple[tuple[type[Model], str, Members], ...] = (
        (THEIR_PEOPLE, "contact_id", lambda v: v.their_people),
        (OUR_PEOPLE, "person_id", lambda v: v.our_people),
        (NOTIFIED_UNITS, "unit_id", lambda v: (ctx.customer_unit[v.customer],)),
    )
    for through, column, members in relations:
        base = ctx.base(through)
        pairs = ((v.id, member) for v in visits_of(ctx) for member in members(v))
        write(
            through,
            ("id", "visitplan_id", column),
            ((base + n, visit, member) for n, (visit, member) in enumerate(pairs, start=1)),
        )


@generator("itinerary_rows")
def itinerary_rows(ctx: Context) -> int:
    """Each visit's itinerary, its stops spread over the visit's days."""
    rng = ctx.rng("itinerary_rows")
    base = ctx.base(ItineraryRow)

    def rows() -> Iterator[Row]:
        n = 0
        for v in visits_of(ctx):
            length = (v.shape.ends - v.shape.starts).days + 1
            places = pools.OUTGOING_PLACES if v.direction == "outgoing" else pools.INCOMING_PLACES
            for k in range(v.shape.stops):
                n += 1
                yield (
                    base + n,
                    v.id,
                    v.shape.starts + days(k * length // v.shape.stops),
                    rng.choice(pools.ITINERARY_TIMES),
                    rng.choice(places),
                    rng.choice(pools.ITINERARY_ACTIVITIES),
                )

    return write(
        ItineraryRow, ("id", "visit_id", "day", "time", "place", "activity"), counted(rows())
    )


@generator("follow_ups")
def follow_ups(ctx: Context) -> int:
    """The follow-ups opened by each summary, owned by one of our people on the visit: done
    when they fell due well before the end of the history (some still open), open after."""
    rng = ctx.rng("follow_ups")
    base = ctx.base(FollowUp)
    done, open_ = FollowUpStatus.DONE.value, FollowUpStatus.OPEN.value

    def rows() -> Iterator[Row]:
        n = 0
        for v in visits_of(ctx):
            if v.summarised_at is None:
                continue
            for title in rng.sample(pools.FOLLOW_UPS, v.shape.follow_ups):
                n += 1
                due = v.shape.ends + days(rng.randint(7, 60))
                finished = due <= TODAY - days(14) and rng.random() < 0.85
                done_at = None
                if finished:
                    worked = on_day(due - days(rng.randint(0, 6)), 17)
                    done_at = max(worked, v.summarised_at + datetime.timedelta(hours=1))
                yield (
                    base + n,
                    v.id,
                    title,
                    rng.choice(v.our_people),
                    due,
                    done if finished else open_,
                    rng.choice(pools.FOLLOW_UP_PROGRESS) if finished else "",
                    done_at,
                )

    return write(
        FollowUp,
        ("id", "visit_id", "title", "owner_id", "due_on", "status", "progress", "done_at"),
        counted(rows()),
    )


def has_briefing(n: int) -> bool:
    """Whether visit n had a briefing document 会议备参 prepared (002 §7.2.2): 1 in 4."""
    return spread(n, _MATERIALS) % 4 == 0


@functools.lru_cache(maxsize=1)
def briefing_pdf() -> bytes:
    """One briefing document, rendered once: every seeded material is a link to a copy."""
    items = "".join(f"<li>{item}</li>" for item in pools.VISIT_PREPARATIONS)
    html = (
        "<html><body style=\"font-family: 'Noto Sans CJK SC', sans-serif\">"
        "<h1>会议备参</h1><p>客户基本情况、近期合作项目与拟商谈事项：</p>"
        f"<ol>{items}</ol></body></html>"
    )
    data: bytes = HTML(string=html).write_pdf()
    return data


@generator("briefing_materials")
def briefing_materials(ctx: Context) -> int:
    """A briefing PDF for one visit in four, uploaded by the person on it who prepares the
    materials (the second, when there are two) a day after the plan was written. The files
    are hard links to one written copy, so a million-row history costs no disk for them."""
    base = ctx.base(BriefingMaterial)
    data = briefing_pdf()
    media = None  # the lazy default storage passes isinstance as what it wraps
    if isinstance(default_storage, FileSystemStorage):
        media = Path(default_storage.location)
    first: Path | None = None

    def store(relative: str) -> None:
        nonlocal first
        if media is None:  # object storage: an upload each
            default_storage.save(relative, ContentFile(data))
            return
        target = media / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        if first is not None:
            try:
                os.link(first, target)
                return
            except OSError:  # a file system without hard links: a copy
                pass
        target.write_bytes(data)
        first = first or target

    def rows() -> Iterator[Row]:
        n = 0
        for index, v in enumerate(visits_of(ctx)):
            if not has_briefing(index):
                continue
            n += 1
            uploaded = min(v.created_at + days(1), HISTORY_END)
            name = f"会议备参-{v.id}.pdf"
            relative = f"keycustomers/briefings/{uploaded:%Y/%m}/seed-{base + n}-{name}"
            store(relative)
            yield (
                base + n,
                v.id,
                relative,
                name,
                PDF_TYPE,
                len(data),
                v.our_people[-1],
                uploaded,
            )

    return write(
        BriefingMaterial,
        ("id", "visit_id", "file", "name", "content_type", "size", "uploaded_by_id", "uploaded_at"),
        counted(rows()),
    )


def planned(profile: Profile) -> dict[str, int]:
    counts = {
        "visit_plans": profile.visits,
        "itinerary_rows": 0,
        "follow_ups": 0,
        "briefing_materials": 0,
    }
    for n in range(profile.visits):
        shape = visit_shape(n, profile.visits)
        counts["itinerary_rows"] += shape.stops
        counts["follow_ups"] += shape.follow_ups
        counts["briefing_materials"] += has_briefing(n)
    return counts
