"""The audit table is append-only: the database itself refuses UPDATE and DELETE (SPEC §12).

UPDATE is refused always. DELETE (and TRUNCATE) only while a row exists in
`audit_purge_permit`, a table no application code writes: an archiving job run by a DBA after the
retention period, or the test suite's database flush, inserts a permit for the duration."""

from django.db import migrations

SQLITE = [
    "CREATE TABLE audit_purge_permit (reason varchar(200) NOT NULL);",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit)
       BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER audit_event_no_update;",
    "DROP TRIGGER audit_event_no_delete;",
    "DROP TABLE audit_purge_permit;",
]

POSTGRES = [
    "CREATE TABLE audit_purge_permit (reason varchar(200) NOT NULL);",
    """CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP <> 'UPDATE' AND EXISTS (SELECT 1 FROM audit_purge_permit) THEN
           RETURN NULL;
         END IF;
         RAISE EXCEPTION 'audit log is append-only';
       END; $$ LANGUAGE plpgsql;""",
    """CREATE FUNCTION audit_event_delete_guard() RETURNS trigger AS $$
       BEGIN
         IF EXISTS (SELECT 1 FROM audit_purge_permit) THEN RETURN OLD; END IF;
         RAISE EXCEPTION 'audit log is append-only';
       END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
       FOR EACH ROW EXECUTE FUNCTION audit_event_delete_guard();""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER audit_event_no_update ON audit_auditevent;",
    "DROP TRIGGER audit_event_no_delete ON audit_auditevent;",
    "DROP TRIGGER audit_event_no_truncate ON audit_auditevent;",
    "DROP FUNCTION audit_event_append_only();",
    "DROP FUNCTION audit_event_delete_guard();",
    "DROP TABLE audit_purge_permit;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
