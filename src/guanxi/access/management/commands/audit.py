"""`guanxi audit verify [--checkpoints DIR] [--workers N]`, `guanxi audit checkpoint --to DIR|URL`,
`guanxi audit partitions [--ahead N]` (cron, monthly or more often) and `guanxi audit chain`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.access.audit import read_checkpoints, verify, write_checkpoint
from guanxi.access.partitions import ensure_partitions, is_partitioned
from guanxi.access.register import chain_pending


class Command(BaseCommand):
    help = "Verify the read register's hash chain, or write a checkpoint of its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="Walk the chain; exit non-zero at the first fault.")
        check.add_argument(
            "--checkpoints", type=Path, help="Directory of checkpoints to compare the chain with."
        )
        check.add_argument(
            "--workers",
            type=int,
            default=2,
            help="Ranges verified in parallel: database connections on PostgreSQL, processes on "
            "SQLite (default 2).",
        )
        ahead = sub.add_parser(
            "partitions", help="PostgreSQL: create the monthly partitions of the log ahead."
        )
        ahead.add_argument("--ahead", type=int, default=3, help="Months after this one.")
        sub.add_parser("chain", help="Chain reads still waiting in the journal.")
        point = sub.add_parser("checkpoint", help="Export the chain head outside the database.")
        point.add_argument("--to", required=True, help="Directory or http(s) URL.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self.stdout.write(f"checkpoint written to {write_checkpoint(options['to'])}")
            return
        if options["action"] == "partitions":
            self._partitions(options["ahead"])
            return
        if options["action"] == "chain":
            self.stdout.write(f"{chain_pending(wait=True)} read(s) chained")
            return
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        pins = None
        if options.get("checkpoints"):
            if not options["checkpoints"].is_dir():
                raise CommandError(f"no checkpoint directory {options['checkpoints']}")
            pins = read_checkpoints(options["checkpoints"])
        started = time.monotonic()
        verdict = verify(pins, workers=options["workers"])
        elapsed = time.monotonic() - started
        if not verdict.ok:
            raise CommandError(
                f"access log FAILED at entry {verdict.bad_seq}: {verdict.reason} "
                f"({verdict.checked} entries checked before it)"
            )
        extra = f", {len(pins)} checkpoint(s) matched" if pins else ""
        if verdict.pending:
            extra += f", {verdict.pending} registered read(s) waiting to be chained"
        self.stdout.write(
            f"access log OK: {verdict.checked} entries verified in {elapsed:.2f} s{extra}"
        )

    def _partitions(self, ahead: int) -> None:
        if not 0 <= ahead <= 120:
            raise CommandError("--ahead must be between 0 and 120 months")
        if not is_partitioned():
            self.stdout.write("the access log is not partitioned here (PostgreSQL only)")
            return
        made, skipped = ensure_partitions(ahead)
        self.stdout.write(f"partitions ready: {', '.join(made) or 'none'}")
        if skipped:
            raise CommandError(
                f"months left in the default partition (it holds rows of them): "
                f"{', '.join(skipped)}"
            )
