"""Signed checkpoints of the audit chain's head, exported outside the database (ADR 0011).

``covernote audit checkpoint`` appends one JSON line — the head's sequence number and
seal, the time, the key id and an HMAC signature — to a file that lives somewhere the
database's users cannot write (another host, a WORM bucket, a log shipper). ``covernote
audit verify`` reads the file back: a checkpointed record that is gone, or whose seal
differs, means the tail was cut or rewritten even if the head row was rewound to match.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from covernote.audit.chain import UnknownAuditKey, checkpoint_signature, current_key_id
from covernote.audit.models import AuditHead, AuditRecord

if TYPE_CHECKING:
    from covernote.audit.selectors import ChainProblem


def default_path() -> Path:
    return Path(settings.COVERNOTE_AUDIT_CHECKPOINTS)


def audit_checkpoint_export(*, path: Path) -> dict[str, Any]:
    """Append a signed checkpoint of the current head to ``path``; return it."""
    with transaction.atomic():
        head = AuditHead.objects.filter(id=1).first()
        seq, head_hash = (head.seq, head.hash) if head is not None else (0, "0" * 64)
    at = timezone.now().isoformat(timespec="seconds")
    key_id = current_key_id()
    line = {
        "seq": seq,
        "hash": head_hash,
        "at": at,
        "key_id": key_id,
        "sig": checkpoint_signature(key_id=key_id, seq=seq, head_hash=head_hash, at=at),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line, sort_keys=True) + "\n")
    return line


def checkpoint_problems(path: Path, *, last_seq: int) -> list[ChainProblem]:
    from covernote.audit.selectors import ChainProblem

    problems: list[ChainProblem] = []
    if not path.exists():
        return [ChainProblem(0, f"checkpoint file {path} not found")]
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            cp = json.loads(raw)
            expected = checkpoint_signature(
                key_id=cp["key_id"], seq=cp["seq"], head_hash=cp["hash"], at=cp["at"]
            )
        except (ValueError, KeyError, UnknownAuditKey) as exc:
            problems.append(ChainProblem(0, f"checkpoint line {n} unreadable: {exc}"))
            continue
        if expected != cp["sig"]:
            problems.append(ChainProblem(0, f"checkpoint line {n} has a bad signature"))
            continue
        seq = int(cp["seq"])
        if seq == 0:
            continue
        stored = AuditRecord.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if stored is None:
            problems.append(
                ChainProblem(
                    min(seq, last_seq + 1),
                    f"missing (deleted): checkpoint of {cp['at']} saw the chain reach #{seq}, "
                    f"it now ends at #{last_seq}",
                )
            )
        elif stored != cp["hash"]:
            problems.append(
                ChainProblem(seq, f"rewritten: its seal differs from the checkpoint of {cp['at']}")
            )
    return problems
