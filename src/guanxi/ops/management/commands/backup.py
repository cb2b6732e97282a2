"""`guanxi backup --to DIR`: one consistent snapshot of the installation (keys excluded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.ops.backup import KEY_NOTE, BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, documents and policy file into a new directory."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", type=Path, required=True, help="A new or empty directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            snapshot = backup(options["to"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = snapshot.manifest
        rows = sum(table["rows"] for table in manifest["tables"].values())
        head = manifest["audit_chain_head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {snapshot.directory}: {len(manifest['tables'])} tables, "
                f"{rows} rows, {manifest['media']['count']} documents, "
                f"audit chain head #{head['seq']}."
            )
        )
        self.stdout.write(KEY_NOTE)
