"""Render a Django template to PDF with a CJK font and the reader's watermark on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML  # type: ignore[import-untyped]

from guanxi.documents.watermark import watermark
from guanxi.organisation.models import Person

PDF_TYPE = "application/pdf"


def render_pdf(template: str, context: dict[str, Any], *, reader: Person) -> bytes:
    """The template extends documents/base.html, which lays out the page and the watermark."""
    html = render_to_string(template, {**context, "watermark": watermark(reader)})
    data: bytes = HTML(string=html).write_pdf()
    return data


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
