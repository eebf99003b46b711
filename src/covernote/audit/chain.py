"""The hash of an audit record: SHA-256 over its canonical JSON and the previous hash."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    # Round-trip through JSON so that what is hashed is exactly what the
    # database stores and gives back (JSONField normalises types).
    return json.dumps(
        json.loads(json.dumps(value, cls=DjangoJSONEncoder)),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def record_hash(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    firm_id: int | None,
    before: Any,
    after: Any,
    prev_hash: str,
) -> str:
    payload = canonical(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "firm_id": firm_id,
            "before": before,
            "after": after,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(payload.encode()).hexdigest()
