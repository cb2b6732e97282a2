"""The paper forms of 000 附表一–三, row by row, with their printed Chinese labels.

The detail page and the PDF walk these rows, so the screen and the print keep the seed's order.
Labels are the seed's own words (the form is a regulated document); the English interface shows
the English line beside them. Which places each form has for signatures is here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from guanxi.feedback.models import FormKind, SignatureRole


@dataclass(frozen=True)
class Cell:
    """One labelled value on a row: `field` names what the form shows there."""

    label: str
    field: str
    english: Promise


Row = tuple[Cell, ...]

TITLES: dict[str, str] = {
    FormKind.VISIT: "服务回访记录表",
    FormKind.CARE: "客户关怀记录表",
    FormKind.SEMINAR: "研讨会意见反馈表",
}
SEED_FORMS: dict[str, str] = {
    FormKind.VISIT: "000 附表一",
    FormKind.CARE: "000 附表二",
    FormKind.SEMINAR: "000 附表三",
}

ROWS: dict[str, tuple[Row, ...]] = {
    FormKind.VISIT: (
        (
            Cell("回访时间", "date", pgettext_lazy("activity form", "Visit date")),
            Cell("地点", "place", pgettext_lazy("activity form", "Place")),
        ),
        (Cell("客户单位名称", "customer", pgettext_lazy("activity form", "Customer unit")),),
        (
            Cell("访问对象", "visited_name", pgettext_lazy("activity form", "Person visited")),
            Cell("职务", "visited_position", pgettext_lazy("activity form", "Position")),
        ),
        (
            Cell("联系电话", "phone", pgettext_lazy("activity form", "Phone")),
            Cell("手机", "mobile", pgettext_lazy("activity form", "Mobile")),
        ),
        (Cell("项目内容概述", "summary", pgettext_lazy("activity form", "Project summary")),),
        (
            Cell(
                "服务执行单位",
                "service_unit",
                pgettext_lazy("activity form", "Service executing unit"),
            ),
        ),
        (
            Cell(
                "客户满意程度",
                "satisfaction",
                pgettext_lazy("activity form", "Customer satisfaction"),
            ),
        ),
        (Cell("客户评价", "ratings", pgettext_lazy("activity form", "Customer evaluation")),),
        (
            Cell(
                "客户要求、建议",
                "requests",
                pgettext_lazy("activity form", "Customer requests and suggestions"),
            ),
        ),
    ),
    FormKind.CARE: (
        (
            Cell("实施时间", "date", pgettext_lazy("activity form", "Date carried out")),
            Cell("地点", "place", pgettext_lazy("activity form", "Place")),
        ),
        (Cell("客户单位名称", "customer", pgettext_lazy("activity form", "Customer unit")),),
        (
            Cell("对方接待人", "visited_name", pgettext_lazy("activity form", "Their host")),
            Cell("联系方式", "phone", pgettext_lazy("activity form", "Contact details")),
        ),
        (Cell("关怀内容概述", "summary", pgettext_lazy("activity form", "Summary of the care")),),
        (Cell("交流内容", "remarks", pgettext_lazy("activity form", "What was discussed")),),
        (
            Cell(
                "客户要求、建议",
                "requests",
                pgettext_lazy("activity form", "Customer requests and suggestions"),
            ),
        ),
    ),
    FormKind.SEMINAR: (
        (
            Cell("实施时间", "date", pgettext_lazy("activity form", "Date carried out")),
            Cell("地 点", "place", pgettext_lazy("activity form", "Place")),
        ),
        (Cell("主办人", "organiser", pgettext_lazy("activity form", "Organiser")),),
        (Cell("主要内容", "summary", pgettext_lazy("activity form", "Main content")),),
        (Cell("主要目的", "purpose", pgettext_lazy("activity form", "Main purpose")),),
        (
            Cell(
                "参加客户个数",
                "customer_count",
                pgettext_lazy("activity form", "Number of customers attending"),
            ),
        ),
        (Cell("主要客户名单", "customer_list", pgettext_lazy("activity form", "Main customers")),),
        (Cell("意见", "opinions", pgettext_lazy("activity form", "Opinions")),),
    ),
}

OPINION_NUMBERS = ("意见一", "意见二", "意见三", "意见四", "意见五")
OPINIONS_MAX = len(OPINION_NUMBERS)


@dataclass(frozen=True)
class Place:
    """A place to sign: its role, the label of the signature line and of the opinion beside it."""

    role: str
    label: str
    opinion_label: str
    opinion_field: str


CHAIN: dict[str, tuple[Place, ...]] = {
    FormKind.VISIT: (
        Place(SignatureRole.CUSTOMER, "访问对象签字", "", ""),
        Place(SignatureRole.VISITOR, "访问人签字", "访问人意见", "visitor_opinion"),
        Place(SignatureRole.MANAGER, "市场营销部经理签字", "市场营销部经理意见", "manager_opinion"),
    ),
    FormKind.CARE: (
        Place(SignatureRole.VISITOR, "关怀负责人签字", "关怀负责人意见", "visitor_opinion"),
        Place(SignatureRole.MANAGER, "市场营销部经理签字", "市场营销部经理意见", "manager_opinion"),
    ),
    FormKind.SEMINAR: (
        Place(SignatureRole.VISITOR, "记录人签字", "", ""),
        Place(SignatureRole.MANAGER, "负责人签字", "研讨会负责人意见", "manager_opinion"),
    ),
}


def place(kind: str, role: str) -> Place | None:
    return next((p for p in CHAIN[kind] if p.role == role), None)
