"""gunicorn settings used by `guanxi serve` (`-c python:guanxi.ops.gunicorn_conf`).

gunicorn's own messages are JSON lines like the application's; the access line is written by
guanxi.ops.middleware (it knows the route and the request id), so gunicorn's is off.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import multiprocess

accesslog = None
# gunicorn 25+ opens a control socket at one fixed path per user: two servers on one machine would
# fight over it, and nothing here uses it.
control_socket_disable = True
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "guanxi.ops.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"level": "INFO", "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
    },
}


def child_exit(server: Any, worker: Any) -> None:
    """A worker that died leaves its gauge files; mark them so /metrics stops summing them."""
    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
