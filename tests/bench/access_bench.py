"""Benchmarks of the read register (issue 5, item 5). Run against a throw-away database whose
name contains "bench" (the script empties the read register there):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_audit_bench \\
        .venv/bin/python tests/bench/access_bench.py verify --entries 1000000
    DATABASE_URL=sqlite:////tmp/access_bench.sqlite3 \\
        .venv/bin/python tests/bench/access_bench.py verify --entries 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_audit_bench \\
        .venv/bin/python tests/bench/access_bench.py register --clients 8 --seconds 15

`verify` bulk-generates a chain (`guanxi.access.chain.bulk_chain` + COPY) and times
`audit.verify`; `register` runs the customer page in N OS processes with and without read
registration and reports pages per second and the single-client cost of one registration;
`lists` does the same for list reads (issue 12): the customer list page and the API customer
list, 25 customers of several units per response, with and without `register_list`.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from guanxi.access import bulk, triggers  # noqa: E402
from guanxi.access.audit import verify  # noqa: E402
from guanxi.access.chain import BulkRow  # noqa: E402
from guanxi.access.models import ChainHead  # noqa: E402

READ_NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强"]


def _guard() -> None:
    name = str(settings.DATABASES["default"]["NAME"])
    if "bench" not in name:
        raise SystemExit(f"refusing to empty the read register of {name!r}: use a *bench* DB")
    call_command("migrate", verbosity=0)


def _empty_register() -> None:
    triggers.remove(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE access_accesslogentry, access_readjournal")
        else:
            cursor.execute("DELETE FROM access_accesslogentry")
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": 0, "hash": "0" * 64})
    triggers.install(connection)


def generated(count: int, seed: int = 5) -> Iterator[BulkRow]:
    """Reads spread over the last months, 200k people, 1M customers, a few addresses."""
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=90)
    step = timedelta(days=90) / max(count, 1)
    for n in range(count):
        reader = rng.randrange(1, 200_000)
        yield (
            start + step * n,
            reader,
            f"{READ_NAMES[reader % 8]}{reader}",
            "customers.customer",
            str(rng.randrange(1, 1_000_000)),
            rng.randrange(1, 400),
            "page",
            f"10.{reader % 250}.{n % 250}.7",
        )


def bench_verify(entries: int, reuse: bool = False) -> None:
    _guard()
    if reuse:
        entries = ChainHead.objects.get(pk=1).seq
    else:
        _empty_register()
        started = time.monotonic()
        bulk.load(generated(entries), batch=100_000)
        loaded = time.monotonic() - started
        print(f"{connection.vendor}: {entries} entries generated and loaded in {loaded:.1f} s")
    connections.close_all()
    if connection.vendor == "postgresql":
        bench_verify_cpu(entries)
    for workers in (2, 1) if connection.vendor == "postgresql" else (1,):
        started, cpu = time.monotonic(), time.process_time()
        verdict = verify(workers=workers)
        took, cpu = time.monotonic() - started, time.process_time() - cpu
        assert verdict.ok, verdict.reason
        rate = verdict.checked / took
        print(
            f"verify workers={workers}: {verdict.checked} in {took:.1f} s = {rate:,.0f}/s; "
            f"20M extrapolated: {20_000_000 / rate:.0f} s; this process used {cpu:.1f} s CPU"
        )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of a local PostgreSQL backend, from /proc (the server runs here)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _range_cpu(bounds: tuple[int, int]) -> float:
    from guanxi.access.audit import _pg_range

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    before = _cpu_seconds(pid)
    assert _pg_range(bounds[0], bounds[1], own_connection=False) is None
    used = _cpu_seconds(pid) - before
    connection.close()
    return used


def bench_verify_cpu(entries: int) -> None:
    """CPU seconds the database spends verifying: on a shared machine wall time misleads."""
    from concurrent.futures import ThreadPoolExecutor

    half = entries // 2
    with ThreadPoolExecutor(2) as pool:
        used = list(pool.map(_range_cpu, [(1, half), (half + 1, entries)]))
    total = sum(used)
    print(
        f"verify CPU in PostgreSQL: {total:.1f} s for {entries} entries "
        f"({total / entries * 1e6:.2f} us each); 20M on 2 idle cores: "
        f"{total / entries * 20_000_000 / 2:.0f} s"
    )


def _pages(args: tuple[int, float, bool, int]) -> int:
    person_id, seconds, registering, customer_id = args
    from django.test import Client

    from guanxi.access import scope
    from guanxi.organisation.models import Person

    if not registering:
        scope.register_reads = lambda **kwargs: 0  # type: ignore[assignment]
    client = Client()
    client.force_login(Person.objects.get(pk=person_id))
    count, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(f"/customers/{customer_id}/")
        assert response.status_code == 200, response.status_code
        count += 1
    connections.close_all()
    return count


def bench_register(clients: int, seconds: float) -> None:
    _guard()
    logging.getLogger("guanxi.request").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = ["*"]
    from guanxi.customers.models import Customer
    from guanxi.customers.services import customer_create
    from guanxi.organisation.models import Person, Unit
    from guanxi.seeding import demo
    from guanxi.seeding.names import credit_code

    if not Unit.objects.filter(code="DIV1").exists():
        demo.load_people(demo.load_organisation())
    person = Person.objects.get(username="hq.staff")
    customer = Customer.objects.filter(name__startswith="基准客户").first() or customer_create(
        actor=Person.objects.get(username="hq.manager"),
        name="基准客户华北石化有限公司",
        owning_unit=Unit.objects.get(code="DIV1"),
        tier="vip",
        credit_code=credit_code(random.Random(1)),
    )
    from django.test import Client

    from guanxi.access.register import Read, register_reads

    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

    def cpu() -> float:
        own = time.process_time()
        return own + (_cpu_seconds(backend) if backend else 0.0)

    timings, cpu_before = [], cpu()
    for n in range(300):
        started = time.perf_counter()
        register_reads(
            actor=person,
            reads=[Read("customers.customer", str(n), 1)],
            channel="page",  # type: ignore[arg-type]
            address="10.0.0.1",
        )
        timings.append(time.perf_counter() - started)
    registration, registration_cpu = statistics.median(timings), (cpu() - cpu_before) / 300
    client = Client()
    client.force_login(person)
    from guanxi.access import scope

    pages: dict[bool, list[float]] = {True: [], False: []}
    page_cpu: dict[bool, float] = {}
    real = scope.register_reads
    for registering in (False, True):
        scope.register_reads = real if registering else (lambda **kwargs: 0)  # type: ignore[assignment]
        cpu_before = cpu()
        for _ in range(60):
            started = time.perf_counter()
            assert client.get(f"/customers/{customer.pk}/").status_code == 200
            pages[registering].append(time.perf_counter() - started)
        page_cpu[registering] = (cpu() - cpu_before) / 60
    scope.register_reads = real
    page = statistics.median(pages[True])
    print(
        f"one client, wall: registration median {registration * 1000:.2f} ms, customer page "
        f"median {page * 1000:.1f} ms -> {registration / page:.1%} of the page"
    )
    print(
        f"one client, CPU (app + database backend): registration {registration_cpu * 1000:.2f} ms,"
        f" page {page_cpu[True] * 1000:.1f} ms with / {page_cpu[False] * 1000:.1f} ms without "
        f"registration -> {(page_cpu[True] - page_cpu[False]) / page_cpu[True]:.1%} of the page"
    )
    connections.close_all()
    context = multiprocessing.get_context("fork")
    results = {}
    for registering in (False, True, False, True):
        with context.Pool(clients) as pool:
            counts = pool.map(_pages, [(person.pk, seconds, registering, customer.pk)] * clients)
        rate = sum(counts) / seconds
        results.setdefault(registering, []).append(rate)
        label = "with   " if registering else "without"
        print(f"{label} registration, {clients} clients: {rate:.1f} pages/s")
    without, with_ = max(results[False]), max(results[True])
    print(f"throughput with registration = {with_ / without:.0%} of without (best of 2 each)")
    ok = verify()
    print(f"chain after the run: ok={ok.ok} entries={ok.checked} pending={ok.pending}")


LIST_PATHS = ("/customers/", "/api/v1/customers/")


def _no_list_registration() -> None:
    from guanxi.access import lists

    lists.register_reads = lambda **kwargs: 0  # type: ignore[assignment]


def _list_pages(args: tuple[int, float, bool, str]) -> int:
    person_id, seconds, registering, path = args
    from django.test import Client

    from guanxi.organisation.models import Person

    if not registering:
        _no_list_registration()
    client = Client()
    client.force_login(Person.objects.get(pk=person_id))
    count, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        count += 1
    connections.close_all()
    return count


def _list_customers(count: int) -> None:
    """`count` customers spread over the demo's bases, so a page holds several units."""
    from guanxi.customers.models import Customer
    from guanxi.customers.services import customer_create
    from guanxi.organisation.models import Person, Unit
    from guanxi.seeding import demo
    from guanxi.seeding.names import credit_code

    if not Unit.objects.filter(code="DIV1").exists():
        demo.load_people(demo.load_organisation())
    have = Customer.objects.filter(name__startswith="列表基准").count()
    units = list(Unit.objects.filter(is_active=True).exclude(parent=None).order_by("pk"))
    manager = Person.objects.get(username="hq.manager")
    rng = random.Random(3)
    for n in range(have, count):
        customer_create(
            actor=manager,
            name=f"列表基准客户{n:04d}石化有限公司",
            owning_unit=units[n % len(units)],
            tier="vip",
            credit_code=credit_code(rng),
        )


def _process_and_backend_cpu() -> float:
    own = time.process_time()
    if connection.vendor != "postgresql":
        return own
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return own + _cpu_seconds(cursor.fetchone()[0])


def bench_lists(clients: int, seconds: float) -> None:
    _guard()
    logging.getLogger("guanxi.request").setLevel(logging.WARNING)
    settings.ALLOWED_HOSTS = ["*"]
    from django.test import Client

    from guanxi.access import lists
    from guanxi.access.lists import register_list
    from guanxi.access.register import chain_pending
    from guanxi.customers.models import Customer
    from guanxi.organisation.models import Person

    _list_customers(200)
    person = Person.objects.get(username="hq.staff")
    page_of = list(Customer.objects.order_by("-pk")[:25])
    units = len({c.owning_unit_id for c in page_of})
    timings = []
    for _ in range(200):
        started = time.perf_counter()
        register_list(actor=person, objects=page_of, channel="page", query={"q": "石化"})  # type: ignore[arg-type]
        timings.append(time.perf_counter() - started)
    registration = statistics.median(timings)
    print(f"one list registration (25 customers of {units} units): {registration * 1000:.2f} ms")
    client = Client()
    client.force_login(person)
    real = lists.register_reads
    for path in LIST_PATHS:
        pages: dict[bool, list[float]] = {True: [], False: []}
        # CPU of this process and its database backend per page: on a machine shared with other
        # work, wall time misleads, CPU does not (the chaining a request does is included)
        spent: dict[bool, float] = {True: 0.0, False: 0.0}
        for registering in (False, True):  # warm: templates, caches, the chain up to date
            lists.register_reads = real if registering else (lambda **kwargs: 0)  # type: ignore[assignment]
            for _ in range(20):
                assert client.get(path).status_code == 200
        chain_pending(wait=True)
        for _round in range(3):
            for registering in (False, True):
                lists.register_reads = real if registering else (lambda **kwargs: 0)  # type: ignore[assignment]
                before = _process_and_backend_cpu()
                for _ in range(40):
                    started = time.perf_counter()
                    assert client.get(path).status_code == 200
                    pages[registering].append(time.perf_counter() - started)
                spent[registering] += _process_and_backend_cpu() - before
        lists.register_reads = real  # type: ignore[assignment]
        with_, without = statistics.median(pages[True]), statistics.median(pages[False])
        print(
            f"{path}, one client: median {with_ * 1000:.1f} ms with / {without * 1000:.1f} ms "
            f"without registration -> registration {(with_ - without) / with_:.1%} of the page"
        )
        cpu_with, cpu_without = spent[True] / 120, spent[False] / 120
        print(
            f"{path}, one client: CPU {cpu_with * 1000:.2f} ms with / {cpu_without * 1000:.2f} ms "
            f"without registration per page (this process and its database backend) -> "
            f"registration {(cpu_with - cpu_without) / cpu_with:.1%} of the page's CPU"
        )
        connections.close_all()
        context = multiprocessing.get_context("fork")
        results: dict[bool, list[float]] = {}
        for registering in (False, True, False, True):
            with context.Pool(clients) as pool:
                counts = pool.map(_list_pages, [(person.pk, seconds, registering, path)] * clients)
            results.setdefault(registering, []).append(sum(counts) / seconds)
        best_without, best_with = max(results[False]), max(results[True])
        print(
            f"{path}, {clients} clients: {best_with:.1f} pages/s with / {best_without:.1f} "
            f"without -> throughput with registration {best_with / best_without:.0%} of without"
        )
    ok = verify()
    print(f"chain after the run: ok={ok.ok} entries={ok.checked} pending={ok.pending}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    check = sub.add_parser("verify")
    check.add_argument("--entries", type=int, default=1_000_000)
    check.add_argument("--reuse", action="store_true", help="verify the chain already loaded")
    reg = sub.add_parser("register")
    reg.add_argument("--clients", type=int, default=8)
    reg.add_argument("--seconds", type=float, default=15)
    listed = sub.add_parser("lists")
    listed.add_argument("--clients", type=int, default=8)
    listed.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    if args.what == "verify":
        bench_verify(args.entries, args.reuse)
    elif args.what == "lists":
        bench_lists(args.clients, args.seconds)
    else:
        bench_register(args.clients, args.seconds)


if __name__ == "__main__":
    main()
