"""`guanxi risk refresh [--customer ID]`: recompute the relationship risk signals (DEM-5)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.customers.models import Customer
from guanxi.risk.refresh import refresh, refresh_customer


class Command(BaseCommand):
    help = "Recompute the stored relationship risk signals, set-based (001; DEM-5)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("refresh", help="Recompute every customer's signal, or one's.")
        run.add_argument("--customer", type=int, help="Only this customer's id.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        if options.get("customer") is not None:
            pk = options["customer"]
            if not Customer.objects.filter(pk=pk).exists():
                raise CommandError(f"no customer with id {pk}")
            signal = refresh_customer(pk)
            self.stdout.write(f"customer {pk}: score {signal.score if signal else 0}")
            return
        at_risk = refresh()
        self.stdout.write(f"{at_risk} customers at risk ({time.monotonic() - started:.1f} s)")
