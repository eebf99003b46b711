"""The complaints dashboard and the regulatory return."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from covernote.accounts.models import Role
from covernote.complaints.selectors import (
    complaints_dashboard,
    complaints_return_for,
    return_csv,
    return_firms,
    return_shape,
)
from covernote.domain.errors import DomainError
from covernote.web.complaints.forms import ReturnForm
from covernote.web.complaints.views._common import VIEWERS, _form_error, _user


def bar_chart(bars: list[tuple[str, int | Decimal]], *, unit: str = "") -> dict[str, Any]:
    """Server-side inline SVG bar chart: rows of label, value and bar width in px."""
    top = max((float(v) for _, v in bars), default=0.0) or 1.0
    rows = []
    for i, (label, value) in enumerate(bars):
        rows.append(
            {
                "label": label,
                "value": value,
                "width": round(float(value) / top * 300, 1),
                "y": i * 30,
                "ty": i * 30 + 15,
            }
        )
    return {"rows": rows, "height": max(30, len(rows) * 30), "unit": unit}


@login_required
def complaint_dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request, *VIEWERS)
    d = complaints_dashboard(user)
    vul_up, vul_n, vul_pct = d["vulnerable"]
    not_up, not_n, not_pct = d["not_vulnerable"]
    charts = {
        "stage": bar_chart(sorted(d["by_stage"].items())),
        "clocks": bar_chart(
            [
                ("Due in the next 7 days", d["due_this_week"]),
                ("Breached", d["breaches"]),
                ("8-week response late", d["late_final"]),
            ]
        ),
        "upheld": bar_chart([("Upheld", d["upheld"]), ("Not upheld", d["closed"] - d["upheld"])]),
        "vulnerable": bar_chart(
            [
                ("Vulnerable: uphold rate %", vul_pct or Decimal(0)),
                ("Not vulnerable: uphold rate %", not_pct or Decimal(0)),
            ],
            unit="%",
        ),
    }
    return render(
        request,
        "complaints/dashboard.html",
        {"d": d, "charts": charts, "vul": (vul_up, vul_n), "notvul": (not_up, not_n)},
    )


@login_required
def complaint_return(request: HttpRequest) -> HttpResponse:
    user = _user(request, *VIEWERS)
    today = timezone.localdate()
    default_start = date(today.year, 1, 1) if today.month > 6 else date(today.year - 1, 7, 1)
    data: QueryDict | None = request.GET.copy() if "start" in request.GET else None
    firms = [(f.fca_number, f"{f.name} (FRN {f.fca_number})") for f in return_firms(user)]
    if user.role == Role.BROKER and data is not None:
        # PLT-4: a broker's return is its own firm's, whatever the parameter says.
        data["frn"] = firms[0][0] if firms else ""
    form = ReturnForm(
        data,
        initial={"start": default_start, "end": today, "shape": "annex1r"},
        firms=firms,
    )
    ret = None
    if form.is_bound and form.is_valid():
        frn = form.cleaned_data.get("frn") or ""
        try:
            ret = complaints_return_for(
                user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                shape=return_shape(form.cleaned_data["shape"]),
                frn=frn or None,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            if request.GET.get("format") == "csv":
                response = HttpResponse(return_csv(ret), content_type="text/csv; charset=utf-8")
                name = (
                    f"complaints-return-{form.cleaned_data['shape']}-"
                    + (f"frn{ret.respondent_firm_frn}-" if ret.respondent_firm_frn else "")
                    + f"{form.cleaned_data['start']}-{form.cleaned_data['end']}.csv"
                )
                response["Content-Disposition"] = f'attachment; filename="{name}"'
                return response
    return render(
        request,
        "complaints/return.html",
        {"form": form, "ret": ret, "query": (data or request.GET).urlencode()},
    )
