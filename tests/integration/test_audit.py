"""PLT-6: append-only, hash-chained audit; `covernote audit verify` names a changed or deleted record."""

from __future__ import annotations

import contextlib
import itertools

import pytest
from django.core.management import call_command
from django.db import connection

from covernote.audit.models import AppendOnlyError, AuditRecord
from covernote.audit.selectors import audit_verify
from covernote.audit.services import audit_record

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def tampering():
    """Write to the audit table as a database superuser would: on PostgreSQL the
    append-only trigger is bypassed (session_replication_role), on SQLite there is none."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def chain(users):
    for i in range(5):
        audit_record(
            actor=users["agent"],
            action="test.event",
            object_type="x",
            object_id=str(i),
            before={"n": i},
            after={"n": i + 1, "amount": "12.50"},
        )
    return list(AuditRecord.objects.order_by("seq"))


def test_plt6_chain_verifies_when_untouched(chain):
    checked, problems = audit_verify()
    assert checked == len(chain) and problems == []
    assert all(r.prev_hash == p.hash for p, r in itertools.pairwise(chain))


def test_plt6_changed_record_is_detected_and_named(chain):
    target = chain[2]
    with tampering():
        AuditRecord.objects.filter(pk=target.pk).update(after={"n": 999})  # bypasses the guard
    _, problems = audit_verify()
    assert [p.seq for p in problems] == [target.seq]
    assert "changed" in problems[0].problem


def test_plt6_deleted_record_is_detected_and_named(chain):
    target = chain[1]
    with tampering(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditrecord WHERE id = %s", [target.pk])
    _, problems = audit_verify()
    assert any(p.seq == target.seq and "missing" in p.problem for p in problems)


def test_plt6_deleted_last_record_is_detected(chain):
    with tampering(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditrecord WHERE id = %s", [chain[-1].pk])
    _, problems = audit_verify()
    assert problems and "missing" in problems[-1].problem


def test_plt6_records_cannot_be_updated_or_deleted_through_the_model(chain):
    rec = chain[0]
    rec.action = "changed"
    with pytest.raises(AppendOnlyError):
        rec.save()
    with pytest.raises(AppendOnlyError):
        rec.delete()


def test_plt6_verify_command_exits_non_zero_on_tampering(chain, capsys):
    call_command("audit", "verify")
    assert "chain intact" in capsys.readouterr().out
    with tampering():
        AuditRecord.objects.filter(pk=chain[3].pk).update(actor_label="someone-else")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert f"record #{chain[3].seq}" in capsys.readouterr().err


def test_plt6_every_service_write_is_audited(customers):
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"customer.create", "adjustment.record"} <= actions
