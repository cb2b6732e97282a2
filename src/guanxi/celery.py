"""The task queue (Celery), configured from Django settings (the CELERY_* names).

With a broker (CELERY_BROKER_URL, or REDIS_URL) tasks go to `guanxi worker` processes; with none,
the embedded default, they run in-process at once. Tasks are acknowledged only after they finish
(acks_late), so a worker killed mid-task leaves the message for another worker: every task must
therefore be idempotent.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

app = Celery("guanxi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.include = ["guanxi.tasks"]
