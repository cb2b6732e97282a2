"""`guanxi restore --from DIR`: bring a snapshot back into an empty installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty installation, then check every table and the audit chain."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="source", type=Path, required=True)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the data of an installation that is not empty.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore(options["source"], force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(result.policy_note)
        if result.mismatched:
            raise CommandError(
                "restored, but these tables differ from the backup's manifest: "
                + ", ".join(result.mismatched)
            )
        if not result.audit_ok:
            raise CommandError(
                f"restored, but the audit chain does not verify: {result.audit_reason}"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.tables} tables, {result.rows} rows; every table matches the "
                "manifest and the audit chain verifies. Set the SECRET_KEY kept with the keys."
            )
        )
