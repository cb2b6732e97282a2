"""The printed form (ACT-5): laid out like the paper form of the seed, ready to sign.

Drawn signatures are embedded as data URLs, so the renderer fetches nothing.
"""

from __future__ import annotations

import base64

from guanxi.documents.pdf import render_pdf
from guanxi.feedback.display import sheet
from guanxi.feedback.models import FormRecord
from guanxi.feedback.selectors import signatures_of
from guanxi.organisation.models import Person


def _images(record: FormRecord) -> dict[int, str]:
    images: dict[int, str] = {}
    for signature in record.signatures.filter(voided_at__isnull=True).exclude(image=""):
        try:
            with signature.image.open("rb") as file:
                data = file.read()
        except OSError:
            continue
        images[signature.pk] = "data:image/png;base64," + base64.b64encode(data).decode()
    return images


def form_pdf(record: FormRecord, *, reader: Person) -> bytes:
    """Chinese labels whatever the reader's language: the form is the regulation's."""
    shown = sheet(record, signatures_of(record), "zh-hans")
    images = _images(record)
    for slot in shown.slots:
        if slot.signature is not None:
            slot.image = images.get(slot.signature.pk, "")
    context = {
        "sheet": shown,
        "record": record,
        "our_people": list(record.our_people.all()),
    }
    return render_pdf("feedback/print.html", context, reader=reader)
