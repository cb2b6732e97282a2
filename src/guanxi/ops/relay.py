"""The relay: delivery of the outbox and chaining of registered reads straight from the database.

Both used to depend only on the scheduler queuing a task through Redis and a Celery worker
taking it. A Redis restart can leave a worker connected but no longer consuming (a known Celery
failure mode), and then nothing is sent until someone restarts it. The relay runs beside every
`guanxi worker` and polls the database itself, so a broker outage or a stalled consumer delays
nothing. It is safe in any number of processes: outbox rows are claimed with a lease under
`SKIP LOCKED`, and chaining takes the chain head's lock (`access.register`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


@dataclass
class Relay:
    """One process's relay: call `tick()` as often as you like; it does what is due."""

    delivery_seconds: float = field(default_factory=lambda: settings.OUTBOX_DELIVERY_SECONDS)
    chain_seconds: float = field(default_factory=lambda: max(settings.READ_CHAIN_SECONDS, 1.0))
    limit: int = 100
    clock: Callable[[], float] = time.monotonic
    _next_delivery: float = 0.0
    _next_chain: float = 0.0
    _failures: int = 0

    @property
    def interval(self) -> float:
        """How long to sleep between ticks."""
        return min(self.delivery_seconds, self.chain_seconds)

    def tick(self) -> dict[str, int]:
        """Deliver and chain what is due; a database error is logged and retried later."""
        done = {"sent": 0, "retried": 0, "failed": 0, "chained": 0}
        now = self.clock()
        close_old_connections()
        try:
            if now >= self._next_chain:
                self._next_chain = now + self.chain_seconds
                done["chained"] = self._chain()
            if now >= self._next_delivery:
                self._next_delivery = now + self.delivery_seconds
                self._deliver(done)
        except Exception:  # the relay outlives a database restart
            self._failures += 1
            logger.exception("relay: database unavailable (attempt %s)", self._failures)
            connection.close()
            return done
        self._failures = 0
        if any(done.values()):
            logger.info("relay", extra={"relay": done})
        return done

    def _chain(self) -> int:
        from guanxi.access.register import chain_pending

        return chain_pending(wait=False)

    def _deliver(self, done: dict[str, int]) -> None:
        from guanxi.outbox.services import deliver_due

        while True:
            report = deliver_due(self.limit)
            done["sent"] += len(report.sent)
            done["retried"] += len(report.retried)
            done["failed"] += len(report.failed)
            handled = len(report.sent) + len(report.retried) + len(report.failed)
            if handled + len(report.lost_lease) < self.limit:
                return
