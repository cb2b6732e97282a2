"""PostgreSQL: the read register is partitioned by month and stays append-only in every part."""

from __future__ import annotations

# ruff: noqa: S608  (SQL from constants and test parameters)
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from guanxi.access import bulk, partitions, triggers
from guanxi.access.audit import verify
from guanxi.access.models import AccessLogEntry, Channel
from guanxi.access.register import register_read
from tests.access.test_chain import reads

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitioning is PostgreSQL's; SQLite keeps one table"
)


def _partition_of(seq: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM access_accesslogentry WHERE seq = %s", [seq]
        )
        return str(cursor.fetchone()[0])


def _shift(rows: list, to: datetime) -> list:  # type: ignore[type-arg]
    first = rows[0][0]
    return [(to + (row[0] - first), *row[1:]) for row in rows]


def test_the_log_is_partitioned_by_month_with_months_ahead(db: None) -> None:
    assert partitions.is_partitioned()
    now = datetime.now(UTC)
    made, skipped = partitions.ensure_partitions(2)
    month = partitions.month_of(now)
    expected = [month, partitions.next_month(month)]
    expected.append(partitions.next_month(expected[-1]))
    assert made == [partitions.partition_name(m) for m in expected]
    assert skipped == []


def test_entries_land_in_their_months_partition(db: None, people, make_customer) -> None:  # type: ignore[no-untyped-def]
    bulk.load(_shift(reads(5), datetime(2031, 3, 31, 23, 59, 59, tzinfo=UTC)))
    assert _partition_of(1) == "access_accesslogentry_y2031m03"
    assert _partition_of(5) == "access_accesslogentry_y2031m04"
    register_read(actor=people["hq.staff"], obj=make_customer("DIV1"), channel=Channel.PAGE)
    assert _partition_of(6) == partitions.partition_name(partitions.month_of(datetime.now(UTC)))
    assert verify().ok


def test_a_month_without_partition_goes_to_the_default_and_is_reported(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO access_accesslogentry SELECT 1, %s, 1, %s, %s, %s, NULL, %s, NULL, "
            "%s, %s, 2",
            [datetime(2040, 6, 5, tzinfo=UTC), "张伟", "customers.customer", "9", "page", "0", "0"],
        )
    assert _partition_of(1) == partitions.DEFAULT
    made, skipped = partitions.ensure_partitions(0, now=datetime(2040, 6, 20, tzinfo=UTC))
    assert (made, skipped) == ([], ["access_accesslogentry_y2040m06"])
    # the chainer's on-demand path does not fail either: the row goes to the default
    with connection.cursor() as cursor:
        partitions._ready.discard(datetime(2040, 6, 1, tzinfo=UTC).date())
        partitions.ensure_month(cursor, datetime(2040, 6, 7, tzinfo=UTC))


def test_partitions_command(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit", "partitions", "--ahead", "1")
    assert "access_accesslogentry_y" in capsys.readouterr().out
    with pytest.raises(CommandError, match="--ahead"):
        call_command("audit", "partitions", "--ahead", "-1")


def test_every_partition_refuses_update_delete_and_truncate(db: None) -> None:
    bulk.load(_shift(reads(3), datetime(2032, 1, 15, tzinfo=UTC)))
    partitions.ensure_partitions(0)
    with connection.cursor() as cursor:
        cursor.execute(triggers.PARTITIONS_SQL, [triggers.LOG])
        names = [row[0] for row in cursor.fetchall()]
    assert "access_accesslogentry_y2032m01" in names
    assert partitions.DEFAULT in names
    for table in names:
        statements = [f'TRUNCATE "{table}"']
        if table.endswith("y2032m01"):  # row triggers fire only where there are rows
            statements += [f'UPDATE "{table}" SET username = %s', f'DELETE FROM "{table}"']
        for sql in statements:
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(sql, ["x"] if "%s" in sql else None)
    assert AccessLogEntry.objects.count() == 3


def test_conversion_keeps_every_entry_both_ways(db: None) -> None:
    bulk.load(_shift(reads(40), datetime(2024, 12, 20, tzinfo=UTC)))
    triggers.remove(connection)
    with connection.cursor() as cursor:
        partitions.unpartition_table(cursor)
    triggers.install(connection)
    assert not partitions.is_partitioned()
    assert verify().ok
    with connection.cursor() as cursor:
        partitions.partition_table(cursor)
    triggers.install(connection)
    assert partitions.is_partitioned()
    assert _partition_of(1) == "access_accesslogentry_y2024m12"
    verdict = verify()
    assert (verdict.ok, verdict.checked) == (True, 40)


def test_a_time_filter_prunes_partitions(db: None) -> None:
    bulk.load(_shift(reads(3), datetime(2033, 5, 2, tzinfo=UTC)))
    since = datetime(2033, 5, 1, tzinfo=UTC)
    queryset = AccessLogEntry.objects.filter(at__gte=since, at__lt=since + timedelta(days=31))
    plan = queryset.order_by("-seq").explain()
    assert "access_accesslogentry_y2033m05" in plan
    assert partitions.DEFAULT not in plan
    assert partitions.partition_name(partitions.month_of(datetime.now(UTC))) not in plan


def test_the_page_and_api_still_read_the_partitioned_log(  # type: ignore[no-untyped-def]
    people, make_customer, page_as, api_as
) -> None:
    customer = make_customer("DIV1")
    register_read(actor=people["div1.staff"], obj=customer, channel=Channel.PAGE)
    bulk.load(_shift(reads(3), datetime(2031, 1, 1, tzinfo=UTC)))
    client = page_as("hq.manager")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/access-log/")
    assert response.status_code == 200
    assert "div1.staff" in response.content.decode()
    response = api_as("hq.manager").get("/api/v1/access-log/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 4
