"""Risk signals 客户关系危机预警 at scale: computed by the same set-based refresh the scheduler
runs (guanxi.risk.refresh), once every record the signals read has been generated."""

from __future__ import annotations

from guanxi.seeding.generator.common import Context, generator


@generator("risk_signals")
def risk_signals(ctx: Context) -> int:
    from guanxi.risk.refresh import refresh

    return refresh()
