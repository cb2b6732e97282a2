"""The canonical content of a form and its SHA-256: what a signature vouches for."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from guanxi.feedback.models import FormRecord

# Everything the paper form shows, opinions included; not who created it or when it was saved.
CONTENT_FIELDS = (
    "kind",
    "activity_id",
    "unit_id",
    "customer_id",
    "date",
    "place",
    "visited_person_id",
    "visited_name",
    "visited_position",
    "phone",
    "mobile",
    "summary",
    "purpose",
    "service_unit_id",
    "organiser",
    "customer_count",
    "customer_list",
    "satisfaction",
    "ratings",
    "remarks",
    "requests",
    "opinions",
    "visitor_opinion",
    "manager_opinion",
    "operation_id",
    "dealing_id",
)


def canonical(record: FormRecord) -> dict[str, Any]:
    content: dict[str, Any] = {name: getattr(record, name) for name in CONTENT_FIELDS}
    content["date"] = record.date.isoformat()
    content["key_persons"] = sorted(record.key_persons.values_list("pk", flat=True))
    content["our_people"] = sorted(record.our_people.values_list("pk", flat=True))
    return content


def content_hash(record: FormRecord) -> str:
    text = json.dumps(canonical(record), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
