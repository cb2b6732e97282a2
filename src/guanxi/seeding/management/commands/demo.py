"""`guanxi demo`: migrate, load the demo organisation and customers, and serve on 127.0.0.1."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from guanxi.policy.loader import current as current_policy
from guanxi.seeding.demo import DEMO_PASSWORD, demo_organisation, load_demo


class Command(BaseCommand):
    help = "Set up the demo data and serve it on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Load the data and stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        counts = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {counts['units']} units, {counts['people']} people, "
                f"{counts['customers']} customer units ({counts['customers_created']} new)."
            )
        )
        url = f"http://127.0.0.1:{options['port']}/"
        policy = current_policy()
        self.stdout.write(f"\nGuanxi is at {url} (policy {policy.key})")
        self.stdout.write(f"Accounts (password: {DEMO_PASSWORD}):")
        for username, display_name, unit, role, _superuser in demo_organisation()[1]:
            title = policy.roles[role].name_zh if role in policy.roles else role
            self.stdout.write(f"  {username:<16} {display_name:<6} {role:<17} {unit:<7} {title}")
        self.stdout.write("")
        if not options["no_serve"]:
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)
