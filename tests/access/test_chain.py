"""The canonical forms: Python and PostgreSQL agree, bulk chains verify, legacy entries verify."""

from __future__ import annotations

# ruff: noqa: S608  (SQL from constants and test parameters)
import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from faker import Faker

from guanxi.access import bulk
from guanxi.access.audit import verify
from guanxi.access.chain import (
    FORM_JSON,
    GENESIS_HASH,
    HASH_SQL,
    LOG_COLUMNS,
    BulkRow,
    bulk_chain,
    entry_hash,
)
from guanxi.access.models import AccessLogEntry, ChainHead
from guanxi.access.register import register_read
from tests.access.tampering import raw

fake = Faker("zh_CN")


def reads(count: int, seed: int = 7) -> list[BulkRow]:
    """Realistic reads: Chinese names, odd characters, missing units and addresses, IPv6."""
    Faker.seed(seed)
    pick = random.Random(seed)
    start = datetime(2025, 11, 28, 8, 0, tzinfo=UTC)
    addresses = [None, "10.12.0.7", "2001:db8::7", "192.168.1.20"]
    names = ["张伟", "li|na", "王:芳", "刘洋\\", fake.user_name()]
    return [
        (
            start + timedelta(seconds=n * 97, microseconds=pick.randrange(1_000_000)),
            pick.randrange(1, 5000),
            pick.choice(names),
            pick.choice(["customers.customer", "customers.contact", "approvals.request"]),
            str(pick.randrange(1, 10**6)),
            pick.choice([None, pick.randrange(1, 400)]),
            pick.choice(["page", "api", "export"]),
            pick.choice(addresses),
        )
        for n in range(count)
    ]


def test_bulk_chain_matches_entry_hash() -> None:
    rows = list(bulk_chain(reads(50)))
    prev = GENESIS_HASH
    for row in rows:
        values = dict(zip(LOG_COLUMNS, row, strict=True))
        assert values["prev_hash"] == prev
        expected = entry_hash(
            **{k: v for k, v in values.items() if k != "hash"},
        )
        assert values["hash"] == expected
        prev = expected


def test_a_bulk_loaded_chain_verifies_and_continues(people, make_customer) -> None:  # type: ignore[no-untyped-def]
    seq, last = bulk.load(reads(300), batch=64)
    assert (seq, last) == (300, ChainHead.objects.get(pk=1).hash)
    register_read(actor=people["div1.staff"], obj=make_customer("DIV1"), channel="page")  # type: ignore[arg-type]
    verdict = verify()
    assert verdict.ok, verdict.reason
    assert verdict.checked == 301


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL form is PostgreSQL's")
def test_postgresql_computes_the_same_hash(db: None) -> None:
    bulk.load(reads(200))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM access_accesslogentry WHERE {HASH_SQL} = hash")
        assert cursor.fetchone()[0] == 200


def _legacy_chain(count: int) -> None:
    """Entries as written before form 2: JSON canonical form, form = 1."""
    prev = GENESIS_HASH
    for seq, (at, reader, name, rtype, rid, unit, channel, address) in enumerate(
        reads(count, seed=3), start=1
    ):
        digest = entry_hash(
            seq=seq,
            at=at,
            reader_id=reader,
            username=name,
            record_type=rtype,
            record_id=rid,
            record_unit_id=unit,
            channel=channel,
            address=address,
            prev_hash=prev,
            form=FORM_JSON,
        )
        AccessLogEntry.objects.bulk_create(
            [
                AccessLogEntry(
                    seq=seq,
                    at=at,
                    reader_id=reader,
                    username=name,
                    record_type=rtype,
                    record_id=rid,
                    record_unit_id=unit,
                    channel=channel,
                    address=address,
                    prev_hash=prev,
                    hash=digest,
                    form=FORM_JSON,
                )
            ]
        )
        prev = digest
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": count, "hash": prev})


def test_legacy_entries_verify_and_new_ones_chain_onto_them(db: None) -> None:
    _legacy_chain(20)
    bulk.load(reads(30, seed=9))
    verdict = verify()
    assert verdict.ok, verdict.reason
    assert verdict.checked == 50
    assert set(AccessLogEntry.objects.values_list("form", flat=True)) == {1, 2}


def test_an_altered_legacy_entry_is_named(db: None) -> None:
    _legacy_chain(20)
    bulk.load(reads(30, seed=9))
    raw("UPDATE access_accesslogentry SET record_id = %s WHERE seq = 12", ["999"])
    raw("UPDATE access_accesslogentry SET record_id = %s WHERE seq = 40", ["999"])
    verdict = verify()
    assert (verdict.bad_seq, verdict.checked) == (12, 11)
    assert "altered" in verdict.reason


@pytest.mark.parametrize("column", ["username", "channel", "address", "record_unit_id", "at"])
def test_every_field_is_covered_by_the_hash(db: None, column: str) -> None:
    bulk.load(reads(10))
    value = {
        "username": "张伟伟",
        "channel": "command",
        "address": "10.9.9.9",
        "record_unit_id": 77777,
        "at": datetime(2020, 1, 1, tzinfo=UTC),
    }[column]
    if column == "at" and connection.vendor == "postgresql":
        # a different month would move the row between partitions; a microsecond will do
        raw("UPDATE access_accesslogentry SET at = at + interval '1 microsecond' WHERE seq = 6")
    else:
        raw(f"UPDATE access_accesslogentry SET {column} = %s WHERE seq = 6", [value])
    verdict = verify()
    assert verdict.bad_seq == 6, verdict.reason
    assert "altered" in verdict.reason
