"""Background tasks. Each is idempotent: running it twice, or after a killed run, sends nothing
twice (acks_late redelivers a task whose worker died)."""

from __future__ import annotations

import logging

from guanxi.celery import app

logger = logging.getLogger(__name__)


@app.task(name="guanxi.outbox.deliver_due", ignore_result=True)
def deliver_outbox(limit: int = 100) -> dict[str, int]:
    """Deliver due outbox messages; the outbox's claim-with-lease makes a rerun harmless."""
    from guanxi.outbox.services import deliver_due

    report = deliver_due(limit=limit)
    counts = {key: len(ids) for key, ids in vars(report).items()}
    if any(counts.values()):
        logger.info("outbox delivery", extra={"outbox": counts})
    return counts


@app.task(name="guanxi.access.chain_pending", ignore_result=True)
def chain_reads() -> int:
    """Move registered reads from the journal into the hash chain; harmless to run twice (the
    head lock orders the moves, and an empty journal moves nothing)."""
    from guanxi.access.register import chain_pending

    return chain_pending(wait=False)


@app.task(name="guanxi.demands.escalate_breaches", ignore_result=True)
def escalate_complaint_breaches() -> int:
    """Mark complaints unanswered past their clock as breached and tell the unit's manager;
    the conditional-UPDATE claim makes a rerun or a second worker escalate nothing twice."""
    from guanxi.demands.complaints import escalate_breaches

    return len(escalate_breaches())


@app.task(name="guanxi.risk.refresh", ignore_result=True)
def refresh_risk_signals() -> int:
    """Recompute every customer's relationship risk signal (DEM-5), set-based a range of
    customers at a time; a rerun computes the same rows again (an upsert per customer)."""
    from guanxi.risk.refresh import refresh

    return refresh()
