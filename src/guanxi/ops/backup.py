"""Backup and restore of a whole installation: database, documents, policy file, manifest.

The database is copied as one consistent snapshot (PostgreSQL: `pg_dump -Fc` inside the exported
snapshot of a REPEATABLE READ transaction, in which the manifest's counts are taken too; SQLite:
the online backup API). The SECRET_KEY and any field-encryption key are never written into a
snapshot: a stolen backup must not carry the key that opens it. Keep them separately.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import django
from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
PG_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_DIR = "media"
POLICY_DIR = "policy"
KEY_NOTE = (
    "SECRET_KEY and any field-encryption key are not in this snapshot; "
    "they are kept separately (see docs/operations.md)."
)
# An installation holding any of these rows is not empty: restoring over it would lose data.
DATA_TABLES = (
    "organisation_person",
    "organisation_unit",
    "customers_customer",
    "access_accesslogentry",
)


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


class Cursor(Protocol):
    def execute(self, sql: str, params: Any = ..., /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True)
class Snapshot:
    directory: Path
    manifest: dict[str, Any]


# --- digests: row count and an order-independent checksum per table ---------------------------


def table_names(cursor: Cursor, vendor: str) -> list[str]:
    if vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY 1"
        )
    return [row[0] for row in cursor.fetchall()]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_checksum(cursor: Cursor, table: str) -> tuple[int, str]:
    rows, total = 0, 0
    cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - a name from the catalogue
    while batch := getattr(cursor, "fetchmany")(5000):  # noqa: B009 - not in the Protocol
        for row in batch:
            digest = hashlib.sha256(repr(tuple(row)).encode()).hexdigest()
            total += int(digest[:15], 16)
            rows += 1
    return rows, str(total)


def table_digests(cursor: Cursor, vendor: str) -> dict[str, dict[str, Any]]:
    """Rows and a checksum of every table; the sum of row hashes does not depend on row order,
    and PostgreSQL computes it in one pass without sorting or holding the rows."""
    digests: dict[str, dict[str, Any]] = {}
    for table in table_names(cursor, vendor):
        if vendor == "postgresql":
            cursor.execute(
                "SELECT count(*), coalesce(sum(('x' || substr(md5(t::text), 1, 15))"  # noqa: S608
                f"::bit(60)::bigint), 0)::text FROM {_quote(table)} AS t"
            )
            count, checksum = cursor.fetchone()
            digests[table] = {"rows": int(count), "checksum": str(checksum)}
        else:
            count, checksum = _sqlite_checksum(cursor, table)
            digests[table] = {"rows": count, "checksum": checksum}
    return digests


def _chain_head(cursor: Cursor, tables: list[str]) -> dict[str, Any]:
    if "access_chainhead" not in tables:
        return {"seq": 0, "hash": None}
    cursor.execute("SELECT seq, hash FROM access_chainhead WHERE id = 1")
    row = cursor.fetchone()
    return {"seq": int(row[0]), "hash": row[1]} if row else {"seq": 0, "hash": None}


def _migrations(cursor: Cursor, tables: list[str]) -> dict[str, str]:
    if "django_migrations" not in tables:
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, id")
    # Ordered by id, so the last name kept per app is its latest migration.
    return dict(cursor.fetchall())


def _describe(cursor: Cursor, vendor: str) -> dict[str, Any]:
    digests = table_digests(cursor, vendor)
    tables = list(digests)
    return {
        "tables": digests,
        "audit_chain_head": _chain_head(cursor, tables),
        "migrations": _migrations(cursor, tables),
    }


# --- files ----------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tree_digests(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        str(path.relative_to(root)): file_sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_params() -> tuple[dict[str, str], dict[str, str]]:
    """Connection keywords (without the password) and the environment carrying the password."""
    db = settings.DATABASES["default"]
    params = {
        "dbname": str(db.get("NAME") or ""),
        "user": str(db.get("USER") or ""),
        "host": str(db.get("HOST") or ""),
        "port": str(db.get("PORT") or ""),
    }
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return {k: v for k, v in params.items() if v}, env


def _conninfo(params: dict[str, str]) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(**params)


@contextmanager
def _pg_snapshot() -> Iterator[tuple[Cursor, str]]:
    """A read-only REPEATABLE READ transaction and the id of its exported snapshot."""
    import psycopg

    params, env = _pg_params()
    with psycopg.connect(_conninfo(params), password=env.get("PGPASSWORD")) as conn:
        with conn.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            row = cursor.fetchone()
            if row is None:
                raise BackupError("PostgreSQL did not export a snapshot")
            yield cursor, str(row[0])
        conn.rollback()


def _run(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {result.stderr.strip()[:2000]}")


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (install the PostgreSQL client tools)")
    return found


def _backup_postgresql(target: Path) -> dict[str, Any]:
    params, env = _pg_params()
    with _pg_snapshot() as (cursor, snapshot_id):
        _run(
            [
                _pg_tool("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot_id}",
                f"--file={target / PG_FILE}",
                f"--dbname={_conninfo(params)}",
            ],
            env,
        )
        described = _describe(cursor, "postgresql")
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return {"file": PG_FILE, "server_version": str(row[0]) if row else "", **described}


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(str(settings.DATABASES["default"]["NAME"]))


def _backup_sqlite(target: Path) -> dict[str, Any]:
    copy = target / SQLITE_FILE
    source = sqlite3.connect(_sqlite_path())
    destination = sqlite3.connect(copy)
    try:
        source.backup(destination)  # one consistent copy, while others keep writing
    finally:
        source.close()
    try:
        cursor = destination.cursor()
        described = _describe(cursor, "sqlite")
    finally:
        destination.close()
    return {"file": SQLITE_FILE, "server_version": sqlite3.sqlite_version, **described}


# --- backup ---------------------------------------------------------------------------------


def _vendor() -> str:
    vendor = connections["default"].vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"backups of a {vendor} database are not supported")
    return vendor


def backup(to: Path) -> Snapshot:
    """Write a snapshot to `to` (new or empty). The manifest is written last: a directory without
    one is an unfinished backup and restore refuses it."""
    from guanxi.policy.loader import policy_path

    to = to.resolve()
    if to.exists() and any(to.iterdir()):
        raise BackupError(f"{to} is not empty: back up into a new directory")
    to.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    database = _backup_postgresql(to) if vendor == "postgresql" else _backup_sqlite(to)
    database["vendor"] = vendor
    database["sha256"] = file_sha256(to / database["file"])

    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, to / MEDIA_DIR)
    media = _tree_digests(to / MEDIA_DIR)

    policy_file = policy_path(settings.GUANXI_POLICY)
    (to / POLICY_DIR).mkdir()
    shutil.copy2(policy_file, to / POLICY_DIR / policy_file.name)

    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "versions": {
            "guanxi": _version("guanxi"),
            "django": django.get_version(),
            "python": platform.python_version(),
        },
        "database": {key: database[key] for key in ("vendor", "server_version", "file", "sha256")},
        "migrations": database["migrations"],
        "tables": database["tables"],
        "audit_chain_head": database["audit_chain_head"],
        "media": {"files": media, "count": len(media)},
        "policy": {
            "name": settings.GUANXI_POLICY,
            "file": f"{POLICY_DIR}/{policy_file.name}",
            "sha256": file_sha256(policy_file),
        },
        "keys": KEY_NOTE,
    }
    (to / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return Snapshot(to, manifest)


# --- restore --------------------------------------------------------------------------------


def read_snapshot(directory: Path) -> Snapshot:
    """Read the manifest and check every file against its checksum before anything changes."""
    manifest_file = directory / MANIFEST
    if not manifest_file.is_file():
        raise BackupError(f"{directory} has no {MANIFEST}: not a finished Guanxi backup")
    try:
        manifest = json.loads(manifest_file.read_text())
    except ValueError as error:
        raise BackupError(f"{manifest_file} is not valid JSON: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"backup format {manifest.get('format')!r} is not {FORMAT}")
    database_file = directory / manifest["database"]["file"]
    if not database_file.is_file() or file_sha256(database_file) != manifest["database"]["sha256"]:
        raise BackupError(f"{database_file} is missing or damaged (checksum differs)")
    for name, digest in manifest["media"]["files"].items():
        path = directory / MEDIA_DIR / name
        if not path.is_file() or file_sha256(path) != digest:
            raise BackupError(f"document {name} is missing or damaged in the backup")
    policy = directory / manifest["policy"]["file"]
    if not policy.is_file() or file_sha256(policy) != manifest["policy"]["sha256"]:
        raise BackupError(f"{policy} is missing or damaged in the backup")
    return Snapshot(directory, manifest)


def data_rows() -> dict[str, int]:
    """Rows in the tables that make an installation non-empty (missing tables count none)."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        counts = {}
        for table in DATA_TABLES:
            if table in present:
                cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608
                counts[table] = int(cursor.fetchone()[0])
    return {table: rows for table, rows in counts.items() if rows}


def current_description() -> dict[str, Any]:
    """Digests of the installation's database as it is now (compared with a manifest)."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        # A plain connection, as at backup: Django's converts column types, changing the rows'
        # text and so their checksums.
        plain = sqlite3.connect(_sqlite_path())
        try:
            return _describe(plain.cursor(), "sqlite")
        finally:
            plain.close()
    with connection.cursor() as cursor:
        return _describe(cursor, connection.vendor)


def _restore_postgresql(snapshot: Snapshot) -> None:
    params, env = _pg_params()
    connections.close_all()
    import psycopg

    with psycopg.connect(_conninfo(params), password=env.get("PGPASSWORD"), autocommit=True) as c:
        c.execute("DROP SCHEMA IF EXISTS public CASCADE")
        c.execute("CREATE SCHEMA public")
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={_conninfo(params)}",
            str(snapshot.directory / PG_FILE),
        ],
        env,
    )


def _restore_sqlite(snapshot: Snapshot) -> None:
    connections.close_all()
    source = sqlite3.connect(snapshot.directory / SQLITE_FILE)
    destination = sqlite3.connect(_sqlite_path())
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def _restore_media(snapshot: Snapshot) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.rmtree(media_root)
    source = snapshot.directory / MEDIA_DIR
    if source.is_dir():
        shutil.copytree(source, media_root)
    else:
        media_root.mkdir(parents=True)


def _restore_policy(snapshot: Snapshot, force: bool) -> str:
    from guanxi.policy.loader import policy_path

    name = snapshot.manifest["policy"]["name"]
    target = policy_path(name)
    source = snapshot.directory / snapshot.manifest["policy"]["file"]
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        return f"policy {name} written to {target}"
    if file_sha256(target) == snapshot.manifest["policy"]["sha256"]:
        return f"policy {name} is the one in the backup"
    if force:
        shutil.copy2(source, target)
        return f"policy {name} replaced by the one in the backup"
    return (
        f"warning: {target} differs from the policy in the backup; kept as is "
        f"(the backup's copy is {source})"
    )


@dataclass(frozen=True)
class RestoreResult:
    tables: int
    rows: int
    mismatched: list[str]
    policy_note: str
    audit_ok: bool
    audit_reason: str


def restore(directory: Path, force: bool = False) -> RestoreResult:
    """Bring a snapshot back into an empty installation (or over a full one with `force`), then
    compare every table with the manifest and verify the audit chain."""
    from guanxi.access.audit import verify

    snapshot = read_snapshot(directory.resolve())
    vendor = _vendor()
    if snapshot.manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"the backup holds a {snapshot.manifest['database']['vendor']} database and this "
            f"installation uses {vendor}: restore it into the same kind of database"
        )
    held = data_rows()
    if held and not force:
        listed = ", ".join(f"{table} ({rows} rows)" for table, rows in held.items())
        raise BackupError(
            f"this installation is not empty ({listed}); restore refuses to overwrite it "
            "unless given --force"
        )
    if vendor == "postgresql":
        _restore_postgresql(snapshot)
    else:
        _restore_sqlite(snapshot)
    _restore_media(snapshot)
    note = _restore_policy(snapshot, force)
    now = current_description()
    expected = snapshot.manifest["tables"]
    mismatched = sorted(
        table
        for table in set(expected) | set(now["tables"])
        if expected.get(table) != now["tables"].get(table)
    )
    verdict = verify()
    return RestoreResult(
        tables=len(now["tables"]),
        rows=sum(digest["rows"] for digest in now["tables"].values()),
        mismatched=mismatched,
        policy_note=note,
        audit_ok=verdict.ok,
        audit_reason=verdict.reason,
    )
