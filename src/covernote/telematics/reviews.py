"""The 90-day premium review run (YD-REVIEW-1..4): set-based, idempotent, resumable.

``reviews_run(as_of)`` finds every in-force policy whose review falls on
``as_of`` with one query per product configuration, aggregates the period's
driving with one GROUP BY over trips, applies the rule (band table, 150% cap,
pro-rata difference) to the whole frame in exact integer arithmetic
(``review_book``), and inserts the reviews a chunk per transaction, each with an
audit record. A unique key on (policy, review date) and an exclusion in the due
query make a rerun or a resumed run insert nothing twice. The full explanation
(the Decimal rule's steps) is recomputed from the stored inputs when the
outcome letter is written or the review is shown.

Letters and money follow in ``reviews_notify``: each review's outcome letter,
and for a premium change the 14-day continuous-payment-authority notice before
any collection, refund or Direct Debit re-spread (YD-REVIEW-4, YD-PAY-2/3).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import ExpressionWrapper, F, FloatField, Sum
from django.utils import timezone

from covernote.audit.services import audit_record
from covernote.domain.calendar import LONDON
from covernote.domain.errors import DomainError
from covernote.domain.money import round_money
from covernote.domain.young_driver import letters
from covernote.domain.young_driver.params import percent_text
from covernote.domain.young_driver.review import premium_review
from covernote.domain.young_driver.review_batch import INPUT_COLUMNS, hundredths, review_book
from covernote.products.models import ProductConfiguration
from covernote.telematics.models import PremiumReview, ReviewStatus, Trip
from covernote.young_driver.models import PolicyStatus, YDPolicy
from covernote.young_driver.selectors import policy_letterhead
from covernote.young_driver.services import params_for

IN_FORCE = (PolicyStatus.LIVE, PolicyStatus.NOTICE)
CHUNK = 50_000


@dataclass
class RunResult:
    due: int = 0
    created: int = 0
    already_done: int = 0
    increased: int = 0
    decreased: int = 0
    unchanged: int = 0
    capped: int = 0
    errors: int = 0


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=LONDON)


def _chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _period_score(weighted: float, distance: float) -> Decimal:
    """YD-SCORE-2: the distance-weighted mean of the trips' overall scores, to 2 dp."""
    return round_money(Decimal(str(weighted)) / Decimal(str(distance)))


def reviews_run(
    *, as_of: date, actor: Any = "reviews", progress: Callable[[int], None] | None = None
) -> RunResult:
    """Review every policy due on ``as_of`` (YD-REVIEW-1..3); safe to run again.

    Set-based: one query for the due policies, one GROUP BY for the period's
    driving, one for the previous scores; the rule runs over the whole frame in
    integer arithmetic (``review_book``, held to the Decimal rule by a property
    test); rows go in by COPY on PostgreSQL. Each chunk is one transaction with
    one audit record naming its policies and a digest of what was written.
    """
    result = RunResult()
    with _run_lock(as_of):
        for config in ProductConfiguration.objects.filter(product="young_driver"):
            _run_config(config, as_of=as_of, actor=actor, progress=progress, result=result)
    return result


class ReviewRunBusy(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "conflict", "another review run for this date is in progress", "YD-REVIEW-1", "as_of"
        )


@contextmanager
def _run_lock(as_of: date) -> Iterator[None]:
    """One run per date at a time (PostgreSQL advisory lock; SQLite serialises writers)."""
    if connection.vendor != "postgresql":
        yield
        return
    key = 0x59445256 * 100_000 + as_of.toordinal()  # "YDRV" + date
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cur.fetchone()[0]:
            raise ReviewRunBusy()
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [key])


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
    rows = list(due.values_list("id", "start", "end", "annual_premium", "renewal_premium"))
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
    for lo in range(0, len(kept), CHUNK):
        chunk = out.slice(lo, CHUNK)
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
                object_id=f"{as_of.isoformat()}:{lo // CHUNK}",
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


def review_decision(review: PremiumReview) -> dict[str, Any]:
    """The review's full explanation, steps and rule ids (YD-REVIEW-1..4).

    The book engine stores its inputs; the Decimal rule recomputes the steps from
    them and must reach the same figures (a mismatch is a bug, never shown).
    """
    if review.decision.get("engine") != "book":
        stored: dict[str, Any] = review.decision
        return stored
    inputs = review.decision
    params = params_for(review.policy.config)
    outcome = premium_review(
        renewal_premium=Decimal(inputs["renewal_premium"]),
        current_premium=review.current_premium,
        start=date.fromisoformat(inputs["start"]),
        end=date.fromisoformat(inputs["end"]),
        review_date=review.review_date,
        params=params,
        previous_score=review.previous_score,
        period_score=review.period_score,
        notified_on=review.notified_on,
    )
    if (outcome.new_premium, outcome.adjustment) != (review.new_premium, review.adjustment):
        raise DomainError(
            "conflict", f"review {review.pk}: recomputed figures differ", "YD-REVIEW-2", "review"
        )
    return outcome.decision.as_dict()


def reviews_notify(*, as_of: date, actor: Any = "reviews", limit: int = 500) -> int:
    """Send outstanding outcome letters; for a change, the 14-day CPA notice (YD-REVIEW-4)."""
    from covernote.documents.services import document_issue
    from covernote.young_driver.services import yd_premium_review_apply

    sent = 0
    pending = PremiumReview.objects.filter(
        document__isnull=True, notified_on__lte=as_of
    ).select_related("policy__customer")[:limit]
    for review in pending:
        with transaction.atomic():
            locked = PremiumReview.objects.select_for_update(of=("self",)).get(pk=review.pk)
            if locked.document_id:
                continue
            decision = review_decision(review)
            locked.decision = decision
            steps = decision.get("steps", [])
            letter = letters.review_outcome(
                review_date=review.review_date,
                period_score=review.period_score,
                previous_score=review.previous_score,
                current_premium=review.current_premium,
                new_premium=review.new_premium,
                adjustment=review.adjustment,
                effective_on=review.effective_on,
                capped=review.capped,
                cap_percent=percent_text(
                    params_for(review.policy.config).review.cap_rate_of_renewal
                ),
            )
            doc = document_issue(
                actor=actor,
                customer=review.policy.customer,
                kind="yd_review_outcome",
                title=letter.title,
                template="documents/yd_letter.html",
                context={
                    "policy": review.policy,
                    "paragraphs": letter.paragraphs,
                    "rows": letter.rows,
                    "steps": steps,
                },
                related=review,
                idempotency_key=f"review-outcome-{review.pk}",
                letterhead=policy_letterhead(review.policy),
            )
            locked.document = doc
            locked.save(update_fields=["document", "decision"])
            if review.status == ReviewStatus.NOTIFIED and review.adjustment != 0:
                yd_premium_review_apply(
                    actor=actor,
                    policy=review.policy,
                    review_date=review.review_date,
                    new_annual_premium=review.new_premium,
                    adjustment=review.adjustment,
                    decision=decision,
                    key=f"review-{review.pk}",
                    today=review.notified_on,
                )
                locked.status = ReviewStatus.APPLIED
                locked.save(update_fields=["status"])
            sent += 1
    return sent
