"""The rows engine of the review run (YD-REVIEW-1..3; YD-SCORE-2 for the period score):
reads the due policies and their period's driving through the ORM, applies the rule
(``review_book``) and builds each review row in Python, then writes a chunk per
transaction with one audit record (COPY on PostgreSQL, ``bulk_create`` elsewhere).
The default off PostgreSQL, and the baseline in ``bench/reviews.py``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import ExpressionWrapper, F, FloatField, Sum
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.domain.young_driver.review_batch import INPUT_COLUMNS, hundredths, review_book
from covernote.products.models import ProductConfiguration
from covernote.telematics.models import PremiumReview, ReviewStatus, Trip
from covernote.telematics.reviews import common
from covernote.telematics.reviews.common import IN_FORCE, RunResult, _midnight, _period_score
from covernote.young_driver.models import YDPolicy
from covernote.young_driver.services import params_for


def _run_config(
    config: ProductConfiguration,
    *,
    as_of: date,
    actor: Any,
    progress: Callable[[int], None] | None,
    result: RunResult,
) -> None:
    params = params_for(config)
    interval = params.review.interval_days
    numbers = {
        as_of - timedelta(days=interval * k): k
        for k in range(1, params.review.reviews_per_term + 1)
    }
    due = YDPolicy.objects.filter(
        config=config, status__in=IN_FORCE, start__in=list(numbers), end__gte=as_of
    ).exclude(premium_reviews__review_date=as_of)
    result.already_done += PremiumReview.objects.filter(
        policy__config=config, review_date=as_of
    ).count()
    rows = list(
        due.order_by("-created_at", "-id").values_list(
            "id", "start", "end", "annual_premium", "renewal_premium"
        )
    )
    if not rows:
        return
    result.due += len(rows)
    period_from = as_of - timedelta(days=interval)
    weighted = ExpressionWrapper(F("score_overall") * F("distance_m"), output_field=FloatField())
    driving = {
        r["policy_id"]: (r["w"], r["d"])
        for r in Trip.objects.filter(
            policy__in=due, start_at__gte=_midnight(period_from), start_at__lt=_midnight(as_of)
        )
        .values("policy_id")
        .annotate(w=Sum(weighted), d=Sum("distance_m"))
    }
    previous = dict(
        PremiumReview.objects.filter(policy__in=due, review_date=period_from).values_list(
            "policy_id", "period_score"
        )
    )
    assumed = params.review.assumed_first_period_score
    prev_scores: list[Decimal] = []
    period_scores: list[Decimal] = []
    kept: list[tuple[Any, ...]] = []
    for pid, start, end, current, renewal in rows:
        prev = previous.get(pid, assumed)
        w, dist = driving.get(pid, (0.0, 0.0))
        # No driving in the period: the score stands where it was (docs/decisions/telematics.md).
        period = _period_score(w, dist) if dist and dist > 0 else prev
        if current <= 0 or renewal <= 0 or not (0 <= prev <= 100 and 0 <= period <= 100):
            result.errors += 1  # the rule refuses it (premium_review would say why); left for staff
            continue
        kept.append((pid, start, end, current, renewal, dist))
        prev_scores.append(prev)
        period_scores.append(period)
    frame = pl.DataFrame(
        {
            "policy_id": [k[0] for k in kept],
            "current_p": [int(k[3] * 100) for k in kept],
            "renewal_p": [int(k[4] * 100) for k in kept],
            "previous_h": [hundredths(p) for p in prev_scores],
            "period_h": [hundredths(p) for p in period_scores],
            "term_days": [(k[2] - k[1]).days + 1 for k in kept],
            "remaining_days": [(k[2] - as_of).days + 1 for k in kept],
        },
        schema_overrides={c: pl.Int64 for c in INPUT_COLUMNS},
    )
    out = review_book(frame, params)
    effective = as_of + timedelta(days=params.periods.cpa_notice_days)
    for lo in range(0, len(kept), common.CHUNK):
        chunk = out.slice(lo, common.CHUNK)
        records = []
        for i, r in enumerate(chunk.iter_rows(named=True), start=lo):
            pid, start, end, current, renewal, dist = kept[i]
            new = Decimal(r["new_p"]) / 100
            adjustment = Decimal(r["adjustment_p"]) / 100
            changed = adjustment != 0 or new != current
            records.append(
                (
                    pid,
                    as_of,
                    numbers[start],
                    prev_scores[i],
                    period_scores[i],
                    round(Decimal(str(dist or 0)) / 1000, 1),
                    current,
                    new,
                    adjustment,
                    r["capped"],
                    {
                        "engine": "book",
                        "renewal_premium": str(renewal),
                        "start": start.isoformat(),
                        "end": end.isoformat(),
                        "config": config.version,
                    },
                    as_of,
                    effective,
                    ReviewStatus.NOTIFIED if changed else ReviewStatus.NO_CHANGE,
                )
            )
            result.capped += r["capped"]
            if new > current:
                result.increased += 1
            elif new < current:
                result.decreased += 1
            else:
                result.unchanged += 1
        with transaction.atomic():
            written = _insert(records)
            digest = hashlib.sha256(
                repr([(x[0], str(x[7]), str(x[8])) for x in records]).encode()
            ).hexdigest()
            audit_record(
                actor=actor,
                action="premium_review.batch",
                object_type="telematics.premiumreview",
                object_id=f"{as_of.isoformat()}:{lo // common.CHUNK}",
                after={
                    "review_date": as_of,
                    "config": config.version,
                    "policies": [x[0] for x in records],
                    "written": written,
                    "sha256": digest,
                },
            )
        result.created += written
        if progress:
            progress(len(records))


_COLUMNS = (
    "policy_id",
    "review_date",
    "number",
    "previous_score",
    "period_score",
    "distance_km",
    "current_premium",
    "new_premium",
    "adjustment",
    "capped",
    "decision",
    "notified_on",
    "effective_on",
    "status",
)


def _insert(records: list[tuple[Any, ...]]) -> int:
    """COPY on PostgreSQL (the due query excluded existing reviews, under the run lock);
    ``bulk_create`` elsewhere, ignoring a review already there."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = PremiumReview._meta.db_table
        cols = ", ".join([*_COLUMNS, "created_at"])
        with (
            connection.cursor() as cur,
            cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
        ):
            for rec in records:
                copy.write_row([*rec[:10], json.dumps(rec[10]), *rec[11:], now])
        return len(records)
    objs = [
        PremiumReview(**dict(zip(_COLUMNS, rec, strict=True)), created_at=now) for rec in records
    ]
    return len(PremiumReview.objects.bulk_create(objs, ignore_conflicts=True, batch_size=1000))
