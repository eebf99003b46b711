"""The seal of an audit record: HMAC-SHA256 over its canonical JSON and the previous seal.

The key is held outside the database (``COVERNOTE_AUDIT_KEYS``, ADR 0011), so someone who
can write to the database but does not hold the key cannot edit a record and recompute
the seals after it. Each record names the key id it was sealed with; rotating the key
means adding a new id and making it current — older records still verify with theirs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

GENESIS = "0" * 64


class UnknownAuditKey(LookupError):
    """A record or checkpoint names a key id that is not configured."""


def canonical(value: Any) -> str:
    # Round-trip through JSON so that what is hashed is exactly what the
    # database stores and gives back (JSONField normalises types).
    return json.dumps(
        json.loads(json.dumps(value, cls=DjangoJSONEncoder)),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def current_key_id() -> str:
    key_id: str = settings.COVERNOTE_AUDIT_KEY_ID
    if key_id not in settings.COVERNOTE_AUDIT_KEYS:
        raise UnknownAuditKey(f"COVERNOTE_AUDIT_KEY_ID {key_id!r} is not in COVERNOTE_AUDIT_KEYS")
    return key_id


def sign(key_id: str, message: str) -> str:
    """HMAC-SHA256 of ``message`` with the key ``key_id``, as hex."""
    try:
        secret: str = settings.COVERNOTE_AUDIT_KEYS[key_id]
    except KeyError:
        raise UnknownAuditKey(f"audit key id {key_id!r} is not configured") from None
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def unkeyed_hash(payload: dict[str, Any]) -> str:
    """The original (pre-ADR 0011) seal: plain SHA-256. Only the migration that re-seals
    old records uses it; ``audit verify`` never accepts it."""
    return hashlib.sha256(canonical(payload).encode()).hexdigest()


def record_payload(
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
) -> dict[str, Any]:
    return {
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


def record_hash(*, key_id: str, **fields: Any) -> str:
    """The record's seal under ``key_id`` (the key id itself is sealed too)."""
    payload = record_payload(**fields)
    return sign(key_id, canonical({**payload, "key_id": key_id}))


def checkpoint_signature(*, key_id: str, seq: int, head_hash: str, at: str) -> str:
    return sign(key_id, f"covernote-audit-checkpoint|{seq}|{head_hash}|{at}")
