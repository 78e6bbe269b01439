"""The review thread is history: append-only in the database itself, with the same triggers (and, on PostgreSQL,
the same function) as the submissions tables."""

from django.db import migrations

TABLE = "review_reviewevent"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for event, suffix in (("UPDATE", "no_update"), ("DELETE", "no_delete")):
            schema_editor.execute(
                f"CREATE TRIGGER {TABLE}_{suffix} BEFORE {event} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END;"
            )
    elif vendor == "postgresql":
        schema_editor.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION rasd_submission_append_only();",
            params=None,
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER {TABLE}_no_update;")
        schema_editor.execute(f"DROP TRIGGER {TABLE}_no_delete;")
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER {TABLE}_append_only ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial"), ("submissions", "0002_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
