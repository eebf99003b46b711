"""One money and one date format for customers (issues 12, 13): £13,400.00, 3 December 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.template import Context, Template

from covernote.domain.calendar import long_date, long_datetime, short_date


def render(text: str, **ctx: object) -> str:
    return Template(text).render(Context(ctx))


def test_money_filter_is_pounds_with_thousands_and_pence():
    assert render("{{ x|money }}", x=Decimal("13400")) == "£13,400.00"
    assert render("{{ x|money }}", x="21000.5") == "£21,000.50"
    assert render("{{ x|money }}", x=Decimal("-40")) == "-£40.00"
    assert render("{{ x|money }}", x=None) == ""


def test_dates_are_en_gb_without_leading_zero():
    assert long_date(date(2027, 1, 2)) == "2 January 2027"
    assert short_date(date(2027, 1, 2)) == "02/01/2027"
    assert render("{{ d|ukdate }}", d=date(2027, 1, 2)) == "2 January 2027"
    assert render("{{ d|ukdate }}", d="2027-01-02") == "2 January 2027"
    assert render('{{ d|ukdate:"short" }}', d=date(2027, 1, 2)) == "02/01/2027"


def test_instants_are_shown_in_london_time():
    summer = datetime(2026, 7, 1, 11, 47, tzinfo=UTC)
    assert long_datetime(summer) == "1 July 2026 at 12:47"  # BST
    winter = datetime(2026, 12, 1, 11, 47, 48, tzinfo=UTC)
    assert render("{{ t|ukdatetime }}", t=winter) == "1 December 2026 at 11:47"
    assert render("{{ t|ukdate }}", t=datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "2 July 2026"
