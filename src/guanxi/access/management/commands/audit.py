"""`guanxi audit verify [--checkpoints DIR]` and `guanxi audit checkpoint --to DIR|URL`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.access.audit import read_checkpoints, verify, write_checkpoint


class Command(BaseCommand):
    help = "Verify the read register's hash chain, or write a checkpoint of its head."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="Walk the chain; exit non-zero at the first fault.")
        check.add_argument(
            "--checkpoints", type=Path, help="Directory of checkpoints to compare the chain with."
        )
        point = sub.add_parser("checkpoint", help="Export the chain head outside the database.")
        point.add_argument("--to", required=True, help="Directory or http(s) URL.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            self.stdout.write(f"checkpoint written to {write_checkpoint(options['to'])}")
            return
        pins = None
        if options.get("checkpoints"):
            if not options["checkpoints"].is_dir():
                raise CommandError(f"no checkpoint directory {options['checkpoints']}")
            pins = read_checkpoints(options["checkpoints"])
        started = time.monotonic()
        verdict = verify(pins)
        elapsed = time.monotonic() - started
        if not verdict.ok:
            raise CommandError(
                f"access log FAILED at entry {verdict.bad_seq}: {verdict.reason} "
                f"({verdict.checked} entries checked before it)"
            )
        extra = f", {len(pins)} checkpoint(s) matched" if pins else ""
        self.stdout.write(
            f"access log OK: {verdict.checked} entries verified in {elapsed:.2f} s{extra}"
        )
