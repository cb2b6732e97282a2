"""The real processes: `guanxi serve` (gunicorn), `guanxi worker` and `guanxi scheduler`.

Each test starts them as subprocesses on free local ports, with their own data directory, and
stops exactly the processes it started.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from prometheus_client.parser import text_string_to_metric_families

from tests.outbox.conftest import Inbox, free_port

REDIS = ("127.0.0.1", 6379)
REDIS_URL = "redis://127.0.0.1:6379/7"


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "GUANXI_DATA_DIR": str(data_dir), **extra}
    for name in ("DATABASE_URL", "SQLITE_TEST_NAME", "REDIS_URL", "CELERY_BROKER_URL"):
        if name not in extra:
            env.pop(name, None)
    return env


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; each is stopped (its own process group) at the end."""
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_serve_runs_gunicorn_workers_with_health_static_and_merged_metrics(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "guanxi.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "2",
            ],
            env=_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started.append(server)
    base = f"http://127.0.0.1:{port}"
    _wait_for(f"{base}/healthz", server, seconds=240)

    status, headers, body = _get(f"{base}/healthz", {"X-Request-ID": "lb-probe-00000042"})
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert headers["X-Request-ID"] == "lb-probe-00000042"

    for _ in range(20):  # spread over both workers
        assert _get(f"{base}/healthz")[0] == 200

    # Static files: hashed names, cached for ever, gzip copies.
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/bootstrap/bootstrap.min.css"]
    assert hashed != "vendor/bootstrap/bootstrap.min.css"
    status, headers, _ = _get(f"{base}/static/{hashed}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]

    status, _, text = _get(f"{base}/metrics")
    assert status == 200
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text.decode())
        for sample in family.samples
    }
    labels = (("method", "GET"), ("route", "healthz"), ("status", "200"))
    key = ("guanxi_http_requests_total", labels)
    assert samples[key] >= 21  # counted in both workers' files, merged
    status, _, _ = _get(f"{base}/metrics", {"X-Forwarded-For": "203.0.113.7"})
    assert status == 404

    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    parsed = [json.loads(line) for line in lines]
    access = [line for line in parsed if line.get("logger") == "guanxi.request"]
    assert any(line["request_id"] == "lb-probe-00000042" for line in access)
    assert any(line.get("logger") == "gunicorn.error" for line in parsed)


@pytest.mark.skipif(not _answers(*REDIS), reason="Redis does not answer on 127.0.0.1:6379")
def test_worker_and_scheduler_deliver_the_outbox_once(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        env = _env(
            tmp_path,
            REDIS_URL=REDIS_URL,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            OUTBOX_DELIVERY_SECONDS="1",
        )
        guanxi = [sys.executable, "-m", "guanxi.cli"]
        subprocess.run([*guanxi, "migrate", "-v0"], env=env, check=True, timeout=600)
        enqueue = (
            "from django.db import transaction\n"
            "from guanxi.outbox.services import enqueue_email\n"
            "with transaction.atomic():\n"
            "    enqueue_email(to='zhang.wei@cosl.example', subject='拜访计划待审批',"
            " body='请审批本月拜访计划。', dedupe_key='ops-test-1')\n"
        )
        subprocess.run([*guanxi, "shell", "-c", enqueue], env=env, check=True, timeout=300)
        # without the relay, so it is the scheduler's task that a Celery worker runs
        for command in (["worker", "--concurrency", "2", "--no-relay"], ["scheduler"]):
            started.append(
                subprocess.Popen(
                    [*guanxi, *command],
                    env=env,
                    stdout=(tmp_path / f"{command[0]}.log").open("wb"),
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 180
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(4)  # several more beats: a rerun must not send it again
    finally:
        controller.stop()
    worker_log = (tmp_path / "worker.log").read_text()
    assert len(inbox.messages) == 1, worker_log[-3000:]
    assert inbox.messages[0]["To"] == "zhang.wei@cosl.example"
    assert "guanxi.outbox.deliver_due" in worker_log


def test_worker_refuses_to_start_without_a_broker(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", "worker"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "no broker configured" in result.stderr


def test_worker_delivers_the_outbox_while_the_broker_is_down(
    tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    """The relay beside the Celery worker reads the outbox from the database: with nothing
    listening where the broker should be, the message still goes out, once."""
    inbox = Inbox()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        broker_port = free_port()
        env = _env(
            tmp_path,
            REDIS_URL=f"redis://127.0.0.1:{broker_port}/0",  # nothing listens there
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            OUTBOX_DELIVERY_SECONDS="1",
        )
        guanxi = [sys.executable, "-m", "guanxi.cli"]
        subprocess.run([*guanxi, "migrate", "-v0"], env=env, check=True, timeout=600)
        enqueue = (
            "from django.db import transaction\n"
            "from guanxi.outbox.services import enqueue_email\n"
            "with transaction.atomic():\n"
            "    enqueue_email(to='li.na@cosl.example', subject='客户来访接待安排',"
            " body='请准备会议室。', dedupe_key='ops-relay-1')\n"
        )
        subprocess.run([*guanxi, "shell", "-c", enqueue], env=env, check=True, timeout=300)
        worker = subprocess.Popen(
            [*guanxi, "worker", "--concurrency", "1"],
            env=env,
            stdout=(tmp_path / "worker.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append(worker)
        deadline = time.monotonic() + 180
        while not inbox.messages and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
        time.sleep(3)  # several more relay ticks: nothing is sent again
        # the Celery child really was without a broker: it says so once it has started,
        # which on a loaded machine may come after the relay has already sent the message
        log = tmp_path / "worker.log"
        deadline = time.monotonic() + 120
        while "Cannot connect to redis" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        controller.stop()
    worker_log = (tmp_path / "worker.log").read_text()
    assert [str(make_header(decode_header(m["Subject"]))) for m in inbox.messages] == [
        "客户来访接待安排"
    ], worker_log[-3000:]
    assert f"127.0.0.1:{broker_port}" in worker_log
    assert "Cannot connect to redis" in worker_log, worker_log[-3000:]
    assert worker.poll() is None  # still running, still retrying the broker
