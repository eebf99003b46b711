"""MID/CUE submissions (PLT-9): send through the configured adapter, record both
sides, and resend the failed ones."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.gap.fraud_databases import fraud_database_client
from covernote.gap.models import (
    FraudDatabaseSubmission,
    GapClaim,
    GapPolicy,
)


def fraud_db_submit(
    *,
    database: str,
    event: str,
    payload: dict[str, Any],
    policy: GapPolicy | None = None,
    claim: GapClaim | None = None,
) -> FraudDatabaseSubmission:
    """PLT-9: send to MID/CUE through the configured adapter and record both sides."""
    client = fraud_database_client()
    try:
        result = client.submit(database, event, payload)
        status = str(result.get("status", "accepted"))
    except Exception as exc:  # recorded for retry; never blocks the sale or claim
        result, status = {"error": str(exc)[:500]}, "failed"
    return FraudDatabaseSubmission.objects.create(
        database=database,
        event=event,
        policy=policy,
        claim=claim,
        adapter=client.name,
        payload=payload,
        result=result,
        status=status,
    )


FRAUD_DB_MAX_ATTEMPTS = 10


def gap_fraud_submissions_retry(*, actor: Any = "job:gap.retry_fraud_db") -> int:
    """PLT-9: resend failed MID/CUE submissions; idempotent (only ``failed`` rows are
    picked, each row locked while it is resent, so two runs never send one twice).
    Returns how many were accepted this run; rows stop after FRAUD_DB_MAX_ATTEMPTS."""
    accepted = 0
    ids = list(
        FraudDatabaseSubmission.objects.filter(
            status="failed", attempts__lt=FRAUD_DB_MAX_ATTEMPTS
        ).values_list("pk", flat=True)
    )
    client = fraud_database_client()
    for pk in ids:
        with transaction.atomic():
            sub = FraudDatabaseSubmission.objects.select_for_update(of=("self",)).get(pk=pk)
            if sub.status != "failed":
                continue
            try:
                result = client.submit(sub.database, sub.event, sub.payload)
                status = str(result.get("status", "accepted"))
            except Exception as exc:  # stays failed for the next run
                result, status = {"error": str(exc)[:500]}, "failed"
            before = sub.status
            sub.result, sub.status, sub.adapter = result, status, client.name
            sub.attempts += 1
            sub.last_attempt_at = timezone.now()
            sub.save()
            accepted += status != "failed"
            audit_record(
                actor=actor,
                action="gap.fraud_db.retry",
                obj=sub,
                before={"status": before},
                after={"status": status, "attempts": sub.attempts, "rule": "PLT-9"},
            )
    return accepted
