"""The printed documents: the footer carries the watermark with the local date and time."""

from __future__ import annotations

import datetime
import io

import pytest
import time_machine
from pypdf import PdfReader

from guanxi.documents.pdf import render_pdf

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


@time_machine.travel(datetime.datetime(2026, 12, 5, 2, 30, tzinfo=datetime.UTC), tick=False)
def test_the_footer_prints_the_local_date_and_time(people) -> None:  # type: ignore[no-untyped-def]
    context = {"title": "测试", "columns": [], "rows": []}
    data = render_pdf("plans/print.html", context, reader=people["div1.manager"])

    footer = pdf_text(data).splitlines()[-1]  # the page box's line comes last

    assert footer.startswith("机密 · ")
    assert "（div1.manager）" in footer
    assert footer.endswith("· 2026-12-05 10:30 · 1 / 1")  # 02:30 UTC is 10:30 in Shanghai
