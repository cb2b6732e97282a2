"""Run as a script in a fresh installation (GUANXI_DATA_DIR / DATABASE_URL set): migrate, load a
small demo organisation with customers and archives, register reads, add a document file."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guanxi.settings")
    import django

    django.setup()
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from guanxi.access.models import Channel
    from guanxi.access.register import read_of, register_reads
    from guanxi.customers.models import Customer
    from guanxi.seeding import demo

    units = demo.load_organisation()
    people = demo.load_people(units, password="x-Guanxi-2026")
    demo.load_customers(units, people, per_unit=int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    demo.load_archive(people)
    customers = list(Customer.objects.order_by("id")[:40])
    register_reads(
        actor=people["hq.manager"],
        reads=[read_of(customer) for customer in customers],
        channel=Channel.COMMAND,
        address="10.0.0.8",
    )
    documents = Path(settings.MEDIA_ROOT) / "documents" / "2026"
    documents.mkdir(parents=True, exist_ok=True)
    (documents / "拜访纪要.txt").write_text("渤海钻井作业 拜访纪要：客户对固井服务满意。\n")
    (documents / "contract.bin").write_bytes(bytes(range(256)) * 40)


if __name__ == "__main__":
    main()
