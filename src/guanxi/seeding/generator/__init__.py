"""The large-data generator behind `guanxi seed` (issue 5): deterministic, bulk, both databases.

`run()` fills the database with one organisation and its history by calling the registered
generators (`common.REGISTRY`) in the order their modules are imported below,
each writing its table by COPY or executemany.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, transaction

from guanxi.customers.models import Customer
from guanxi.organisation.models import Unit
from guanxi.policy.loader import current as current_policy

# Each module registers its generators when imported: the load order is this import order
# (the organisation, the archive, plans and the read register, then the records built on them).
from guanxi.seeding.generator import (  # noqa: F401  # isort: skip
    organisation,
    customers,
    plans,
    accesslog,
    archive,
    keycustomers,
    visits,
    contactreports,
    feedback,
    risk,
)
from guanxi.seeding.generator import bulk, common, planning
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
    ctx = common.Context(profile=profile, seed=seed, policy=current_policy())
    planned = planning.planned(profile, ctx.policy)
    results: dict[str, tuple[int, float]] = {}
    with bulk.loading():
        for name, function in common.REGISTRY:
            if step is not None:
                common.set_progress(step(name, planned.get(name, 0)))
            started = time.monotonic()
            with transaction.atomic():
                rows = function(ctx)
            results[name] = (rows, time.monotonic() - started)
        common.set_progress(lambda n: None)
        bulk.reset_sequences(planning.sequences_models())
    if not connection.in_atomic_block:
        planning.analyse()
    return results
