"""Complaint figures other products' fair-value reports need (GAP-VALUE-1).

The GAP fair-value report counts the GAP complaints each distributor's customers
made in the period; this module answers that question so the GAP app never reads
the complaints tables (one direction between apps: the API and pages fetch these
figures here and hand them to ``covernote.gap.selectors.fair_value_report``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F
from django.db.models.functions import TruncDate

from covernote.accounts.models import User
from covernote.accounts.scoping import firm_scope_q
from covernote.complaints.models import Complaint, Product

#: firm id (None: sold direct) -> GAP complaints received in the period.
GapComplaintCounts = dict[int | None, int]


def gap_complaints_by_firm(
    actor: User, *, period_from: date, period_to: date
) -> GapComplaintCounts:
    """GAP complaints received from ``period_from`` to ``period_to`` (inclusive, by
    London day), per selling firm, in the actor's firm-report scope (PLT-4)."""
    rows = (
        Complaint.objects.filter(firm_scope_q(actor), product=Product.GAP)
        .annotate(received_day=TruncDate("received_at"))
        .filter(received_day__range=(period_from, period_to))
        .values(fid=F("firm_id"))
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["fid"]: r["n"] for r in rows}
