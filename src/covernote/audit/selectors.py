"""Reads of the audit log, and the chain check behind ``covernote audit verify`` (PLT-6)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet

from covernote.audit.chain import GENESIS, UnknownAuditKey, record_hash
from covernote.audit.models import AuditHead, AuditRecord


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str

    def __str__(self) -> str:
        return f"record #{self.seq}: {self.problem}"


def _seal_of(rec: AuditRecord) -> str:
    return record_hash(
        key_id=rec.key_id,
        seq=rec.seq,
        at=rec.at,
        actor_id=rec.actor_id,
        actor_label=rec.actor_label,
        action=rec.action,
        object_type=rec.object_type,
        object_id=rec.object_id,
        firm_id=rec.firm_id,
        before=rec.before,
        after=rec.after,
        prev_hash=rec.prev_hash,
    )


def audit_verify(
    batch_size: int = 2000, checkpoints: Path | None = None
) -> tuple[int, list[ChainProblem]]:
    """Walk the chain in order; return (records checked, problems), first bad record first.

    A changed record fails its own keyed seal (an attacker without the key cannot make a
    new one); a deleted record leaves a gap and breaks the next link; a deleted tail is
    caught by the head row and, if the head was rewound too, by the signed checkpoints.
    """
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for rec in AuditRecord.objects.order_by("seq").iterator(chunk_size=batch_size):
        checked += 1
        if rec.seq != expected_seq:
            missing = (
                f"#{expected_seq}"
                if rec.seq == expected_seq + 1
                else f"#{expected_seq}–#{rec.seq - 1}"
            )
            problems.append(ChainProblem(expected_seq, f"missing (deleted): {missing}"))
        if rec.prev_hash != expected_prev:
            problems.append(ChainProblem(rec.seq, "link to the previous record is broken"))
        if not rec.key_id:
            problems.append(ChainProblem(rec.seq, "not sealed with a key (unkeyed hash)"))
        else:
            try:
                valid = _seal_of(rec) == rec.hash
            except UnknownAuditKey:
                problems.append(ChainProblem(rec.seq, f"sealed with unknown key {rec.key_id!r}"))
            else:
                if not valid:
                    problems.append(ChainProblem(rec.seq, "content changed since it was written"))
        expected_prev = rec.hash
        expected_seq = rec.seq + 1
    last_seq = expected_seq - 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq != last_seq:
        problems.append(
            ChainProblem(
                expected_seq,
                f"missing (deleted): records after #{last_seq} up to #{head.seq}",
            )
        )
    if checkpoints is not None:
        from covernote.audit.checkpoints import checkpoint_problems

        problems.extend(checkpoint_problems(checkpoints, last_seq=last_seq))
    problems.sort(key=lambda p: p.seq)
    return checked, problems


def audit_for_object(object_type: str, object_id: str) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(object_type=object_type, object_id=object_id)
