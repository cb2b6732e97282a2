"""The relationship map 核心人物关系图 (CUS-4; 003 附表3–4) as data for the chart and its legend.

Positions are computed here, not by a force simulation in the browser: the same archive gives the
same picture on every load, so a reader can compare two visits of the page. Key persons sit on an
outer ring grouped by department, our people who hold the relationships on an inner ring.
Colours say the relationship state, shapes say the buying role; the legend lists both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from guanxi.customers.models import BuyingRole, Relationship, RelationshipState

OURS = "ours"
# state -> colour; the chart and the legend both read it (Bootstrap's palette)
STATE_COLOURS: dict[str, str] = {
    RelationshipState.POSITIVE: "#198754",
    RelationshipState.NEUTRAL: "#6c757d",
    RelationshipState.NEGATIVE: "#dc3545",
    RelationshipState.NONE: "#adb5bd",
    OURS: "#0d6efd",
}
# buying role -> (ECharts symbol, the glyph that stands for it in the legend)
ROLE_SYMBOLS: dict[str, tuple[str, str]] = {
    BuyingRole.DECISION_MAKER: ("diamond", "◆"),
    BuyingRole.ADVISOR: ("rect", "■"),
    BuyingRole.USER: ("circle", "●"),
    BuyingRole.BLOCKER: ("triangle", "▲"),
    BuyingRole.SUPPORTER: ("path://M12 2l3 7h7l-5.5 4.5 2 7.5-6.5-4.5-6.5 4.5 2-7.5L2 9h7z", "★"),
}
OURS_SYMBOL = ("roundRect", "▢")
OUTER, INNER = 100.0, 40.0
KEY_SIZE, OURS_SIZE = 34, 22


@dataclass(frozen=True)
class LegendEntry:
    key: str
    label: str
    colour: str = ""
    glyph: str = ""


def _ring(count: int, radius: float) -> list[tuple[float, float]]:
    """`count` points evenly on a circle, the first at the top; one point sits in the middle."""
    if count == 1 and radius == INNER:
        return [(0.0, 0.0)]
    step = 2 * math.pi / max(count, 1)
    return [
        (
            round(radius * math.cos(i * step - math.pi / 2), 2),
            round(radius * math.sin(i * step - math.pi / 2), 2),
        )
        for i in range(count)
    ]


STATES = list(STATE_COLOURS)  # a node's category is its state's place in this list


def legend() -> dict[str, list[LegendEntry]]:
    """What the colours and the shapes mean, in the active language."""
    labels = dict(RelationshipState.choices)
    states = [
        LegendEntry(key=key, label=str(labels.get(key, _("Our people"))), colour=colour)
        for key, colour in STATE_COLOURS.items()
    ]
    roles = [
        LegendEntry(key=key, label=str(label), glyph=ROLE_SYMBOLS[key][1])
        for key, label in BuyingRole.choices
    ]
    roles.append(LegendEntry(key=OURS, label=_("Our people"), glyph=OURS_SYMBOL[1]))
    return {"states": states, "roles": roles}


def _key_person(
    rel: Relationship, at: tuple[float, float], no_department: str
) -> dict[str, object]:
    contact = rel.contact
    return {
        "id": f"c{contact.pk}",
        "name": contact.name,
        "x": at[0],
        "y": at[1],
        "category": STATES.index(rel.state if rel.state in STATES else RelationshipState.NONE),
        "symbol": ROLE_SYMBOLS.get(rel.buying_role, ("circle", ""))[0],
        "symbolSize": KEY_SIZE,
        "position": contact.position,
        "department": contact.department.name if contact.department else no_department,
        "roleLabel": rel.get_buying_role_display(),
        "stateLabel": rel.get_state_display(),
    }


def _graph(relationships: Sequence[Relationship]) -> dict[str, object]:
    no_department = _("No department")
    ordered = sorted(
        relationships,
        key=lambda r: (r.contact.department is None, r.contact.department_id or 0, r.contact_id),
    )
    holders: dict[int, str] = {}
    links: list[dict[str, str]] = []
    for rel in ordered:
        for person in sorted(rel.holders.all(), key=lambda p: p.pk):
            holders.setdefault(person.pk, str(person))
            links.append({"source": f"p{person.pk}", "target": f"c{rel.contact_id}"})
    nodes = [
        _key_person(rel, at, no_department)
        for rel, at in zip(ordered, _ring(len(ordered), OUTER), strict=True)
    ]
    ours = sorted(holders.items())
    nodes.extend(
        {
            "id": f"p{pk}",
            "name": name,
            "x": at[0],
            "y": at[1],
            "category": STATES.index(OURS),
            "symbol": OURS_SYMBOL[0],
            "symbolSize": OURS_SIZE,
            "position": "",
            "department": "",
            "roleLabel": "",
            "stateLabel": _("Our people"),
        }
        for (pk, name), at in zip(ours, _ring(len(ours), INNER), strict=True)
    )
    categories = [
        {"name": entry.label, "itemStyle": {"color": entry.colour}} for entry in legend()["states"]
    ]
    return {"nodes": nodes, "links": links, "categories": categories}


def relationship_graph(
    relationships: Sequence[Relationship], *, language: str | None
) -> dict[str, object]:
    """Nodes with fixed positions, links from our people to the key persons they hold, and
    the state categories: JSON for the page's json_script, never HTML."""
    if language is None:
        return _graph(relationships)
    with translation.override(language):
        return _graph(relationships)
