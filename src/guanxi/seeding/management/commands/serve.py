"""`guanxi serve`: the production server (gunicorn); WhiteNoise serves the static files."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run Guanxi under gunicorn (production server)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("GUANXI_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("GUANXI_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("GUANXI_THREADS", "4"))
        )
        parser.add_argument("--migrate", action="store_true", help="Apply migrations first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed")
        argv = [
            gunicorn,
            "guanxi.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
            "--max-requests",
            "5000",
            "--max-requests-jitter",
            "500",
            "--graceful-timeout",
            "20",
        ]
        self.stdout.write(f"serving on http://{options['bind']}/ with {options['workers']} workers")
        sys.stdout.flush()
        os.execv(gunicorn, argv)  # noqa: S606 - replaces this process with the server
