"""Uploaded files: judged by their content, never by their name, and never served inline.

`check_upload` reads at most one byte past the limit, works out what the file really is from
its first bytes (and, for Office files, from the package's parts) and refuses anything not
allowed. `attachment_response` sends a stored file back as a download that a browser will not
render: never as HTML or SVG (which could run script under our origin), always `attachment`
with `nosniff`.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _

# kind -> the only content type it is ever served with
CONTENT_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
OOXML_MAIN_PART = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}
FALLBACK_TYPE = "application/octet-stream"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb stops here


def _ooxml_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names or unpacked > MAX_UNPACKED_BYTES:
        return None
    return next((kind for kind, part in OOXML_MAIN_PART.items() if part in names), None)


def sniff(data: bytes) -> str | None:
    """What the bytes are (a key of CONTENT_TYPES), or None when not a kind we accept."""
    if data.startswith(b"PK\x03\x04"):
        return _ooxml_kind(data)
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    return None


def check_upload(file: IO[bytes], allowed_kinds: set[str], max_bytes: int) -> tuple[bytes, str]:
    """The file's bytes and kind, or a ValidationError saying why it is refused."""
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": round(max_bytes / 1024 / 1024, 1)},
            code="too_large",
        )
    kind = sniff(data)
    if kind is None or kind not in allowed_kinds:
        raise ValidationError(
            _("This kind of file is not accepted here; allowed: %(kinds)s.")
            % {"kinds": ", ".join(sorted(allowed_kinds))},
            code="wrong_kind",
        )
    return data, kind


def attachment_response(data: bytes, *, filename: str, kind: str | None = None) -> HttpResponse:
    """A download that no browser renders in our origin, whatever the file holds."""
    kind = kind or sniff(data)
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(kind or "", FALLBACK_TYPE))
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


IMAGE_KINDS = frozenset({"png", "jpeg"})


def image_response(data: bytes, *, kind: str) -> HttpResponse:
    """A PNG or JPEG shown inline (an <img> on a page): only bytes that are one of those,
    with nosniff and a sandbox, never cached by a shared cache."""
    if kind not in IMAGE_KINDS or sniff(data) != kind:
        raise ValueError(kind)
    response = HttpResponse(data, content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
