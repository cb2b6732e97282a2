"""Forms with low ratings to draw proposals from, on the shared personas (DIV1's line)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from guanxi.feedback.models import FormRecord
from guanxi.improvements import services
from guanxi.improvements.models import ImprovementProposal
from tests.feedback.conftest import make_activity, make_record  # noqa: F401 - fixtures


@pytest.fixture
def low_form(make_record) -> Callable[..., FormRecord]:  # type: ignore[no-untyped-def]  # noqa: F811
    """A service visit record rated 差 overall and on response speed, with a request."""

    def make(unit: str = "DIV1", by: str = "div1.staff") -> FormRecord:
        ratings = {
            "quality": "good",
            "attitude": "fair",
            "responsiveness": "poor",
            "technical": "good",
            "management": "fair",
            "staff": "good",
        }
        return make_record(
            unit=unit,
            by=by,
            satisfaction="poor",
            ratings=ratings,
            remarks={"responsiveness": "随钻数据上传慢"},
            requests="希望缩短作业报告提交周期",
        )

    return make


@pytest.fixture
def make_proposal(people, low_form) -> Callable[..., ImprovementProposal]:  # type: ignore[no-untyped-def]
    def make(unit: str = "DIV1", by: str = "div1.staff", **extra: Any) -> ImprovementProposal:
        record = low_form(unit=unit, by=by)
        data: dict[str, Any] = {
            "title": "提升随钻数据上传时效",
            "problem": "客户对反应速度评价为差",
            "measures": "优化数据传输流程，上传时效压缩到 2 小时以内。",
        }
        data.update(extra)
        return services.proposal_create(
            actor=people[by],
            unit=record.unit,
            sources=services.suggested_sources(record),
            **data,
        )

    return make
