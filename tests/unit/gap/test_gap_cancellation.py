"""GAP cancellation and termination (GAP-CANCEL-1..4, GAP-FRAUD-1, GAP-TERM-1, GAP-CLAIM-4).

Running example: a 36-month policy 2026-01-10 .. 2029-01-09 (inclusive), bought
2026-01-10, premium £436.80 including IPT.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from covernote.calculators.gap_claim import load_gap_params
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.cancellation import (
    CancellationRequest,
    CancelledBy,
    ClaimState,
    InsurerReason,
    TerminationReason,
    cancellation_refund,
    fraud_cancellation_date,
    insurer_cancellation_date,
    months_in_term,
    termination,
    whole_months_remaining,
)

PARAMS = load_gap_params()
D = Decimal
BASE = CancellationRequest(
    premium=D("436.80"),
    start=date(2026, 1, 10),
    end=date(2029, 1, 9),
    purchased=date(2026, 1, 10),
    cancel_on=date(2027, 3, 20),
)


def refund(req: CancellationRequest) -> Decimal:
    return cancellation_refund(req, PARAMS).amounts["refund"]


def test_gap_cancel_1_full_refund_on_last_cooling_off_day():
    # purchase 10 Jan + 30 days = 9 Feb 2026, inclusive → the whole £436.80 (IPT included)
    assert refund(replace(BASE, cancel_on=date(2026, 2, 9))) == D("436.80")


def test_gap_cancel_1_anchor_is_later_of_purchase_and_documents():
    # documents received 20 Jan → cooling off runs to 19 Feb
    req = replace(BASE, documents_received=date(2026, 1, 20))
    assert refund(replace(req, cancel_on=date(2026, 2, 19))) == D("436.80")
    # 20 Feb is outside: 34 whole months remain (21 Feb 2026 → 10 Jan 2029)
    # 436.80 × 34/36 = 412.5333 → 412.53 - 40 = 372.53
    assert refund(replace(req, cancel_on=date(2026, 2, 20))) == D("372.53")


def test_gap_cancel_1_day_after_cooling_off_uses_whole_months():
    # 10 Feb: 11 Feb 2026 → 10 Jan 2029 is 34 whole months → 372.53
    assert refund(replace(BASE, cancel_on=date(2026, 2, 10))) == D("372.53")


def test_gap_cancel_1_no_full_refund_when_a_claim_was_made():
    # a declined claim was "made": outside the 14-day statutory right the whole-months rule
    # applies even inside the 30 days: cancel 1 Feb → 2 Feb 2026 → 10 Jan 2029 = 35 months
    # 436.80 × 35/36 = 424.666 → 424.67 - 40 = 384.67
    req = replace(BASE, cancel_on=date(2026, 2, 1), claim=ClaimState.DECLINED)
    assert refund(req) == D("384.67")


def test_gap_cancel_3_declined_claim_within_statutory_14_days_daily_charge_only():
    # cancel on day 10 of cover (10..19 Jan = 10 days of 1,096): charge 436.80×10/1096 = 3.9854
    # → 3.99; refund 432.81, no retention fee (ICOBS 7.2, REGULATION §3.3)
    req = replace(BASE, cancel_on=date(2026, 1, 19), claim=ClaimState.DECLINED)
    assert refund(req) == D("432.81")


def test_gap_cancel_2_refunds_whole_months_less_retention_fee():
    # 21 Mar 2027 → 10 Jan 2029 = 21 whole months; 436.80 × 21/36 = 254.80 - 40 = 214.80
    decision = cancellation_refund(BASE, PARAMS)
    assert decision.amounts["refund"] == D("214.80")
    assert decision.data["basis"] == "whole_months"


def test_gap_cancel_2_day_before_monthiversary_keeps_that_month():
    # cancel 9 Jan 2027: 10 Jan 2027 → 10 Jan 2029 = 24 months: 291.20 - 40 = 251.20
    assert refund(replace(BASE, cancel_on=date(2027, 1, 9))) == D("251.20")
    # cancel 10 Jan 2027: 11 Jan 2027 → 10 Jan 2029 = 23 months: 279.0667 → 279.07 - 40 = 239.07
    assert refund(replace(BASE, cancel_on=date(2027, 1, 10))) == D("239.07")


def test_gap_cancel_2_refund_never_below_zero():
    # 12-month £100 policy, 3 months left: 25.00 - 40 → 0.00
    req = CancellationRequest(
        premium=D("100"),
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        purchased=date(2026, 1, 1),
        cancel_on=date(2026, 9, 30),
    )
    assert refund(req) == D("0.00")


def test_gap_cancel_2_whole_months_helpers_clamp_month_end():
    assert months_in_term(date(2026, 1, 31), date(2027, 1, 30)) == 12
    # 28 Feb 2026 → 31 Jan 2027 is 11 months and 3 days → 11
    assert whole_months_remaining(date(2026, 2, 27), date(2027, 1, 30)) == 11
    assert whole_months_remaining(date(2027, 1, 30), date(2027, 1, 30)) == 0


def test_gap_cancel_3_pending_claim_holds_the_request():
    with pytest.raises(DomainError) as err:
        cancellation_refund(replace(BASE, claim=ClaimState.PENDING), PARAMS)
    assert err.value.code is ErrorCode.CLAIM_PENDING
    assert err.value.rule == "GAP-CANCEL-3"


def test_gap_claim_4_paid_claim_means_no_refund_even_in_cooling_off():
    req = replace(BASE, cancel_on=date(2026, 1, 20), claim=ClaimState.PAID)
    decision = cancellation_refund(req, PARAMS)
    assert decision.amounts["refund"] == D("0.00")
    assert "GAP-CLAIM-4" in decision.rules


def test_gap_cancel_4_insurer_refunds_by_day_without_fee():
    # term 10 Jan 2026 .. 9 Jan 2029 = 1,096 days (2028 is a leap year); cover to 9 Jan 2027
    # = 365 days; charge 436.80 × 365/1096 = 145.467 → 145.47; refund 291.33, no £40
    req = replace(
        BASE,
        cancel_on=date(2027, 1, 9),
        by=CancelledBy.INSURER,
        reason=InsurerReason.NON_PAYMENT,
    )
    decision = cancellation_refund(req, PARAMS)
    assert decision.amounts["refund"] == D("291.33")
    assert decision.data["basis"] == "insurer_daily"


def test_gap_cancel_4_insurer_notice_is_30_days():
    assert insurer_cancellation_date(date(2026, 5, 1), PARAMS) == date(2026, 5, 31)


def test_gap_cancel_4_insurer_needs_a_reason():
    with pytest.raises(DomainError) as err:
        cancellation_refund(replace(BASE, by=CancelledBy.INSURER), PARAMS)
    assert err.value.field == "reason"


def test_gap_fraud_1_no_premium_returned_on_fraud():
    req = replace(BASE, by=CancelledBy.INSURER, reason=InsurerReason.FRAUD)
    decision = cancellation_refund(req, PARAMS)
    assert decision.amounts["refund"] == D("0.00")
    assert "GAP-FRAUD-1" in decision.rules
    # backdated: cover ends the day before the fraudulent act
    assert fraud_cancellation_date(date(2027, 6, 1)) == date(2027, 5, 31)


def test_gap_term_1_policy_ends_on_first_terminating_event():
    end = date(2029, 1, 9)
    assert termination(end=end).data["reason"] == TerminationReason.NATURAL_EXPIRY
    sold = termination(end=end, vehicle_disposed_on=date(2027, 4, 1), cancelled_on=date(2027, 5, 1))
    assert sold.data == {"ends_on": date(2027, 4, 1), "reason": "vehicle_disposed"}
    assert termination(end=end, cancelled_on=date(2026, 6, 1)).data["reason"] == "cancelled"


def test_gap_claim_4_payment_of_claim_terminates_policy():
    decision = termination(end=date(2029, 1, 9), claim_paid_on=date(2027, 8, 15))
    assert decision.data == {"ends_on": date(2027, 8, 15), "reason": "claim_paid"}
    assert decision.rules == ["GAP-CLAIM-4"]


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("end", {"end": date(2025, 12, 31)}),
        ("cancel_on", {"cancel_on": date(2026, 1, 9)}),
        ("cancel_on", {"cancel_on": date(2029, 1, 10)}),
        ("premium", {"premium": D("-1")}),
    ],
)
def test_bad_requests_name_the_field(field, change):
    with pytest.raises(DomainError) as err:
        cancellation_refund(replace(BASE, **change), PARAMS)
    assert err.value.field == field


@st.composite
def requests(draw, cooling_only=False):
    start = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
    term = draw(st.sampled_from([12, 24, 36, 48, 60]))
    from covernote.domain.calendar import add_months

    end = add_months(start, term) - timedelta(days=1)
    purchased = start - timedelta(days=draw(st.integers(0, 10)))
    docs = draw(st.none() | st.integers(0, 20).map(lambda n: purchased + timedelta(days=n)))
    if cooling_only:
        anchor = max(purchased, docs or purchased)
        latest = min(end, anchor + timedelta(days=30))
        assume(latest >= start)
        cancel = start + timedelta(days=draw(st.integers(0, (latest - start).days)))
    else:
        cancel = start + timedelta(days=draw(st.integers(0, (end - start).days)))
    by = CancelledBy.CUSTOMER if cooling_only else draw(st.sampled_from(CancelledBy))
    reason = draw(st.sampled_from(InsurerReason)) if by is CancelledBy.INSURER else None
    claim = (
        ClaimState.NONE
        if cooling_only
        else draw(st.sampled_from([ClaimState.NONE, ClaimState.PAID, ClaimState.DECLINED]))
    )
    premium = draw(st.decimals(min_value=0, max_value=5000, places=2))
    return CancellationRequest(
        premium=premium,
        start=start,
        end=end,
        purchased=purchased,
        documents_received=docs,
        cancel_on=cancel,
        claim=claim,
        by=by,
        reason=reason,
    )


@settings(max_examples=300, deadline=None)
@given(req=requests())
def test_property_refund_never_exceeds_premium_nor_below_zero(req):
    value = refund(req)
    assert D("0") <= value <= req.premium


@settings(max_examples=200, deadline=None)
@given(req=requests(cooling_only=True))
def test_property_cooling_off_refund_is_full(req):
    assert refund(req) == req.premium
