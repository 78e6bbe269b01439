"""Raw submissions, their attachments and record versions are append-only in the database itself."""

from django.db import migrations

TABLES = ["submissions_rawsubmission", "submissions_attachment", "submissions_submissionversion"]


def _sqlite(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;""",
    ]


def _postgresql(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION rasd_submission_append_only();""",
    ]


POSTGRESQL_FUNCTION = """CREATE FUNCTION rasd_submission_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END; $$ LANGUAGE plpgsql;"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [s for table in TABLES for s in _sqlite(table)]
    elif vendor == "postgresql":
        statements = [POSTGRESQL_FUNCTION] + [s for table in TABLES for s in _postgresql(table)]
    else:
        statements = []
    for statement in statements:
        # params=None: the PL/pgSQL body contains a literal % that must not be taken for a placeholder.
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER {table}_no_update;")
            schema_editor.execute(f"DROP TRIGGER {table}_no_delete;")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER {table}_append_only ON {table};")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION rasd_submission_append_only();")


class Migration(migrations.Migration):
    dependencies = [("submissions", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
