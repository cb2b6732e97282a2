"""Run as a script with GUANXI_DATA_DIR set: a fresh SQLite installation with 3,000 chained
reads, the tampering given as the first argument (SQL, may be empty), then `verify` with 1, 2
and 3 worker processes; one JSON line per verdict."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # for tests.access
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from guanxi.access import bulk
    from guanxi.access.audit import verify
    from tests.access.tampering import raw
    from tests.access.test_chain import reads

    assert connection.vendor == "sqlite"
    assert not connection.is_in_memory_db()
    call_command("migrate", interactive=False, verbosity=0)
    bulk.load(reads(3000))
    if sys.argv[1:] and sys.argv[1]:
        raw(sys.argv[1])
    for workers in (1, 2, 3):
        verdict = verify(workers=workers)
        print(
            json.dumps(
                {
                    "workers": workers,
                    "checked": verdict.checked,
                    "bad_seq": verdict.bad_seq,
                    "reason": verdict.reason,
                }
            )
        )


if __name__ == "__main__":
    main()
