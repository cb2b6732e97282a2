"""Briefing-material uploads: limited in size, and the type judged by content, not by name."""

from __future__ import annotations

import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

# magic prefix -> (content type, extensions allowed for it)
_SIGNATURES: list[tuple[bytes, str, frozenset[str]]] = [
    (b"%PDF-", "application/pdf", frozenset({".pdf"})),
    (b"\x89PNG\r\n\x1a\n", "image/png", frozenset({".png"})),
    (b"\xff\xd8\xff", "image/jpeg", frozenset({".jpg", ".jpeg"})),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "application/x-ole-storage",
        frozenset({".doc", ".xls", ".ppt"}),
    ),
]
_OFFICE_XML = {
    ".docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}


def max_bytes() -> int:
    return int(getattr(settings, "KEYCUSTOMERS_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def _office_type(upload: UploadedFile, extension: str) -> str | None:
    prefix, content_type = _OFFICE_XML[extension]
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    ok = "[Content_Types].xml" in names and any(n.startswith(prefix) for n in names)
    return content_type if ok else None


def sniff(upload: UploadedFile) -> str:
    """The content type of an allowed upload, or a ValidationError saying why not."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    if size > max_bytes():
        raise ValidationError(
            {"file": _("The file is too large (at most %(mb)s MB).") % {"mb": max_bytes() // 2**20}}
        )
    extension = PurePath(upload.name or "").suffix.lower()
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type: str | None = None
    if extension in _OFFICE_XML and head.startswith(b"PK\x03\x04"):
        content_type = _office_type(upload, extension)
    for magic, kind, extensions in _SIGNATURES:
        if head.startswith(magic) and extension in extensions:
            content_type = kind
    upload.seek(0)
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "Only PDF, Word, Excel, PowerPoint, PNG and JPEG files whose content "
                    "matches their name may be uploaded."
                )
            }
        )
    return content_type
