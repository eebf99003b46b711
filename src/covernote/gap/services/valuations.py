"""Glass's Guide valuations (GAP-ELIG-5, GAP-DEF-MV)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.gap.models import (
    ValuationEntry,
)

# --------------------------------------------------------------------------- valuations


@transaction.atomic
def gap_valuations_load(*, actor: Any, rows: list[dict[str, Any]], source: str) -> tuple[int, int]:
    """Load Glass's Guide rows (GAP-ELIG-5); returns (created, updated)."""
    created = updated = 0
    for row in rows:
        _, made = ValuationEntry.objects.update_or_create(
            code=row["code"],
            defaults={
                "make": row["make"],
                "model": row["model"],
                "retail_value": row["retail_value"],
                "source": source,
                "loaded_at": timezone.now(),
            },
        )
        created += made
        updated += not made
    audit_record(
        actor=actor,
        action="gap.valuations.load",
        object_type="gap.valuationentry",
        object_id=source[:60],
        after={"created": created, "updated": updated, "source": source},
    )
    return created, updated
