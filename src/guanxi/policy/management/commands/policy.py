"""`guanxi policy check FILE …` and `guanxi policy show`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from guanxi.policy.loader import PolicyError, current, load


class Command(BaseCommand):
    help = "Check policy files, or show the policy in force."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Validate policy files; exit non-zero on problems.")
        check.add_argument("files", nargs="+", type=Path)
        sub.add_parser("show", help="Print the policy in force.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            policy = current()
            self.stdout.write(f"{policy.key}: {policy.name_zh} ({policy.source})")
            for kind in policy.unit_kinds.values():
                self.stdout.write(f"  unit kind {kind.key}: {kind.name_zh} [{kind.clause}]")
            for role in policy.roles.values():
                self.stdout.write(f"  role {role.key}: {role.name_zh} [{role.clause}]")
            for tier in policy.tiers_by_rank():
                self.stdout.write(f"  tier {tier.key}: {tier.name_zh} [{tier.clause}]")
            return
        failed = check_files(options["files"], self.stdout.write)
        if failed:
            raise CommandError(f"{failed} policy file(s) have problems")


def check_files(files: list[Path], write: Any) -> int:
    failed = 0
    for path in files:
        try:
            policy = load(path)
        except PolicyError as error:
            failed += 1
            write(str(error))
        else:
            write(
                f"{path}: ok ({policy.key}, {len(policy.unit_kinds)} unit kinds, "
                f"{len(policy.roles)} roles, {len(policy.tiers)} tiers)"
            )
    return failed
