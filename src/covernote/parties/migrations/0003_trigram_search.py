"""Search (issue 12): the pg_trgm extension and trigram indexes on customer names and
postcodes on PostgreSQL. Nothing happens on SQLite, where search falls back to icontains."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "parties_customer_last_name_trgm": "last_name",
    "parties_customer_first_name_trgm": "first_name",
    "parties_customer_postcode_trgm": "postcode",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON parties_customer "
            f"USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("parties", "0002_normalise_phone_and_postcode")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
