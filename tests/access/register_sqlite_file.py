"""Run as a script with GUANXI_DATA_DIR set: a fresh SQLite installation, one read registered,
then 3 forked processes of 4 threads each registering reads at once; prints one JSON line with
what the chain holds."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import threading
from pathlib import Path

PROCESSES, THREADS, READS_EACH = 3, 4, 30


def _register(person_id: int) -> None:
    from django.db import connections

    from guanxi.access.models import Channel
    from guanxi.access.register import Read, register_reads
    from guanxi.organisation.models import Person

    person = Person.objects.get(pk=person_id)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            for n in range(READS_EACH):
                register_reads(
                    actor=person,
                    reads=[Read("customers.customer", str(index * 1000 + n), None)],
                    channel=Channel.API,
                    address="10.0.0.8",
                )
        except BaseException as error:  # reported through the exit code
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"registration failed: {errors[0]!r}")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    from guanxi.access.audit import verify
    from guanxi.access.models import AccessLogEntry, Channel
    from guanxi.access.register import Read, register_reads
    from guanxi.organisation.models import Person

    assert connection.vendor == "sqlite"
    call_command("migrate", interactive=False, verbosity=0)
    person = Person.objects.create_user(username="div1.staff", password="x-Guanxi-2026")
    # the parent appends first, so its children inherit an open lock file and a used gate
    register_reads(
        actor=person,
        reads=[Read("customers.customer", "1", None)],
        channel=Channel.API,
        address="10.0.0.8",
    )
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_register, args=(person.pk,)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    verdict = verify()
    seqs = list(AccessLogEntry.objects.order_by("seq").values_list("seq", flat=True))
    lock = Path(f"{settings.DATABASES['default']['NAME']}-register.lock")
    print(
        json.dumps(
            {
                "exit_codes": [worker.exitcode for worker in workers],
                "entries": len(seqs),
                "gapless": seqs == list(range(1, len(seqs) + 1)),
                "verified": verdict.ok,
                "checked": verdict.checked,
                "lock_file": lock.exists(),
                "expected": 1 + PROCESSES * THREADS * READS_EACH,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
