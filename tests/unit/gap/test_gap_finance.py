"""GAP-DEF-OFB: the outstanding finance balance from the lender's statement lines.

Only the balance for the insured vehicle counts; carried-over amounts, credit
protection, fees, additional interest, arrears and other amounts are left out.
"""

from decimal import Decimal

import pytest

from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.finance import EXCLUDED, outstanding_finance_balance

D = Decimal


def test_gap_def_ofb_counts_only_the_insured_vehicle_balance():
    decision = outstanding_finance_balance(
        [
            ("vehicle_balance", D("14250.10")),
            ("arrears", D("300.00")),
            ("fees", D("95.00")),
            ("carried_over", D("1200.00")),
        ]
    )
    # 14,250.10 is the only included line; 300 + 95 + 1,200 are left out.
    assert decision.amounts["outstanding_finance"] == D("14250.10")
    assert decision.outcome == "outstanding_finance"
    assert all(s.rule == "GAP-DEF-OFB" for s in decision.steps)
    excluded = [s for s in decision.steps if "excluded_amount" in s.inputs]
    assert {s.inputs["kind"] for s in excluded} == {"arrears", "fees", "carried_over"}
    assert all(s.amount == D("0") for s in excluded)


def test_gap_def_ofb_every_excluded_kind_adds_nothing():
    lines = [(kind, D("100.00")) for kind in EXCLUDED]
    decision = outstanding_finance_balance([("vehicle_balance", D("5000.00")), *lines])
    assert decision.amounts["outstanding_finance"] == D("5000.00")


def test_gap_def_ofb_two_vehicle_lines_are_added():
    decision = outstanding_finance_balance(
        [("vehicle_balance", D("1000.005")), ("vehicle_balance", D("2000.00"))]
    )
    # 3,000.005 rounded half-up to the penny.
    assert decision.amounts["outstanding_finance"] == D("3000.01")


def test_gap_def_ofb_no_lines_is_zero():
    assert outstanding_finance_balance([]).amounts["outstanding_finance"] == D("0.00")


def test_gap_def_ofb_refuses_unknown_kind_naming_the_line():
    with pytest.raises(DomainError) as exc:
        outstanding_finance_balance([("vehicle_balance", D("1")), ("mystery", D("5"))])
    assert exc.value.code == ErrorCode.INVALID
    assert exc.value.rule == "GAP-DEF-OFB"
    assert exc.value.field == "finance_lines[1].kind"


def test_gap_def_ofb_refuses_negative_amounts():
    with pytest.raises(DomainError) as exc:
        outstanding_finance_balance([("vehicle_balance", D("-1"))])
    assert exc.value.field == "finance_lines[0].amount"
