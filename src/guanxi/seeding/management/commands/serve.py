"""`guanxi serve`: the production server (gunicorn); WhiteNoise serves the static files.

Static files are collected with hashed names and gzip/brotli copies; metrics are gathered from
every worker through PROMETHEUS_MULTIPROC_DIR, emptied at each start so a restart does not add
the old workers' counts again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


def metrics_dir(bind: str) -> Path:
    """One directory per listening address, so two servers sharing a data dir keep apart."""
    configured = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if configured:
        return Path(configured)
    return Path(settings.DATA_DIR) / "prometheus" / re.sub(r"[^A-Za-z0-9]+", "_", bind)


def static_fingerprint() -> str:
    """Names, sizes and times of every static source file: equal means nothing to collect."""
    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for name, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(name))
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_static(env: dict[str, str]) -> bool:
    """Collect (hash and compress) the static files unless this very set is collected already."""
    root = Path(settings.STATIC_ROOT)
    stamp = root / ".guanxi-collected"
    fingerprint = static_fingerprint()
    collected = (root / "staticfiles.json").exists() and stamp.exists()
    if collected and stamp.read_text() == fingerprint:
        return False
    # A child process: this one's settings were read with the development storage.
    subprocess.run(  # our own interpreter and command
        [sys.executable, "-m", "guanxi.cli", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
    )
    stamp.write_text(fingerprint)
    return True


def reset_metrics_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


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
        parser.add_argument(
            "--timeout", type=int, default=int(os.environ.get("GUANXI_TIMEOUT", "60"))
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            default=os.environ.get("GUANXI_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
            help="Proxies whose X-Forwarded-* headers are believed.",
        )
        parser.add_argument("--migrate", action="store_true", help="Apply migrations first.")
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="The static files are collected."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1")
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed")
        if options["migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        env = dict(os.environ)
        env.setdefault("GUANXI_PLAIN_STATIC", "0")
        if not options["no_collectstatic"]:
            collect_static(env)
        prometheus = metrics_dir(options["bind"])
        reset_metrics_dir(prometheus)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(prometheus)
        argv = [
            gunicorn,
            "guanxi.wsgi:application",
            "--config",
            "python:guanxi.ops.gunicorn_conf",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--timeout",
            str(options["timeout"]),
            "--forwarded-allow-ips",
            options["forwarded_allow_ips"],
            "--max-requests",
            "5000",
            "--max-requests-jitter",
            "500",
            "--graceful-timeout",
            "20",
        ]
        self.stdout.write(f"serving on http://{options['bind']}/ with {options['workers']} workers")
        sys.stdout.flush()
        os.execve(gunicorn, argv, env)  # noqa: S606 - replaces this process with the server
