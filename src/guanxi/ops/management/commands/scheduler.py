"""`guanxi scheduler`: Celery beat, which queues the periodic tasks (run exactly one)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.celery import app


class Command(BaseCommand):
    help = "Run the scheduler of periodic tasks (Celery beat). Run one per installation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--schedule",
            type=Path,
            default=Path(settings.DATA_DIR) / "celerybeat-schedule",
            help="Where beat keeps the time each task last ran.",
        )
        parser.add_argument("--loglevel", default=os.environ.get("CELERY_LOG_LEVEL", "INFO"))

    def handle(self, *args: Any, **options: Any) -> None:
        if app.conf.task_always_eager:
            raise CommandError(
                "no broker configured: set REDIS_URL (or CELERY_BROKER_URL) for the scheduler"
            )
        app.start(
            [
                "beat",
                f"--schedule={options['schedule']}",
                f"--loglevel={options['loglevel']}",
            ]
        )
