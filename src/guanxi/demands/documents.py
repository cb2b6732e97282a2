"""The monthly key-customer report as paper: PDF and Excel, both carrying the reader's watermark.

Built from what the reader may see (`report_rows`, `report_demands`); the caller registers the
read once every check has passed, and only then calls these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from guanxi.demands.models import Demand, MonthlyReport, ReportRow
from guanxi.documents.excel import workbook
from guanxi.documents.pdf import render_pdf
from guanxi.organisation.models import Person
from guanxi.policy.loader import current as current_policy


@dataclass(frozen=True)
class ReportPart:
    """One strategic customer's part of the report: the row and its demands of the month."""

    row: ReportRow
    demands: list[Demand]


def parts(rows: list[ReportRow], demands: list[Demand]) -> list[ReportPart]:
    by_customer: dict[int, list[Demand]] = {}
    for demand in demands:
        by_customer.setdefault(demand.customer_id, []).append(demand)
    return [ReportPart(row=row, demands=by_customer.get(row.customer_id, [])) for row in rows]


def title(report: MonthlyReport) -> str:
    return f"{report.month:%Y年%m月}重点客户月报"


def labels() -> dict[str, dict[str, str]]:
    """Category and severity names of the policy, in Chinese (the report's language)."""
    rules = current_policy().demands
    return {
        "categories": {key: rule.name_zh for key, rule in rules.categories.items()},
        "severities": {key: rule.name_zh for key, rule in rules.severities.items()},
    }


def report_pdf(report: MonthlyReport, report_parts: list[ReportPart], *, reader: Person) -> bytes:
    context: dict[str, Any] = {"report": report, "title": title(report), "parts": report_parts}
    context.update(labels())
    return render_pdf("demands/report_print.html", context, reader=reader)


def report_xlsx(report: MonthlyReport, report_parts: list[ReportPart], *, reader: Person) -> bytes:
    names = labels()
    rows: list[list[object]] = []
    for part in report_parts:
        row = part.row
        rows.append([row.customer.name, row.unit.name, row.visits, row.progress, row.risks, "", ""])
        for demand in part.demands:
            rows.append(
                [
                    "",
                    "",
                    "",
                    "",
                    "",
                    names["categories"].get(demand.category, demand.category),
                    f"{demand.raised_on:%Y-%m-%d} {demand.title}：{demand.description}",
                ]
            )
    return workbook(
        reader=reader,
        title=title(report),
        header=["战略客户", "所属单位", "拜访次数", "合作进展", "风险", "诉求类别", "诉求"],
        rows=rows,
        sheet=f"{report.month:%Y-%m}",
    )
