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

The package: ``run`` (``reviews_run``, the per-date run lock), ``rows`` (the rows
engine and its insert), ``columns`` (the PostgreSQL columns engine: SQL, CSV, COPY),
``notify`` (``review_decision``, ``reviews_notify``) and ``common`` (what the two
engines share: ``RunResult``, ``CHUNK``, ``_period_score``). The names below are
re-exported so ``from covernote.telematics.reviews import X`` keeps working; a test
that patches ``CHUNK`` or ``_period_score`` patches the submodule that reads it
(``common.CHUNK``, ``columns._period_score``).
"""

from __future__ import annotations

from covernote.telematics.reviews.columns import _decimal_text, _pence_text
from covernote.telematics.reviews.common import (
    CHUNK,
    IN_FORCE,
    RunResult,
    _period_score,
)
from covernote.telematics.reviews.notify import review_decision, reviews_notify
from covernote.telematics.reviews.run import ReviewRunBusy, _run_lock_key, reviews_run

__all__ = [
    "CHUNK",
    "IN_FORCE",
    "ReviewRunBusy",
    "RunResult",
    "_decimal_text",
    "_pence_text",
    "_period_score",
    "_run_lock_key",
    "review_decision",
    "reviews_notify",
    "reviews_run",
]
