"""Re-seal records written under the unkeyed SHA-256 chain with the HMAC key (ADR 0011).

The old chain is verified first: if any record does not verify, the migration stops and
names it, so no tampering is laundered into a fresh seal.
"""

from django.db import migrations


def reseal(apps, schema_editor):
    from covernote.audit.chain import (
        GENESIS,
        current_key_id,
        record_hash,
        record_payload,
        unkeyed_hash,
    )

    AuditRecord = apps.get_model("audit", "AuditRecord")
    AuditHead = apps.get_model("audit", "AuditHead")
    if not AuditRecord.objects.filter(key_id="").exists():
        return
    key_id = current_key_id()
    prev_old = prev_new = GENESIS
    expected_seq = 1
    for rec in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        fields = {
            "seq": rec.seq,
            "at": rec.at,
            "actor_id": rec.actor_id,
            "actor_label": rec.actor_label,
            "action": rec.action,
            "object_type": rec.object_type,
            "object_id": rec.object_id,
            "firm_id": rec.firm_id,
            "before": rec.before,
            "after": rec.after,
        }
        old = unkeyed_hash(record_payload(**fields, prev_hash=prev_old))
        if rec.seq != expected_seq or rec.prev_hash != prev_old or rec.hash != old or rec.key_id:
            raise RuntimeError(
                f"audit record #{rec.seq} does not verify under the unkeyed chain; "
                "investigate before re-sealing (covernote audit verify on the old release)"
            )
        new = record_hash(key_id=key_id, **fields, prev_hash=prev_new)
        AuditRecord.objects.filter(pk=rec.pk).update(prev_hash=prev_new, hash=new, key_id=key_id)
        prev_old, prev_new, expected_seq = rec.hash, new, rec.seq + 1
    AuditHead.objects.filter(id=1, hash=prev_old).update(hash=prev_new)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_keyed_seal")]
    operations = [migrations.RunPython(reseal, migrations.RunPython.noop)]
