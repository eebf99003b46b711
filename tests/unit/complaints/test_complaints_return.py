"""The complaints return and retention (COMP-7, REGULATION §1.5).

A small seeded data set; every expected count below is worked by hand in the comments.
England working days: 2026-27 holidays per REGULATION §4.
"""

from datetime import date
from decimal import Decimal

import pytest

from covernote.domain.complaints.returns import (
    ComplaintRecord,
    Outcome,
    RedressType,
    ReportingPeriod,
    ReturnShape,
    closure_band,
    complaints_return,
    retention_until,
)
from covernote.domain.errors import DomainError

GROUP = "insurance_pure_protection"
GAP = (GROUP, "gap", "claims_handling")
YD = (GROUP, "motor_telematics", "admin_delays")


def rec(id_, key, received, closed=None, outcome=None, redress=None, **kw):
    return ComplaintRecord(
        id=id_,
        received_on=received,
        product_group=key[0],
        product=key[1],
        main_cause=key[2],
        closed_on=closed,
        outcome=outcome,
        redress=redress or {},
        **kw,
    )


RECORDS = [
    # R1 Sun 20 Dec 2026 -> 3 business days: Mon 21, Tue 22, Wed 23; 8 weeks: 14 Feb 2027.
    #    Closed 10 Jan 2027: after 3 days within 8 weeks. Rejected.
    rec("R1", GAP, date(2026, 12, 20), date(2027, 1, 10), Outcome.REJECTED),
    # R2 Mon 4 Jan 2027 -> Tue 5, Wed 6, Thu 7: closed Thu 7 within 3 business days. Upheld.
    rec(
        "R2",
        YD,
        date(2027, 1, 4),
        date(2027, 1, 7),
        Outcome.UPHELD,
        {RedressType.DISTRESS_INCONVENIENCE: Decimal("50.00")},
        vulnerability_identified=True,
    ),
    # R3 Mon 4 Jan 2027, closed Fri 8 Jan: after 3 days, within 8 weeks. Partly upheld = upheld.
    rec(
        "R3",
        YD,
        date(2027, 1, 4),
        date(2027, 1, 8),
        Outcome.PARTLY_UPHELD,
        {RedressType.GOODWILL: Decimal("25.50"), RedressType.EXCESS_WAIVED: Decimal("100")},
    ),
    # R4 Mon 1 Feb 2027 + 56 = 29 Mar; closed 30 Apr: after 8 weeks. Rejected with goodwill:
    #    counts as rejected, but the goodwill is redress paid.
    rec(
        "R4",
        GAP,
        date(2027, 2, 1),
        date(2027, 4, 30),
        Outcome.REJECTED,
        {RedressType.GOODWILL: Decimal("20")},
    ),
    # R5 10 Mar 2027, still open; vulnerable and vulnerability-related.
    rec(
        "R5",
        GAP,
        date(2027, 3, 10),
        vulnerability_identified=True,
        vulnerability_related_cause=True,
    ),
    # R6 ineligible complainant: excluded from everything.
    rec(
        "R6",
        GAP,
        date(2027, 5, 1),
        date(2027, 5, 2),
        Outcome.UPHELD,
        {RedressType.FINANCIAL_LOSS: Decimal("1000")},
        eligible=False,
    ),
    # R7 opened 30 Jun 2027 (in H1), closed 2 Jul (H2).
    rec("R7", YD, date(2027, 6, 30), date(2027, 7, 2), Outcome.UPHELD),
    # R8 1 Nov 2026 -> closed 15 Dec 2026 (3 bd: Mon 2, Tue 3, Wed 4 Nov; 8 weeks: 27 Dec):
    #    within 8 weeks; rejected. Outside H1 2027 entirely.
    rec("R8", GAP, date(2026, 11, 1), date(2026, 12, 15), Outcome.REJECTED),
    # R9 Wed 10 Feb 2027 closed Thu 11 Feb: within 3 bd; goodwill without a decision = upheld.
    rec(
        "R9",
        YD,
        date(2027, 2, 10),
        date(2027, 2, 11),
        Outcome.GOODWILL_WITHOUT_DECISION,
        {RedressType.GOODWILL: Decimal("30")},
        vulnerability_identified=True,
    ),
    # R10 Mon 1 Mar 2027 closed Tue 2 Mar: within 3 bd; withdrawn (closed, not upheld).
    rec("R10", GAP, date(2027, 3, 1), date(2027, 3, 2), Outcome.WITHDRAWN),
]

H1_2027 = ReportingPeriod(date(2027, 1, 1), date(2027, 6, 30))


def test_comp_7_consolidated_return_h1_2027_counts():
    ret = complaints_return(RECORDS, H1_2027, ReturnShape.CONSOLIDATED_2027)
    rows = {(r["product"], r["main_cause"]): r for r in ret.rows}
    gap = rows[("gap", "claims_handling")]
    # GAP: outstanding R1; opened R4, R5, R10; closed R1 (8wk), R4 (>8wk), R10 (3bd);
    # upheld none; redress £20 (R4 goodwill); opened vulnerable R5.
    assert gap["outstanding_at_start"] == 1
    assert gap["opened"] == 3
    assert gap["closed"] == 3
    assert gap["closed_within_3_business_days"] == 1
    assert gap["closed_after_3_business_days_within_8_weeks"] == 1
    assert gap["closed_after_8_weeks"] == 1
    assert gap["upheld"] == 0
    assert gap["upheld_pct"] == "0.00"
    assert gap["redress_paid_gbp"] == "20.00"
    assert gap["opened_vulnerable"] == 1
    assert gap["opened_vulnerability_related_cause"] == 1
    assert gap["closed_vulnerable"] == 0
    yd = rows[("motor_telematics", "admin_delays")]
    # YD: opened R2, R3, R7, R9 = 4; closed R2 (3bd), R3 (8wk), R9 (3bd) = 3, all upheld;
    # redress 50 + 25.50 + 100 + 30 = 205.50; vulnerable R2, R9 opened, closed and upheld.
    assert yd["opened"] == 4
    assert yd["closed"] == 3
    assert yd["closed_within_3_business_days"] == 2
    assert yd["closed_after_3_business_days_within_8_weeks"] == 1
    assert yd["upheld"] == 3
    assert yd["upheld_pct"] == "100.00"
    assert yd["redress_paid_gbp"] == "205.50"
    assert yd["redress_excess_waived_gbp"] == "100.00"
    assert (yd["opened_vulnerable"], yd["closed_vulnerable"], yd["upheld_vulnerable"]) == (2, 2, 2)
    t = ret.totals
    # Totals: outstanding 1, opened 7, closed 6, upheld 3 (50.00%), redress £225.50.
    assert (t["outstanding_at_start"], t["opened"], t["closed"], t["upheld"]) == (1, 7, 6, 3)
    assert t["upheld_pct"] == "50.00"
    assert t["redress_paid_gbp"] == "225.50"
    assert ret.nil_return is False
    assert ret.decision.warnings == []  # 1 Jan-30 Jun 2027 is a fixed PS25/19 period
    assert ret.decision.steps[0].value == 1  # R6 excluded as ineligible
    text = ret.summary_text()
    assert "Opened: 7" in text and "£225.50" in text and "vulnerable" in text


def test_comp_7_annex_1r_h2_2026_and_no_vulnerability_columns():
    period = ReportingPeriod(date(2026, 7, 1), date(2026, 12, 31))
    ret = complaints_return(RECORDS, period, ReturnShape.DISP_1_ANNEX_1R)
    # Opened R1 (20 Dec) and R8 (1 Nov); closed R8 only (within 8 weeks), rejected.
    t = ret.totals
    assert (t["opened"], t["closed"], t["upheld"]) == (2, 1, 0)
    assert t["closed_after_3_business_days_within_8_weeks"] == 1
    assert "opened_vulnerable" not in t
    assert ret.decision.warnings == []


def test_comp_7_nil_return_and_period_warnings():
    ret = complaints_return(
        RECORDS, ReportingPeriod(date(2025, 1, 1), date(2025, 6, 30)), ReturnShape.DISP_1_ANNEX_1R
    )
    assert ret.nil_return is True
    assert "Nil return" in ret.summary_text()
    odd = complaints_return(
        RECORDS,
        ReportingPeriod(date(2027, 2, 1), date(2027, 7, 31)),
        ReturnShape.CONSOLIDATED_2027,
    )
    assert odd.decision.warnings  # not a fixed half-year


def test_comp_7_one_return_per_legal_entity():
    records = [
        rec("A", GAP, date(2027, 1, 5), respondent_firm_frn="111"),
        rec("B", GAP, date(2027, 1, 5), respondent_firm_frn="222"),
    ]
    ret = complaints_return(
        records, H1_2027, ReturnShape.CONSOLIDATED_2027, respondent_firm_frn="111"
    )
    assert ret.totals["opened"] == 1


def test_comp_7_closure_bands_at_the_edges():
    # Thu 24 Dec 2026 -> 3 bd: Tue 29, Wed 30, Thu 31 Dec; 8 weeks: 18 Feb 2027.
    assert closure_band(rec("x", GAP, date(2026, 12, 24), date(2026, 12, 31), Outcome.UPHELD)) == (
        "within_3_business_days"
    )
    assert closure_band(rec("x", GAP, date(2026, 12, 24), date(2027, 1, 4), Outcome.UPHELD)) == (
        "after_3_business_days_within_8_weeks"
    )
    assert closure_band(rec("x", GAP, date(2026, 12, 24), date(2027, 2, 18), Outcome.UPHELD)) == (
        "after_3_business_days_within_8_weeks"
    )
    assert closure_band(rec("x", GAP, date(2026, 12, 24), date(2027, 2, 19), Outcome.UPHELD)) == (
        "after_8_weeks"
    )


def test_comp_7_retention_at_least_three_years_from_receipt():
    assert retention_until(date(2027, 1, 4)) == date(2030, 1, 4)
    # 29 Feb 2028 + 3 years would clamp to 28 Feb 2031, a day short: rolled to 1 Mar 2031.
    assert retention_until(date(2028, 2, 29)) == date(2031, 3, 1)
    with pytest.raises(DomainError):
        retention_until(date(2027, 1, 4), years=2)


def test_comp_7_bad_records_are_refused():
    with pytest.raises(DomainError) as err:
        complaints_return(
            [rec("x", GAP, date(2027, 1, 5), date(2027, 1, 6))],
            H1_2027,
            ReturnShape.DISP_1_ANNEX_1R,
        )
    assert err.value.field == "outcome"
    with pytest.raises(DomainError) as err:
        complaints_return(
            [rec("x", GAP, date(2027, 1, 5), date(2027, 1, 4), Outcome.UPHELD)],
            H1_2027,
            ReturnShape.DISP_1_ANNEX_1R,
        )
    assert err.value.field == "closed_on"
