"""Issue 11 / PLT-6, ADR 0011: each attack on the audit log is detected.

The attacker can write to the database but does not hold the audit key."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings

from covernote.audit.chain import GENESIS, canonical, record_payload, unkeyed_hash
from covernote.audit.checkpoints import audit_checkpoint_export
from covernote.audit.models import AuditHead, AuditRecord
from covernote.audit.selectors import audit_verify
from covernote.audit.services import audit_record
from tests.integration.test_audit import tampering

pytestmark = pytest.mark.django_db


def _write(users, n, start=0):
    for i in range(start, start + n):
        audit_record(
            actor=users["agent"],
            action="test.event",
            object_type="x",
            object_id=str(i),
            after={"amount": f"{i}.50"},
        )


@pytest.fixture
def chain(users):
    _write(users, 6)
    return list(AuditRecord.objects.order_by("seq"))


def _fields(rec, prev):
    return {
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
        "prev_hash": prev,
    }


def _rewrite_from(target_seq, seal):
    """Edit record ``target_seq`` and recompute every later seal and the head with ``seal``."""
    with tampering():
        AuditRecord.objects.filter(seq=target_seq).update(after={"amount": "9999.00"})
        prev = AuditRecord.objects.get(seq=target_seq - 1).hash if target_seq > 1 else GENESIS
        for rec in AuditRecord.objects.filter(seq__gte=target_seq).order_by("seq"):
            new = seal(rec, prev)
            AuditRecord.objects.filter(pk=rec.pk).update(prev_hash=prev, hash=new)
            prev = new
        AuditHead.objects.filter(id=1).update(hash=prev)


def test_edit_and_recompute_with_the_old_unkeyed_hash_is_detected_at_the_edited_record(chain):
    _rewrite_from(3, lambda rec, prev: unkeyed_hash(record_payload(**_fields(rec, prev))))
    _, problems = audit_verify()
    assert problems[0].seq == 3 and "changed" in problems[0].problem


def test_edit_and_recompute_with_a_guessed_key_is_detected_at_the_edited_record(chain):
    def forged(rec, prev):
        payload = canonical({**record_payload(**_fields(rec, prev)), "key_id": rec.key_id})
        return hmac.new(b"guess", payload.encode(), hashlib.sha256).hexdigest()

    _rewrite_from(3, forged)
    _, problems = audit_verify()
    assert problems[0].seq == 3 and "changed" in problems[0].problem


def test_verify_command_names_the_first_bad_record(chain, capsys):
    _rewrite_from(4, lambda rec, prev: unkeyed_hash(record_payload(**_fields(rec, prev))))
    with pytest.raises(SystemExit):
        call_command("audit", "verify")
    assert "FIRST BAD RECORD: record #4: content changed" in capsys.readouterr().err


def test_a_deleted_tail_with_the_head_rewound_is_caught_by_the_checkpoint(chain, tmp_path):
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    audit_checkpoint_export(path=checkpoints)
    with tampering():
        with connection.cursor() as cur:
            cur.execute("DELETE FROM audit_auditrecord WHERE seq >= 5")
        last = AuditRecord.objects.get(seq=4)
        AuditHead.objects.filter(id=1).update(seq=4, hash=last.hash)
    assert audit_verify()[1] == []  # without the checkpoint the cut is invisible
    _, problems = audit_verify(checkpoints=checkpoints)
    assert problems and problems[0].seq == 5 and "missing" in problems[0].problem


def test_a_rewritten_tail_is_caught_by_the_checkpoint(chain, tmp_path):
    checkpoints = tmp_path / "cp.jsonl"
    audit_checkpoint_export(path=checkpoints)
    with tampering():
        AuditRecord.objects.filter(seq=6).update(hash="f" * 64)
    _, problems = audit_verify(checkpoints=checkpoints)
    assert any(p.seq == 6 and "rewritten" in p.problem for p in problems)


def test_an_edited_checkpoint_file_is_refused(chain, tmp_path):
    checkpoints = tmp_path / "cp.jsonl"
    line = audit_checkpoint_export(path=checkpoints)
    checkpoints.write_text(json.dumps({**line, "seq": 2}) + "\n")
    _, problems = audit_verify(checkpoints=checkpoints)
    assert any("bad signature" in p.problem for p in problems)


def test_the_key_can_be_rotated_and_old_records_still_verify(users, settings):
    settings.COVERNOTE_AUDIT_KEYS = {"k1": "first-secret"}
    settings.COVERNOTE_AUDIT_KEY_ID = "k1"
    _write(users, 2)
    settings.COVERNOTE_AUDIT_KEYS = {"k2": "second-secret", "k1": "first-secret"}
    settings.COVERNOTE_AUDIT_KEY_ID = "k2"
    _write(users, 2, start=2)
    assert list(AuditRecord.objects.values_list("key_id", flat=True)) == ["k1", "k1", "k2", "k2"]
    assert audit_verify()[1] == []
    settings.COVERNOTE_AUDIT_KEYS = {"k2": "second-secret"}  # k1 dropped too early
    _, problems = audit_verify()
    assert problems[0].seq == 1 and "unknown key" in problems[0].problem


def test_the_migration_reseals_a_verified_unkeyed_chain_and_refuses_a_broken_one(users):
    from importlib import import_module

    from django.apps import apps

    reseal = import_module("covernote.audit.migrations.0003_reseal_with_hmac").reseal
    _write(users, 3)
    with tampering():  # turn it into a chain written by the previous release
        prev = GENESIS
        for rec in AuditRecord.objects.order_by("seq"):
            old = unkeyed_hash(record_payload(**_fields(rec, prev)))
            AuditRecord.objects.filter(pk=rec.pk).update(prev_hash=prev, hash=old, key_id="")
            prev = old
        AuditHead.objects.filter(id=1).update(hash=prev)
        assert "unkeyed" in audit_verify()[1][0].problem
        reseal(apps, None)
    assert audit_verify()[1] == []
    with tampering():
        AuditRecord.objects.filter(seq=2).update(key_id="", action="edited")
        with pytest.raises(RuntimeError, match="#1 does not verify"):
            reseal(apps, None)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_update_and_delete_on_audit_records(chain):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditRecord.objects.filter(pk=chain[0].pk).update(action="edited")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cur,
    ):
        cur.execute("DELETE FROM audit_auditrecord WHERE id = %s", [chain[-1].pk])
    assert AuditRecord.objects.count() == len(chain)


@override_settings(COVERNOTE_AUDIT_KEY_ID="missing")
def test_writing_with_an_unconfigured_key_id_fails_loudly(users):
    from covernote.audit.chain import UnknownAuditKey

    with pytest.raises(UnknownAuditKey):
        _write(users, 1)
