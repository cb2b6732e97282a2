"""`make bench`: seed (once), start the production server, measure, write var/bench/*.{md,json}.

BENCH_DB=sqlite|postgres, BENCH_PROFILE=small|large|tiny, BENCH_DATABASE_URL (PostgreSQL,
default postgres://postgres@127.0.0.1:5432/bench), BENCH_REQUESTS (single-client requests per
case, default 40), BENCH_SECONDS (seconds of 8-client load per case, default 4), BENCH_CASES
(comma-separated parts of case names, e.g. "satisfaction": only the cases whose name contains
one of them, and none of the other measures — import, audit verify).

The server is `guanxi serve` (gunicorn, 2 workers × 4 threads) on a free port; clients are
threads with their own keep-alive `http.client` connections. Not part of `make test`.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.cases import (
    CASES,
    IMPORT_10K_S,
    PERSONS,
    RSS_MB,
    VERIFY_20M_S,
    Case,
    Target,
)

ROOT = Path(__file__).resolve().parents[2]
GUANXI = str(ROOT / ".venv" / "bin" / "guanxi")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
CLIENTS = 8


@dataclass
class Result:
    case: str
    who: str
    status: str  # "ok", "miss", "error", "not yet built"
    median_ms: float | None = None
    p95_ms: float | None = None
    rps: float | None = None
    errors: int = 0
    target: dict[str, float | None] = field(default_factory=dict)
    note: str = ""


# Environment --------------------------------------------------------------------------------


def label() -> str:
    """The profile, with its scale when BENCH_SCALE is set (e.g. `large×0.1` → "large-x0.1")."""
    profile = os.environ.get("BENCH_PROFILE", "small")
    scale = os.environ.get("BENCH_SCALE", "")
    return f"{profile}-x{float(scale):g}" if scale and float(scale) != 1 else profile


def environment() -> dict[str, str]:
    db = os.environ.get("BENCH_DB", "sqlite")
    profile = label()
    data_dir = ROOT / "var" / "bench" / f"data-{db}-{profile}"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        GUANXI_DATA_DIR=str(data_dir),
        API_RATE="10000000/min",
        AXES_FAILURE_LIMIT="1000",
        DJANGO_SETTINGS_MODULE="guanxi.settings",
    )
    env.pop("DATABASE_URL", None)
    if db == "postgres":
        default = "postgres://postgres@127.0.0.1:5432/bench"
        if profile != "small":
            default += "_" + profile.replace("-", "_").replace(".", "_")
        env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", default)
    elif db != "sqlite":
        raise SystemExit("BENCH_DB must be sqlite or postgres")
    return env


def ensure_database(env: dict[str, str]) -> None:
    url = env.get("DATABASE_URL")
    if not url:
        return
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def seed(env: dict[str, str], profile: str) -> dict[str, Any]:
    """Seed once per database; a database that already holds the organisation is kept."""
    started = time.monotonic()
    scale = os.environ.get("BENCH_SCALE", "1")
    done = subprocess.run(
        [GUANXI, "seed", "--profile", profile, "--scale", scale, "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        if "already holds" in done.stderr:
            return {"seeded": False, "note": "database already seeded"}
        raise SystemExit(f"seeding failed:\n{done.stderr}")
    print(done.stdout)
    return {"seeded": True, "seconds": round(time.monotonic() - started, 1), "log": done.stdout}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    log = open(Path(env["GUANXI_DATA_DIR"]) / "server.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [GUANXI, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 240  # collectstatic and imports are slow on a busy machine
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start; see server.log")


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# A keep-alive client --------------------------------------------------------------------------


class Client:
    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = {"Accept-Language": "zh-hans", **headers}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        for attempt in (1, 2):
            try:
                self.conn.request(
                    method, path, body=body, headers={**self.headers, **(headers or {})}
                )
                response = self.conn.getresponse()
                return response.status, response.read(), response
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, bytes]:
        status, body, _response = self.request("GET", path)
        return status, body


def cookies_of(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def page_headers(port: int, username: str, password: str) -> dict[str, str]:
    client = Client(port, {})
    _status, body, response = client.request("GET", "/accounts/login/")
    jar = cookies_of(response)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if token is None:
        raise SystemExit("no CSRF token on the sign-in page")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    status, _body, response = client.request(
        "POST",
        "/accounts/login/",
        form,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        },
    )
    jar.update(cookies_of(response))
    if status != 302 or "sessionid" not in jar:
        raise SystemExit(f"{username} could not sign in ({status})")
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


def api_headers(port: int, username: str, password: str) -> dict[str, str]:
    client = Client(port, {})
    status, body, _response = client.request(
        "POST",
        "/api/v1/auth/token/",
        json.dumps({"username": username, "password": password}).encode(),
        {"Content-Type": "application/json"},
    )
    if status != 200:
        raise SystemExit(f"{username} got no API token ({status}: {body[:200]!r})")
    return {"Authorization": f"Token {json.loads(body)['token']}", "Accept": "application/json"}


# What to ask for ------------------------------------------------------------------------------


def placeholders(port: int, api: dict[str, str]) -> dict[str, str]:
    """Fill {customer}, {deep}, {cursor}, {zh}, {initials}, {busy} from what this person sees."""
    client = Client(port, api)
    status, body = client.get("/api/v1/customers/?page_size=200")
    if status != 200:
        raise SystemExit(f"customer list answered {status}")
    rows = json.loads(body)["results"]
    first = rows[len(rows) // 2]
    name = first["name"]
    # follow the keyset cursor 10 pages of 200 down, then jump there from the page list too
    next_url = json.loads(body)["next"]
    last_id = rows[-1]["id"]
    for _ in range(10):
        if not next_url:
            break
        parsed = urllib.parse.urlparse(next_url)
        status, body = client.get(f"{parsed.path}?{parsed.query}")
        page = json.loads(body)
        if page["results"]:
            last_id = page["results"][-1]["id"]
        next_url = page["next"]
    cursor = str(last_id)  # the customer API's `next` cursor of the newest-first list
    initials = ""
    for key in ("name_initials",):
        initials = str(first.get(key, ""))
    if not initials:
        from pypinyin import Style, lazy_pinyin

        initials = "".join(s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER) if s)
    status, body = client.get("/api/v1/contact-reports/?page_size=1")
    reports = json.loads(body)["results"] if status == 200 else []
    busy = str(reports[0]["customer"]) if reports else str(first["id"])
    return {
        "busy": busy,
        "customer": str(first["id"]),
        "deep": str(last_id),
        "cursor": urllib.parse.quote(cursor),
        "zh": urllib.parse.quote(name[2:5]),
        "initials": initials[:4].lower(),
    }


# Measuring ------------------------------------------------------------------------------------


def single(client: Client, path: str, count: int) -> tuple[list[float], int]:
    for _ in range(3):
        client.get(path)
    timings, errors = [], 0
    for _ in range(count):
        started = time.perf_counter()
        status, _body = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        errors += status >= 400
    return timings, errors


def concurrent(port: int, headers: dict[str, str], path: str, seconds: float) -> tuple[float, int]:
    done = [0] * CLIENTS
    errors = [0] * CLIENTS
    stop = time.monotonic() + seconds

    def worker(index: int) -> None:
        client = Client(port, headers)
        while time.monotonic() < stop:
            status, _body = client.get(path)
            done[index] += 1
            errors[index] += status >= 400

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - started), sum(errors)


def verdict(target: Target, median: float, p95: float, rps: float | None) -> str:
    misses = [
        target.median_ms is not None and median > target.median_ms,
        target.p95_ms is not None and p95 > target.p95_ms,
        target.rps is not None and (rps or 0) < target.rps,
    ]
    return "miss" if any(misses) else "ok"


def measure(
    case: Case, who: str, port: int, headers: dict[str, str], values: dict[str, str]
) -> Result:
    target = asdict(case.target)
    path = case.path.format(**values)
    client = Client(port, headers)
    status, _body = client.get(path)
    if status == 404 and case.planned:  # listed ahead of its capability
        return Result(case.name, who, "not yet built", target=target, note=case.planned)
    requests = int(os.environ.get("BENCH_REQUESTS", "40"))
    timings, errors = single(client, path, requests)
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    rps, more = concurrent(port, headers, path, float(os.environ.get("BENCH_SECONDS", "4")))
    errors += more
    state = "error" if errors else verdict(case.target, median, p95, rps)
    return Result(
        case.name,
        who,
        state,
        round(median, 1),
        round(p95, 1),
        round(rps, 1),
        errors,
        target,
        note="" if status == 200 else f"HTTP {status}",
    )


def timed_command(
    env: dict[str, str], argv: list[str], timeout: float = 1800
) -> tuple[float, str, int]:
    started = time.monotonic()
    try:
        done = subprocess.run(
            argv, env=env, capture_output=True, text=True, check=False, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return time.monotonic() - started, f"timed out after {timeout:g} s", -1
    return time.monotonic() - started, (done.stdout + done.stderr).strip(), done.returncode


# Reporting ------------------------------------------------------------------------------------


def target_text(target: dict[str, float | None]) -> str:
    parts = []
    if target.get("median_ms") is not None:
        parts.append(f"median < {target['median_ms']:g} ms")
    if target.get("p95_ms") is not None:
        parts.append(f"p95 < {target['p95_ms']:g} ms")
    if target.get("rps") is not None:
        parts.append(f"≥ {target['rps']:g} rps")
    return ", ".join(parts)


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Benchmark {report['stamp']} — {report['db']}, profile {report['profile']}",
        "",
        f"Server: `guanxi serve` (gunicorn, 2 workers × 4 threads); {CLIENTS} concurrent "
        f"keep-alive clients for the rps column; {report['requests']} single-client requests "
        f"per case for median and p95. {os.cpu_count()} cores; load average (1 min) "
        f"{report.get('load_before', '?')} before the run (above the core count, other work "
        f"shared the machine) and {report.get('load_after', '?')} after it (its own load).",
        "",
        "| case | who | median ms | p95 ms | rps (8 clients) | target | result |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for r in report["results"]:

        def cell(v: float | None) -> str:
            return "" if v is None else f"{v:g}"

        lines.append(
            f"| {r['case']} | {r['who']} | {cell(r['median_ms'])} | {cell(r['p95_ms'])} | "
            f"{cell(r['rps'])} | {target_text(r['target'])} | {r['status']}"
            f"{' (' + r['note'] + ')' if r['note'] else ''} |"
        )
    lines += ["", "| measure | value | target | result |", "|---|---:|---|---|"]
    for row in report["other"]:
        lines.append(f"| {row['measure']} | {row['value']} | {row['target']} | {row['status']} |")
    return "\n".join(lines) + "\n"


def chosen(case: Case) -> bool:
    """The case is to be measured (BENCH_CASES, when set, names parts of case names)."""
    wanted = [part.strip() for part in os.environ.get("BENCH_CASES", "").split(",")]
    wanted = [part for part in wanted if part]
    return not wanted or any(part in case.name for part in wanted)


def main() -> None:
    env = environment()
    db, profile = os.environ.get("BENCH_DB", "sqlite"), label()
    load_before = round(os.getloadavg()[0], 2)
    ensure_database(env)
    seeding = seed(env, os.environ.get("BENCH_PROFILE", "small"))
    port = free_port()
    server = start_server(env, port)
    results: list[Result] = []
    other: list[dict[str, Any]] = []
    try:
        for key, username in PERSONS.items():
            api = api_headers(port, username, "guanxi-demo")
            page = page_headers(port, username, "guanxi-demo")
            values = placeholders(port, api)
            for case in CASES:
                if case.who not in ("both", key) or not chosen(case):
                    continue
                result = measure(case, key, port, api if case.api else page, values)
                print(
                    f"{result.case:<45} {key:<9} {result.median_ms!s:>7} ms "
                    f"p95 {result.p95_ms!s:>7} ms {result.rps!s:>7} rps  {result.status}"
                )
                results.append(result)
        pids = [server.pid, *children(server.pid)]
        peak = max(peak_rss_mb(pid) for pid in pids)
        other.append(
            {
                "measure": "peak RSS per server process (VmHWM, MB)",
                "value": " / ".join(f"{peak_rss_mb(p):.0f}" for p in pids),
                "target": f"< {RSS_MB:g} MB",
                "status": "ok" if peak < RSS_MB else "miss",
            }
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    imported: dict[str, Any] = {}
    if not os.environ.get("BENCH_CASES"):
        measured, imported = others(env)
        other += measured
    stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    report = {
        "stamp": stamp,
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
        "db": db,
        "profile": profile,
        "requests": int(os.environ.get("BENCH_REQUESTS", "40")),
        "cases": os.environ.get("BENCH_CASES", ""),
        "seeding": {k: v for k, v in seeding.items() if k != "log"},
        "results": [asdict(r) for r in results],
        "other": other,
        "import": imported,
    }
    out = ROOT / "var" / "bench"
    (out / f"{stamp}-{db}-{profile}.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2)
    )
    text = markdown(report)
    (out / f"{stamp}-{db}-{profile}.md").write_text(text)
    print(text)
    print(f"written to {out / f'{stamp}-{db}-{profile}'}.{{md,json}}")


def others(env: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The import of 10,000 rows and `guanxi audit verify`, timed."""
    other: list[dict[str, Any]] = []
    limit = float(os.environ.get("BENCH_IMPORT_TIMEOUT", "900"))
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
    seconds, output, code = timed_command(
        env, [PYTHON, str(Path(__file__).with_name("importing.py"))], limit
    )
    lines = [line for line in output.splitlines() if line.startswith("{")]  # stderr follows
    imported = json.loads(lines[-1]) if code == 0 and lines else {"error": output[-500:]}
    other.append(
        {
            "measure": f"import of {rows:,} rows (check + apply, seconds)",
            "value": f"{imported.get('check_s', '?')} + {imported.get('apply_s', '?')}"
            + ("" if code == 0 else f" ({output[-80:]})"),
            "target": f"< {IMPORT_10K_S:g} s",
            "status": "ok"
            if "check_s" in imported and imported["check_s"] + imported["apply_s"] < IMPORT_10K_S
            else "miss",
        }
    )
    seconds, output, code = timed_command(env, [GUANXI, "audit", "verify"])
    entries = re.search(r"(\d+) entries", output)
    count = int(entries.group(1)) if entries else 0
    inside = re.search(r"in ([\d.]+) s", output)  # the command's own time, without start-up
    walk = float(inside.group(1)) if inside else seconds
    scaled = walk * 20_000_000 / count if count else 0.0
    other.append(
        {
            "measure": f"`guanxi audit verify` over {count:,} entries (seconds)",
            "value": f"{walk:.1f} ({seconds:.1f} with start-up; ≈ {scaled:.0f} s per 20M)",
            "target": f"20M < {VERIFY_20M_S:g} s",
            "status": "ok" if code == 0 and scaled < VERIFY_20M_S else "miss",
        }
    )
    return other, imported


if __name__ == "__main__":
    main()
