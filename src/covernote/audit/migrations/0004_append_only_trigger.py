"""PostgreSQL refuses UPDATE and DELETE on audit records (PLT-6, ADR 0011).

A no-op on SQLite (development, tests on SQLite), where the model guard and the keyed
chain are the protection. TRUNCATE is left to the database owner (the test runner flushes
with it); a truncated table is caught by the exported checkpoints.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION covernote_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only (PLT-6): % refused on audit_auditrecord', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditrecord;
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION covernote_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_append_only ON audit_auditrecord;
DROP FUNCTION IF EXISTS covernote_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_reseal_with_hmac")]
    operations = [migrations.RunPython(create, drop)]
