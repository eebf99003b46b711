"""The one way to write an audit record (PLT-6). Every service calls it inside its transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from covernote.audit.chain import GENESIS, current_key_id, record_hash
from covernote.audit.models import AuditHead, AuditRecord


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    firm_id: int | None = None,
) -> AuditRecord:
    """Append one record: who, when, what, before/after, chained to the previous hash."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if firm_id is None:
            firm_id = getattr(obj, "firm_id", None)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor is None:
        actor_label = "system"
    elif isinstance(actor, str):
        actor_label, actor_id = actor, None
    else:
        actor_label = getattr(actor, "email", str(actor))
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            id=1, defaults={"seq": 0, "hash": GENESIS}
        )
        seq = head.seq + 1
        at = timezone.now()
        before_j, after_j = _jsonable(before), _jsonable(after)
        key_id = current_key_id()
        digest = record_hash(
            key_id=key_id,
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            firm_id=firm_id,
            before=before_j,
            after=after_j,
            prev_hash=head.hash,
        )
        record = AuditRecord.objects.create(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            firm_id=firm_id,
            before=before_j,
            after=after_j,
            prev_hash=head.hash,
            hash=digest,
            key_id=key_id,
        )
        AuditHead.objects.filter(id=1).update(seq=seq, hash=digest)
    return record
