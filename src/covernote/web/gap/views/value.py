"""GAP-VALUE-1 fair-value report pages (table, charts and CSV)."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from covernote.accounts.models import Role, User
from covernote.complaints.fair_value_figures import gap_complaints_by_firm
from covernote.domain.errors import DomainError
from covernote.gap import selectors as sel
from covernote.web.charts import hbar_chart
from covernote.web.gap.views._common import _day, _user

# --------------------------------------------------------------------------- fair value

VALUE_ROLES = frozenset({Role.UNDERWRITER, Role.MANAGER, Role.QA})
#: (heading, FairValueFigures attribute) — the page table and the CSV share them.
VALUE_COLUMNS = (
    ("Policies written", "policies_written"),
    ("Gross written premium £", "gross_written_premium"),
    ("Claims paid £", "claims_paid"),
    ("Claims ratio %", "claims_ratio_percent"),
    ("Claims paid", "claims_paid_count"),
    ("Claims declined", "claims_declined_count"),
    ("Claims open", "claims_open_count"),
    ("Claim acceptance %", "acceptance_rate_percent"),
    ("Average claim £", "average_claim"),
    ("Eligible quotes", "quotes_eligible"),
    ("Quotes bound", "quotes_bound"),
    ("Quote acceptance %", "quote_acceptance_percent"),
    ("Commission £", "commission"),
    ("Commission %", "commission_percent"),
    ("Cancellations", "cancellations"),
    ("Refunds £", "refunds"),
    ("Complaints", "complaints"),
    ("Days notified to decided", "average_turnaround_days"),
    ("Days notified to paid", "average_days_to_payment"),
)


def _value_user(request: HttpRequest) -> User:
    user = _user(request)
    if user.role not in VALUE_ROLES:
        raise Http404("no such page")
    return user


def _value_period(request: HttpRequest) -> tuple[date, date, str]:
    today = timezone.localdate()
    start, end = date(today.year, 1, 1), today
    try:
        if request.GET.get("from"):
            start = _day(request.GET["from"])
        if request.GET.get("to"):
            end = _day(request.GET["to"])
    except DomainError as exc:
        return date(today.year, 1, 1), today, f"{exc.message} ({exc.rule})"
    return start, end, ""


def _report_for(user: User, start: date, end: date) -> sel.FairValueReport:
    """GAP-VALUE-1 with the GAP complaint figures from the complaints app."""
    complaints = gap_complaints_by_firm(user, period_from=start, period_to=end)
    return sel.fair_value_report(user, period_from=start, period_to=end, complaints=complaints)


def _value_report(request: HttpRequest, user: User) -> tuple[Any, str]:
    start, end, problem = _value_period(request)
    try:
        return _report_for(user, start, end), problem
    except DomainError as exc:
        today = timezone.localdate()
        report = _report_for(user, date(today.year, 1, 1), today)
        return report, f"{exc.message} ({exc.rule})"


def _cells(figures: Any) -> list[Any]:
    return [getattr(figures, attr) for _, attr in VALUE_COLUMNS]


@login_required
def value_report(request: HttpRequest) -> HttpResponse:
    """GAP-VALUE-1: fair-value figures per distributor for a period, with a chart."""
    user = _value_user(request)
    report, problem = _value_report(request, user)
    chart_rows = [r for r in report.rows if r.figures.acceptance_rate_percent is not None]
    chart = hbar_chart(
        [(r.distributor, float(r.figures.acceptance_rate_percent)) for r in chart_rows],
        label="Claim acceptance rate % by distributor (GAP-VALUE-1)",
    )
    ratio_chart = hbar_chart(
        [
            (r.distributor, float(r.figures.claims_ratio_percent or 0))
            for r in report.rows
            if r.figures.gross_written_premium
        ],
        label="Claims ratio % (claims paid ÷ gross written premium) by distributor",
    )
    return render(
        request,
        "gap/value_report.html",
        {
            "report": report,
            "problem": problem,
            "columns": [h for h, _ in VALUE_COLUMNS],
            "rows": [(r.distributor, _cells(r.figures)) for r in report.rows],
            "total": _cells(report.total),
            "chart": chart if chart_rows else None,
            "ratio_chart": ratio_chart,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def value_report_csv(request: HttpRequest) -> HttpResponse:
    user = _value_user(request)
    report, _ = _value_report(request, user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="gap-fair-value-{report.period_from}-{report.period_to}.csv"'
    )
    out = csv.writer(response)
    out.writerow(["Distributor", "From", "To", *(h for h, _ in VALUE_COLUMNS)])

    def line(name: str, figures: Any) -> list[Any]:
        cells = ["" if v is None else v for v in _cells(figures)]
        return [name, report.period_from, report.period_to, *cells]

    for r in report.rows:
        out.writerow(line(r.distributor, r.figures))
    out.writerow(line("All distributors", report.total))
    return response
