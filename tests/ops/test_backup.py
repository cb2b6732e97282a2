"""Backup and restore round trips through the real commands, on SQLite and on PostgreSQL.

Each test builds its own installation in subprocesses (its own data directory and database), so
it runs the same whichever database the rest of the suite uses.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from guanxi.ops.backup import table_digests

SEED = Path(__file__).with_name("seed.py")
PG_HOST, PG_PORT = "127.0.0.1", 5432


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "GUANXI_DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    env.pop("SQLITE_TEST_NAME", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _guanxi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guanxi.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _seed(env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, str(SEED), "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _sqlite_digests(path: Path) -> dict[str, Any]:
    connection = sqlite3.connect(path)
    try:
        return table_digests(connection.cursor(), "sqlite")
    finally:
        connection.close()


def _pg_digests(dbname: str) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user="postgres", dbname=dbname) as conn:
        return table_digests(conn.cursor(), "postgresql")


def _round_trip(
    tmp_path: Path, src_env: dict[str, str], dst_env: dict[str, str]
) -> tuple[dict[str, Any], Path]:
    _seed(src_env)
    snapshot = tmp_path / "snapshot"
    made = _guanxi(src_env, "backup", "--to", str(snapshot))
    assert made.returncode == 0, made.stderr[-3000:]
    assert "not in this snapshot" in made.stdout
    manifest = json.loads((snapshot / "manifest.json").read_text())
    customers = manifest["tables"]["customers_customer"]["rows"]
    assert customers > 20
    assert manifest["audit_chain_head"]["seq"] == min(40, customers)
    assert manifest["media"]["count"] == 2
    assert manifest["policy"]["name"]
    secret = Path(src_env["GUANXI_DATA_DIR"], "secret_key").read_text().strip()
    for path in snapshot.rglob("*"):  # the key is kept separately, never in the snapshot
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path

    restored = _guanxi(dst_env, "restore", "--from", str(snapshot))
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "audit chain verifies" in restored.stdout

    verified = _guanxi(dst_env, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    media = Path(dst_env["GUANXI_DATA_DIR"], "media", "documents", "2026")
    assert (media / "拜访纪要.txt").read_text().startswith("渤海钻井作业")
    assert (media / "contract.bin").read_bytes() == bytes(range(256)) * 40

    # A second restore over the now full installation is refused, and changes nothing.
    again = _guanxi(dst_env, "restore", "--from", str(snapshot))
    assert again.returncode != 0
    assert "not empty" in again.stderr
    forced = _guanxi(dst_env, "restore", "--from", str(snapshot), "--force")
    assert forced.returncode == 0, forced.stderr[-3000:]
    return manifest, snapshot


def test_sqlite_round_trip_restores_every_table_and_the_audit_chain(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    src_env, dst_env = _env(src, None), _env(dst, None)
    manifest, _snapshot = _round_trip(tmp_path, src_env, dst_env)
    before = _sqlite_digests(src / "guanxi.sqlite3")
    after = _sqlite_digests(dst / "guanxi.sqlite3")
    assert before == after
    assert before == manifest["tables"]
    assert sum(t["rows"] for t in after.values()) > 1000


def _pg_answers() -> bool:
    try:
        socket.create_connection((PG_HOST, PG_PORT), timeout=2).close()
    except OSError:
        return False
    return True


def _fresh_pg_database(name: str) -> str:
    import psycopg

    with psycopg.connect(
        host=PG_HOST, port=PG_PORT, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgres://postgres@{PG_HOST}:{PG_PORT}/{name}"


@pytest.mark.skipif(not _pg_answers(), reason="PostgreSQL does not answer on 127.0.0.1:5432")
def test_postgresql_round_trip_restores_every_table_and_the_audit_chain(tmp_path: Path) -> None:
    src_url = _fresh_pg_database("h_ops_src")
    dst_url = _fresh_pg_database("h_ops_dst")
    src_env, dst_env = _env(tmp_path / "src", src_url), _env(tmp_path / "dst", dst_url)
    manifest, _snapshot = _round_trip(tmp_path, src_env, dst_env)
    before = _pg_digests("h_ops_src")
    after = _pg_digests("h_ops_dst")
    assert before == after
    assert before == manifest["tables"]
    assert sum(t["rows"] for t in after.values()) > 1000


def test_restore_refuses_a_damaged_or_unfinished_snapshot(tmp_path: Path) -> None:
    env = _env(tmp_path / "dst", None)
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    (unfinished / "database.sqlite3").write_bytes(b"")
    result = _guanxi(env, "restore", "--from", str(unfinished))
    assert result.returncode != 0
    assert "not a finished Guanxi backup" in result.stderr

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "database.sqlite3").write_bytes(b"SQLite format 3\x00")
    manifest = {
        "format": 1,
        "database": {"vendor": "sqlite", "file": "database.sqlite3", "sha256": "0" * 64},
        "media": {"files": {}},
        "policy": {"name": "cosl", "file": "policy/cosl.toml", "sha256": "0" * 64},
        "tables": {},
    }
    (damaged / "manifest.json").write_text(json.dumps(manifest))
    result = _guanxi(env, "restore", "--from", str(damaged))
    assert result.returncode != 0
    assert "damaged" in result.stderr
    assert not (tmp_path / "dst" / "media").exists()


def test_backup_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    target = tmp_path / "old"
    target.mkdir()
    (target / "manifest.json").write_text("{}")
    result = _guanxi(_env(tmp_path / "data", None), "backup", "--to", str(target))
    assert result.returncode != 0
    assert "not empty" in result.stderr
    assert (target / "manifest.json").read_text() == "{}"
