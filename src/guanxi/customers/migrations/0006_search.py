"""Customer search (CUS-10): contact pinyin keys and the indexes behind the search box.

Chinese substrings are found through trigram indexes over each name with every character
written three times (see guanxi.customers.keys.tripled), so one- and two-character queries use
the index too. The database keeps those indexes right on every write path, imports, bulk
updates and raw SQL included:

* PostgreSQL: pg_trgm GIN indexes on expressions (guanxi_tripled(name), guanxi_phones(...));
  nothing is stored beside the row. fastupdate is off: a search never has to read through a
  pending list of recent inserts, at a small cost to each write.
* SQLite: contentless FTS5 tables with the trigram tokenizer, kept in step by triggers written
  in plain SQL (they work in any client, the sqlite3 shell included).
"""

# ruff: noqa: S608  (DDL built from constants, never from input)
from django.conf import settings
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from guanxi.customers.keys import PHONE_SEPARATORS, REPEAT, pinyin_keys

CUSTOMER_NAME_LENGTH = 200
CONTACT_NAME_LENGTH = 100

PG_FORWARD = [
    r"""CREATE OR REPLACE FUNCTION guanxi_tripled(text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT regexp_replace(lower($1), '(.)', '\1\1\1', 'g') $$""",
    """CREATE OR REPLACE FUNCTION guanxi_phones(text, text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT regexp_replace(coalesce($1, ''), '[^0-9]', '', 'g') || ' '
            || regexp_replace(coalesce($2, ''), '[^0-9]', '', 'g') $$""",
    "CREATE INDEX IF NOT EXISTS customer_name_trgm ON customers_customer "
    "USING gin (guanxi_tripled(name) gin_trgm_ops) WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS contact_name_trgm ON customers_contact "
    "USING gin (guanxi_tripled(name) gin_trgm_ops) WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS contact_phones_trgm ON customers_contact "
    "USING gin (guanxi_phones(phone, mobile) gin_trgm_ops) WITH (fastupdate = off)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS contact_phones_trgm",
    "DROP INDEX IF EXISTS contact_name_trgm",
    "DROP INDEX IF EXISTS customer_name_trgm",
    "DROP FUNCTION IF EXISTS guanxi_phones(text, text)",
    "DROP FUNCTION IF EXISTS guanxi_tripled(text)",
]


def sqlite_tripled(column: str, length: int) -> str:
    """SQL for keys.tripled(column) up to `length` characters (SQLite has no regexp_replace)."""
    return " || ".join(
        f"substr({column}, {i}, 1)" for i in range(1, length + 1) for _ in range(REPEAT)
    )


def sqlite_digits(column: str) -> str:
    expression = f"coalesce({column}, '')"
    for separator in PHONE_SEPARATORS:
        expression = f"replace({expression}, '{separator}', '')"
    return expression


def _sqlite_statements() -> list[str]:
    customer = {
        "new": sqlite_tripled("new.name", CUSTOMER_NAME_LENGTH),
        "old": sqlite_tripled("old.name", CUSTOMER_NAME_LENGTH),
    }
    contact = {
        row: (
            sqlite_tripled(f"{row}.name", CONTACT_NAME_LENGTH),
            f"{sqlite_digits(f'{row}.phone')} || ' ' || {sqlite_digits(f'{row}.mobile')}",
        )
        for row in ("new", "old")
    }
    add_customer = (
        f"INSERT INTO customers_customer_search(rowid, name) VALUES (new.id, {customer['new']});"
    )
    drop_customer = (
        "INSERT INTO customers_customer_search(customers_customer_search, rowid, name) "
        f"VALUES ('delete', old.id, {customer['old']});"
    )
    add_contact = (
        "INSERT INTO customers_contact_search(rowid, name, phones) "
        f"VALUES (new.id, {contact['new'][0]}, {contact['new'][1]});"
    )
    drop_contact = (
        "INSERT INTO customers_contact_search(customers_contact_search, rowid, name, phones) "
        f"VALUES ('delete', old.id, {contact['old'][0]}, {contact['old'][1]});"
    )
    return [
        "CREATE VIRTUAL TABLE customers_customer_search "
        "USING fts5(name, content='', tokenize='trigram')",
        "CREATE VIRTUAL TABLE customers_contact_search "
        "USING fts5(name, phones, content='', tokenize='trigram')",
        "CREATE TRIGGER customers_customer_search_ai AFTER INSERT ON customers_customer "
        f"BEGIN {add_customer} END",
        "CREATE TRIGGER customers_customer_search_au AFTER UPDATE OF name ON customers_customer "
        f"BEGIN {drop_customer} {add_customer} END",
        "CREATE TRIGGER customers_customer_search_ad AFTER DELETE ON customers_customer "
        f"BEGIN {drop_customer} END",
        "CREATE TRIGGER customers_contact_search_ai AFTER INSERT ON customers_contact "
        f"BEGIN {add_contact} END",
        "CREATE TRIGGER customers_contact_search_au "
        "AFTER UPDATE OF name, phone, mobile ON customers_contact "
        f"BEGIN {drop_contact} {add_contact} END",
        "CREATE TRIGGER customers_contact_search_ad AFTER DELETE ON customers_contact "
        f"BEGIN {drop_contact} END",
        "INSERT INTO customers_customer_search(rowid, name) "
        f"SELECT id, {sqlite_tripled('name', CUSTOMER_NAME_LENGTH)} FROM customers_customer",
        "INSERT INTO customers_contact_search(rowid, name, phones) "
        f"SELECT id, {sqlite_tripled('name', CONTACT_NAME_LENGTH)}, "
        f"{sqlite_digits('phone')} || ' ' || {sqlite_digits('mobile')} FROM customers_contact",
    ]


SQLITE_BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS customers_{table}_search_{when}"
        for table in ("customer", "contact")
        for when in ("ai", "au", "ad")
    ),
    "DROP TABLE IF EXISTS customers_customer_search",
    "DROP TABLE IF EXISTS customers_contact_search",
]


def search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_FORWARD, "sqlite": _sqlite_statements()}
    for statement in statements.get(vendor, []):
        schema_editor.execute(statement)


def drop_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}
    for statement in statements.get(vendor, []):
        schema_editor.execute(statement)


def fill_contact_pinyin(apps, schema_editor):
    """Existing contacts get their full pinyin, so the search finds them by it (CUS-10)."""
    Contact = apps.get_model("customers", "Contact")
    batch = []
    contacts = Contact.objects.filter(erased_at__isnull=True).only("id", "name")
    for contact in contacts.iterator(chunk_size=2000):
        contact.name_pinyin = pinyin_keys(contact.name)[0]
        batch.append(contact)
        if len(batch) >= 2000:
            Contact.objects.bulk_update(batch, ["name_pinyin"])
            batch = []
    if batch:
        Contact.objects.bulk_update(batch, ["name_pinyin"])


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0005_market_privacy"),
        ("organisation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="customer",
            name="customer_pinyin",
        ),
        migrations.AddField(
            model_name="contact",
            name="name_pinyin",
            field=models.CharField(default="", editable=False, max_length=300),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["name_initials"], name="contact_initials"),
        ),
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["name_pinyin"], name="contact_pinyin"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(fields=["name_pinyin", "id"], name="customer_pinyin"),
        ),
        migrations.AddIndex(
            model_name="customer",
            index=models.Index(
                fields=["owning_unit", "name_pinyin", "id"], name="customer_unit_pinyin"
            ),
        ),
        TrigramExtension(),
        migrations.RunPython(fill_contact_pinyin, migrations.RunPython.noop),
        migrations.RunPython(search_indexes, drop_search_indexes),
    ]
