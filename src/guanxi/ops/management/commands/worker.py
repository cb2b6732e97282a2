"""`guanxi worker`: a Celery worker for the task queue, with the relay beside it.

The command runs the Celery worker as a child process and, in its own process, the relay
(`guanxi.ops.relay`), which delivers the outbox and chains registered reads straight from the
database. So notifications keep flowing while Redis is down or a worker's consumer has stalled
after a broker restart. Stopping the command (SIGTERM, SIGINT) stops the child with a warm
shutdown; if the child ends, the command ends with its exit status so the service manager
restarts both.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.celery import app
from guanxi.ops.relay import Relay


class Command(BaseCommand):
    help = "Run a task-queue worker (Celery) and the outbox and read-register relay."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency", type=int, default=int(os.environ.get("GUANXI_WORKER_CONCURRENCY", "2"))
        )
        parser.add_argument("--loglevel", default=os.environ.get("CELERY_LOG_LEVEL", "INFO"))
        parser.add_argument("--hostname", default=None, help="Worker name (default: celery@host).")
        parser.add_argument(
            "--no-relay",
            action="store_true",
            help="Do not poll the database for outbox messages and reads to chain.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if app.conf.task_always_eager:
            raise CommandError(
                "no broker configured: set REDIS_URL (or CELERY_BROKER_URL); without one, tasks "
                "run inside the web processes and no worker is needed"
            )
        argv = [
            sys.executable,
            "-m",
            "celery",
            "--app=guanxi.celery",
            "worker",
            f"--loglevel={options['loglevel']}",
            f"--concurrency={options['concurrency']}",
            "--without-gossip",
            "--without-mingle",
        ]
        if options["hostname"]:
            argv.append(f"--hostname={options['hostname']}")
        child = subprocess.Popen(argv)  # noqa: S603 - our own interpreter and module
        stopping: list[int] = []

        def stop(signum: int, _frame: FrameType | None) -> None:
            stopping.append(signum)
            child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        relay = None if options["no_relay"] else Relay()
        while child.poll() is None:
            if relay is not None and not stopping:
                relay.tick()
            time.sleep(relay.interval if relay is not None else 1.0)
        if child.returncode and not stopping:
            raise CommandError(f"the Celery worker ended with status {child.returncode}")
