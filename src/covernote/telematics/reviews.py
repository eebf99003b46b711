"""The 90-day premium review run (YD-REVIEW-1..4): set-based, idempotent, resumable.

``reviews_run(as_of)`` finds every in-force policy whose review falls on
``as_of`` with one query per product configuration, aggregates the period's
driving with one GROUP BY over trips, applies the pure domain rule
(``premium_review``: band table, 150% cap, pro-rata difference) to plain rows,
and bulk-inserts the reviews with their audit records. A unique key on
(policy, review date) makes a rerun or a resumed run insert nothing twice.

Letters and money follow in ``reviews_notify``: each review's outcome letter,
and for a premium change the 14-day continuous-payment-authority notice before
any collection, refund or Direct Debit re-spread (YD-REVIEW-4, YD-PAY-2/3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ExpressionWrapper, F, FloatField, Sum

from covernote.audit.services import audit_records_bulk
from covernote.domain.calendar import LONDON
from covernote.domain.errors import DomainError
from covernote.domain.money import round_money
from covernote.domain.young_driver.review import premium_review
from covernote.products.models import ProductConfiguration
from covernote.telematics.models import PremiumReview, ReviewStatus, Trip
from covernote.young_driver.models import PolicyStatus, YDPolicy
from covernote.young_driver.services import params_for

IN_FORCE = (PolicyStatus.LIVE, PolicyStatus.NOTICE)
CHUNK = 5000


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


def reviews_run(
    *, as_of: date, actor: Any = "reviews", progress: Callable[[int], None] | None = None
) -> RunResult:
    """Review every policy due on ``as_of`` (YD-REVIEW-1..3); safe to run again."""
    result = RunResult()
    for config in ProductConfiguration.objects.filter(product="young_driver"):
        params = params_for(config)
        interval = params.review.interval_days
        numbers = {
            as_of - timedelta(days=interval * k): k
            for k in range(1, params.review.reviews_per_term + 1)
        }
        due = YDPolicy.objects.filter(
            config=config, status__in=IN_FORCE, start__in=list(numbers), end__gte=as_of
        ).exclude(premium_reviews__review_date=as_of)
        rows = list(
            due.values_list("id", "start", "end", "annual_premium", "renewal_premium", "firm_id")
        )
        result.already_done += PremiumReview.objects.filter(
            policy__config=config, review_date=as_of
        ).count()
        if not rows:
            continue
        result.due += len(rows)
        period_from, period_to = as_of - timedelta(days=interval), as_of
        weighted = ExpressionWrapper(
            F("score_overall") * F("distance_m"), output_field=FloatField()
        )
        driving = {
            r["policy_id"]: (r["w"], r["d"])
            for r in Trip.objects.filter(
                policy__in=due,
                start_at__gte=_midnight(period_from),
                start_at__lt=_midnight(period_to),
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
        for batch in _chunks(rows, CHUNK):
            reviews = []
            for pid, start, end, current, renewal, _firm_id in batch:
                number = numbers[start]
                prev = previous.get(pid, assumed if number == 1 else None)
                w, dist = driving.get(pid, (0.0, 0.0))
                if dist and dist > 0:
                    period = round_money(Decimal(str(w)) / Decimal(str(dist)))
                else:  # no driving recorded: the score stands where it was (decision, see docs)
                    period = prev if prev is not None else assumed
                try:
                    outcome = premium_review(
                        renewal_premium=renewal,
                        current_premium=current,
                        start=start,
                        end=end,
                        review_date=as_of,
                        params=params,
                        previous_score=prev,
                        period_score=period,
                        notified_on=as_of,
                    )
                except DomainError:
                    result.errors += 1
                    continue
                decision = outcome.decision.as_dict()
                changed = outcome.adjustment != 0 or outcome.new_premium != current
                reviews.append(
                    PremiumReview(
                        policy_id=pid,
                        review_date=as_of,
                        number=number,
                        previous_score=prev if prev is not None else assumed,
                        period_score=period,
                        distance_km=round(Decimal(str(dist or 0)) / 1000, 1),
                        current_premium=current,
                        new_premium=outcome.new_premium,
                        adjustment=outcome.adjustment,
                        capped=outcome.capped,
                        decision=decision,
                        notified_on=as_of,
                        effective_on=as_of + timedelta(days=params.periods.cpa_notice_days),
                        status=ReviewStatus.NOTIFIED if changed else ReviewStatus.NO_CHANGE,
                    )
                )
                result.capped += outcome.capped
                if outcome.new_premium > current:
                    result.increased += 1
                elif outcome.new_premium < current:
                    result.decreased += 1
                else:
                    result.unchanged += 1
            with transaction.atomic():
                created = PremiumReview.objects.bulk_create(
                    reviews, ignore_conflicts=True, batch_size=1000
                )
                audit_records_bulk(
                    actor=actor,
                    action="premium_review.create",
                    object_type="telematics.premiumreview",
                    items=[
                        (
                            f"{r.policy_id}:{as_of.isoformat()}",
                            {
                                "policy": r.policy_id,
                                "review_date": as_of,
                                "new_premium": r.new_premium,
                                "adjustment": r.adjustment,
                                "capped": r.capped,
                            },
                        )
                        for r in reviews
                    ],
                )
            result.created += len(created)
            if progress:
                progress(len(batch))
    return result


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
            locked = PremiumReview.objects.select_for_update().get(pk=review.pk)
            if locked.document_id:
                continue
            steps = review.decision.get("steps", [])
            change = review.new_premium - review.current_premium
            paragraphs = [
                f"We have reviewed your driving for the 90 days to {review.review_date:%d %B %Y}.",
                f"Your driving score for the period was {review.period_score} (previous "
                f"{review.previous_score}).",
                (
                    f"Your annual premium changes from £{review.current_premium} to £{review.new_premium}. "
                    f"For the rest of this policy year that is £{abs(review.adjustment)} "
                    f"{'to pay' if review.adjustment > 0 else 'back to you'}, not before "
                    f"{review.effective_on:%d %B %Y} (14 days' notice)."
                    if change
                    else "Your premium stays the same."
                ),
            ]
            if review.capped:
                paragraphs.append(
                    "The increase is capped: a driving review never takes the premium above 150% of "
                    "your renewal premium (YD-REVIEW-3)."
                )
            doc = document_issue(
                actor=actor,
                customer=review.policy.customer,
                kind="yd_review_outcome",
                title="The outcome of your 90-day driving review",
                template="documents/notice.html",
                context={
                    "paragraphs": paragraphs,
                    "rows": [(s["rule"], s["description"]) for s in steps],
                },
                related=review,
                idempotency_key=f"review-outcome-{review.pk}",
            )
            locked.document = doc
            locked.save(update_fields=["document"])
            if review.status == ReviewStatus.NOTIFIED and review.adjustment != 0:
                yd_premium_review_apply(
                    actor=actor,
                    policy=review.policy,
                    review_date=review.review_date,
                    new_annual_premium=review.new_premium,
                    adjustment=review.adjustment,
                    decision=review.decision,
                    key=f"review-{review.pk}",
                    today=review.notified_on,
                )
                locked.status = ReviewStatus.APPLIED
                locked.save(update_fields=["status"])
            sent += 1
    return sent
