"""`guanxi seed --profile tiny|small|large [--seed N] [--scale F]`: a realistic organisation
and five years of its history, loaded in bulk (COPY on PostgreSQL, executemany on SQLite)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from tqdm import tqdm

from guanxi.seeding.demo import DEMO_PASSWORD
from guanxi.seeding.generator import PROFILES, NotEmpty, run


class Command(BaseCommand):
    help = "Fill a freshly migrated database with a deterministic organisation and history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--profile", choices=sorted(PROFILES), default="small")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Load this fraction of the profile's records (e.g. 0.05 to time 5%% of large).",
        )
        parser.add_argument("--no-migrate", action="store_true", help="Do not run migrate first.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["scale"] <= 1:
            raise CommandError("--scale must be above 0 and at most 1")
        profile = PROFILES[options["profile"]].scaled(options["scale"])
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        quiet = options["no_progress"] or options["verbosity"] == 0
        bars: list[tqdm[Any]] = []

        def step(name: str, planned: int) -> Callable[[int], None]:
            for bar in bars:
                bar.close()
            bars.clear()
            if quiet:
                return lambda n: None
            bar = tqdm(total=planned or None, desc=f"{name:<22}", unit=" rows", file=sys.stderr)
            bar.unit_scale = True
            bars.append(bar)

            def advance(rows: int) -> None:
                bar.update(rows)

            return advance

        started = time.monotonic()
        try:
            results = run(profile, options["seed"], step)
        except NotEmpty as error:
            raise CommandError(str(error)) from error
        finally:
            for bar in bars:
                bar.close()
        elapsed = time.monotonic() - started
        total = sum(rows for rows, _s in results.values())
        if options["verbosity"] > 0:
            self.stdout.write(
                f"seeded profile {profile.name} (seed {options['seed']}) on {connection.vendor}:"
            )
            for name, (rows, seconds) in results.items():
                rate = rows / seconds if seconds else 0.0
                self.stdout.write(
                    f"  {name:<22} {rows:>12,} rows {seconds:8.1f} s {rate:>10,.0f}/s"
                )
            self.stdout.write(
                self.style.SUCCESS(f"  {'total':<22} {total:>12,} rows {elapsed:8.1f} s")
            )
            self.stdout.write(
                f"accounts: hq.manager, hq.staff, div1.staff … password {DEMO_PASSWORD}"
            )
