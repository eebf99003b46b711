"""PLT-6: an append-only, keyed hash-chained audit log (ADRs 0002, 0011).

Each record stores an HMAC-SHA256 seal of its own canonical content and of the
record before it, under a key held outside the database, so changing or deleting
any record breaks the chain at that point (``covernote audit verify`` names it).
On PostgreSQL a trigger refuses UPDATE and DELETE on the table; signed checkpoints
of the head, exported to a file, catch a deleted tail. The chain head is one locked row, so
concurrent writers append in a single order on PostgreSQL; SQLite serialises
writers anyway.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AppendOnlyError(Exception):
    """Audit records are never updated or deleted (PLT-6)."""


class AuditRecord(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    # PROTECT: the actor is sealed into the record; deactivate users, never delete them.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    actor_label = models.CharField(max_length=254)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    firm_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(
        max_length=32, default="", help_text="The HMAC key the seal was made with (ADR 0011)."
    )

    class Meta:
        ordering: ClassVar = ["seq"]
        indexes: ClassVar = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor_label}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit records are append-only (PLT-6)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit records cannot be deleted (PLT-6)")


class AuditHead(models.Model):
    """The single row holding the chain's last sequence number and hash."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"
