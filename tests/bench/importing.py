"""Time the Excel import of 10,000 (BENCH_IMPORT_ROWS) new customer units, then roll back.

Run by tests/bench/run.py with the bench's environment; prints one JSON line.
"""

from __future__ import annotations

import io
import json
import os
import random
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
django.setup()

from django.db import transaction  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from guanxi.customers import excel  # noqa: E402
from guanxi.organisation.models import Person  # noqa: E402
from guanxi.seeding.generator import pools  # noqa: E402
from guanxi.seeding.generator.customers import _credit_code  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))


def workbook(rng: random.Random) -> bytes:
    book = load_workbook(io.BytesIO(excel.template_workbook("zh-hans")))
    sheet = book.worksheets[0]
    fields = [column.field for column in excel.COLUMNS]
    base = 900_000_000 + rng.randrange(10**6) * ROWS  # far from any seeded customer's code
    for n in range(ROWS):
        city, word, suffix = pools.customer_name_parts(rng, 1)  # never a "big" name
        row = {
            "name": f"{city}{word}第{n + 1}{suffix}",
            "credit_code": _credit_code(rng, base + n),
            "owning_unit": "HQ",
            "tier": "ordinary",
            "address": pools.address(rng),
            "phone": f"022-{rng.randrange(10_000_000, 99_999_999)}",
        }
        sheet.append([row.get(name) for name in fields])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    rng = random.Random(time.time_ns())
    data = workbook(rng)
    actor = Person.objects.get(username="hq.manager")
    result: dict[str, object] = {"rows": ROWS, "bytes": len(data)}
    with transaction.atomic():
        started = time.monotonic()
        report, upload = excel.import_upload(actor=actor, data=data, filename="bench.xlsx")
        result["check_s"] = round(time.monotonic() - started, 2)
        print(f"checked {ROWS} rows in {result['check_s']} s", file=sys.stderr, flush=True)
        result["counts"] = report.counts
        if upload is None:
            raise SystemExit(f"refused: {report.file_problems}")
        started = time.monotonic()
        applied = excel.apply_import(actor=actor, upload=upload)
        result["apply_s"] = round(time.monotonic() - started, 2)
        result["applied"] = applied.counts
        transaction.set_rollback(True)  # the seeded data set stays the same for the next run
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
