"""PostgreSQL: trigram indexes on the names as they are (lowercased), beside the tripled ones.

A search of three characters or more has trigrams of its own, so it is answered from these; the
database then rechecks each candidate with `lower(name) LIKE …`, which costs a tenth of
rechecking `guanxi_tripled(name)` (a regular expression per row). A common word that matches
tens of thousands of names is where that difference shows. One- and two-character searches keep
using the tripled indexes. SQLite's FTS5 trigram tables are unchanged.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS customer_name_plain_trgm ON customers_customer "
    "USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS contact_name_plain_trgm ON customers_contact "
    "USING gin (lower(name) gin_trgm_ops) WITH (fastupdate = off)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS contact_name_plain_trgm",
    "DROP INDEX IF EXISTS customer_name_plain_trgm",
]


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_search")]

    operations = [migrations.RunPython(forward, backward)]
