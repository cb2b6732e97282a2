"""`guanxi outbox deliver [--loop]`: send due notifications from the outbox."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from guanxi.outbox.services import deliver_due


class Command(BaseCommand):
    help = "Deliver due outbox messages (e-mail, webhooks); --loop keeps polling."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deliver = sub.add_parser("deliver", help="Send due messages.")
        deliver.add_argument("--loop", action="store_true", help="Keep polling until stopped.")
        deliver.add_argument("--limit", type=int, default=100)
        deliver.add_argument("--interval", type=float, default=5.0, help="Seconds between polls.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            report = deliver_due(options["limit"])
            if report.sent or report.retried or report.failed:
                self.stdout.write(
                    f"sent {len(report.sent)}, retry later {len(report.retried)}, "
                    f"gave up {len(report.failed)}"
                )
            if not options["loop"]:
                return
            if len(report.sent) + len(report.retried) + len(report.failed) < options["limit"]:
                time.sleep(options["interval"])
