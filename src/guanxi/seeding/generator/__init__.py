"""The large-data generator behind `guanxi seed` (issue 5): deterministic, bulk, both databases.

`run()` fills the database with one organisation and its history by calling the registered
generators (records.REGISTRY: those of records, archive, keycustomers, visits) in order,
each writing its table by COPY or executemany.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, transaction

from guanxi.customers.models import Customer
from guanxi.organisation.models import Unit
from guanxi.policy.loader import current as current_policy

# archive, keycustomers and visits register their generators when imported, in this order,
# after those of records (which each imports)
from guanxi.seeding.generator import archive, bulk, keycustomers, records, visits  # noqa: F401
from guanxi.seeding.generator.profiles import PROFILES, Profile

__all__ = ["PROFILES", "NotEmpty", "Profile", "run"]


class NotEmpty(Exception):
    """Seeding adds a whole organisation; it refuses to mix it into an existing one."""


Step = Callable[[str, int], Callable[[int], None]]


def run(profile: Profile, seed: int, step: Step | None = None) -> dict[str, tuple[int, float]]:
    """Load `profile` with `seed`; returns {record type: (rows, seconds)}.

    `step(name, planned_rows)` is called before each generator and returns the callback that
    is told how many more rows were written (the command hangs a progress bar on it).
    """
    if Unit.objects.exists() or Customer.objects.exists():
        raise NotEmpty(
            "the database already holds units or customers; seed a freshly migrated database"
        )
    ctx = records.Context(profile=profile, seed=seed, policy=current_policy())
    planned = records.planned(profile, ctx.policy)
    results: dict[str, tuple[int, float]] = {}
    with bulk.loading():
        for name, function in records.REGISTRY:
            if step is not None:
                records.set_progress(step(name, planned.get(name, 0)))
            started = time.monotonic()
            with transaction.atomic():
                rows = function(ctx)
            results[name] = (rows, time.monotonic() - started)
        records.set_progress(lambda n: None)
        bulk.reset_sequences(records.sequences_models())
    if not connection.in_atomic_block:
        records.analyse()
    return results
