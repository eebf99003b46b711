"""Letters and money after a review run (YD-REVIEW-4, YD-PAY-2/3): ``review_decision``
recomputes a review's full explanation (the Decimal rule's steps, YD-REVIEW-1..4) from
its stored inputs, and ``reviews_notify`` sends each review's outcome letter and, for a
premium change, the 14-day continuous-payment-authority notice before any collection,
refund or Direct Debit re-spread.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from covernote.domain.errors import DomainError
from covernote.domain.young_driver import letters
from covernote.domain.young_driver.params import percent_text
from covernote.domain.young_driver.review import premium_review
from covernote.telematics.models import PremiumReview, ReviewStatus
from covernote.young_driver.selectors import policy_letterhead
from covernote.young_driver.services import params_for


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
