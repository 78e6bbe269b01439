"""Entries, scans and resolutions of paper forms are history: append-only in the database itself, with the same
triggers (and, on PostgreSQL, the same function) as the submissions tables."""

from django.db import migrations

TABLES = ["paperentry_paperentry", "paperentry_paperscan", "paperentry_paperresolution"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            for event, suffix in (("UPDATE", "no_update"), ("DELETE", "no_delete")):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_{suffix} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
                )
        elif vendor == "postgresql":
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION rasd_submission_append_only();",
                params=None,
            )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER {table}_no_update;")
            schema_editor.execute(f"DROP TRIGGER {table}_no_delete;")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER {table}_append_only ON {table};")


class Migration(migrations.Migration):
    dependencies = [("paperentry", "0001_initial"), ("submissions", "0002_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
