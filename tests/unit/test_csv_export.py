"""The CSV writer every list uses: formulas are neutralised (CSV injection, issue 12)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from covernote.web.csv_export import csv_text, safe_cell


@pytest.mark.parametrize(
    "value", ["=1+1", "+44 113", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']
)
def test_cells_that_a_spreadsheet_would_run_are_prefixed_with_a_quote(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Holloway", "LS6 2AB", "a=b", " =x", ""])
def test_ordinary_text_is_left_alone(value):
    assert safe_cell(value) == value


def test_numbers_dates_and_empty_cells():
    assert safe_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert safe_cell(-3) == -3
    assert safe_cell(None) == ""
    assert safe_cell(True) == "Yes"
    assert safe_cell(date(2026, 12, 3)) == "2026-12-03"


def test_csv_text_round_trips_with_every_cell_made_safe():
    text = csv_text(["Name", "Amount"], [["=cmd|' /C calc'!A0", Decimal("5.00")], ["Ann, B", 1]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["Name", "Amount"], ["'=cmd|' /C calc'!A0", "5.00"], ["Ann, B", "1"]]
