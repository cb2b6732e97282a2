"""The `guanxi` command: Django's management commands under the product's name.

`guanxi demo`, `guanxi serve`, `guanxi policy check FILE`, `guanxi audit verify`, … are the
management commands of the same names; `guanxi policy check` runs without start-up so it can
judge a policy that start-up would refuse.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:2] == ["policy", "check"] and len(args) > 2:
        from guanxi.policy.management.commands.policy import check_files

        failed = check_files([Path(name) for name in args[2:]], print)
        sys.exit(1 if failed else 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["guanxi", *args])


if __name__ == "__main__":
    main()
