"""GAP fair-value figures over REST."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from covernote.accounts.selectors import request_user
from covernote.api.v1.gap.schemas import ValueQuery, ValueReportOut, value_report_out
from covernote.complaints.fair_value_figures import gap_complaints_by_firm
from covernote.gap import selectors as sel

router = Router()


@router.get("/value", response=ValueReportOut, by_alias=True, summary="GAP fair-value figures")
def value_report(request: HttpRequest, q: Query[ValueQuery]) -> dict[str, Any]:
    """GAP-VALUE-1 fair-value figures per distributor over a period (`from`, `to`):
    premiums, commission, claims paid and complaints. Staff see every firm; a broker its
    own firm only (PLT-4)."""
    actor = request_user(request)
    period = {"period_from": q.period_from, "period_to": q.period_to}
    complaints = gap_complaints_by_firm(actor, **period)
    report = sel.fair_value_report(actor, **period, complaints=complaints)
    return value_report_out(report)
