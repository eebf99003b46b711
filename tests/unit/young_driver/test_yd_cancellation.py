"""Young Driver cancellation (YD-CANCEL-1..5, YD-VOID-1, YD-FEE-*; REGULATION §3.1)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from covernote.domain.errors import DomainError
from covernote.domain.young_driver.cancellation import (
    CancellationRequest,
    CancelledBy,
    FeesPaid,
    PremiumSegment,
    cancellation_refund,
    single_premium,
    smartbox_return_refund,
)

START, END = date(2026, 1, 1), date(2026, 12, 31)  # 365 days
D = Decimal


def request(cancel_on, premium="1200", **kw):
    return CancellationRequest(
        start=kw.pop("start", START),
        end=kw.pop("end", END),
        cancel_on=cancel_on,
        premium_paid=D(premium),
        segments=kw.pop("segments", single_premium(kw.get("start", START), D(premium))),
        **kw,
    )


def test_yd_cancel_1_daily_pro_rata_charge(params):
    # 1 Jan – 1 Mar 2026 = 31 + 28 + 1 = 60 days; 1200 × 60 / 365 = 197.2603 → 197.26;
    # premium refund 1200 − 197.26 = 1002.74.
    q = cancellation_refund(request(date(2026, 3, 1)), params)
    assert q.premium_refund == D("1002.74")


def test_yd_cancel_1_segments_after_mid_term_change(params):
    # £1000 from 1 Jan, £1200 from 1 Apr (review). Cancel 30 Jun.
    # Jan–Mar = 90 days: 1000 × 90/365 = 246.575 → 246.58
    # Apr–Jun = 91 days: 1200 × 91/365 = 299.178 → 299.18; charge 545.76.
    # Paid 1000 + review charge 150.68 = 1150.68; premium refund 604.92; − £50 fee = 554.92.
    segments = (PremiumSegment(START, D("1000")), PremiumSegment(date(2026, 4, 1), D("1200")))
    q = cancellation_refund(
        request(date(2026, 6, 30), premium="1150.68", segments=segments), params
    )
    assert q.premium_refund == D("604.92")
    assert q.refund == D("554.92")


def test_yd_cancel_2_cooling_off_no_fee_listed_fees_half_back_on_box_return(params):
    # Documents received 5 Jan → cooling off to 19 Jan. Cancel (notice) 19 Jan: 19 days,
    # 1200 × 19/365 = 62.466 → 62.47; refund 1137.53, no cancellation fee.
    # Arrangement £100 retained; 50% (£50) back if the box is returned by 2 Feb.
    q = cancellation_refund(
        request(
            date(2026, 1, 19),
            documents_received=date(2026, 1, 5),
            fees_paid=FeesPaid(arrangement=D("100")),
        ),
        params,
    )
    assert q.in_cooling_off
    assert q.cancellation_fee == D("0")
    assert q.refund == D("1137.53")
    assert q.box_credit == D("50.00")
    assert q.decision.amounts["fees_retained"] == D("100")
    assert smartbox_return_refund(q, date(2026, 2, 2)).amounts["refund"] == D("50.00")


def test_yd_fee_arr_ren_cov_new_half_refundable_in_cooling_off_others_retained(params):
    # Listed fees: 100 + 50 + 75 = 225 → 50% = 112.50. Not listed: keep-box 50 + MTA 25.
    fees = FeesPaid(
        arrangement=D("100"),
        renewal=D("50"),
        vehicle_change_new_box=D("75"),
        vehicle_change_keep_box=D("50"),
        mid_term_adjustment=D("25"),
    )
    q = cancellation_refund(request(date(2026, 1, 10), fees_paid=fees), params)
    assert q.box_credit == D("112.50")
    assert q.decision.amounts["fees_retained"] == D("300")


def test_yd_cancel_2_anchor_is_start_without_documents_date(params):
    # Start 1 Jan + 14 = 15 Jan last cooling-off day; 16 Jan is after it.
    assert cancellation_refund(request(date(2026, 1, 15)), params).in_cooling_off
    assert not cancellation_refund(request(date(2026, 1, 16)), params).in_cooling_off


def test_yd_cancel_3_after_cooling_off_fifty_pound_fee_half_back(params):
    # Refund 1002.74 − 50 = 952.74; box back by 15 Mar → £25 more.
    q = cancellation_refund(
        request(date(2026, 3, 1), fees_paid=FeesPaid(arrangement=D("100"))), params
    )
    assert q.cancellation_fee == D("50")
    assert q.refund == D("952.74")
    assert q.box_credit == D("25.00")
    assert smartbox_return_refund(q, date(2026, 3, 15)).amounts["refund"] == D("25.00")
    # YD-FEE-CANX: fees retained = £100 arrangement + £50 fee before any box return.
    assert q.decision.amounts["fees_retained"] == D("150")


def test_yd_fee_canx_only_what_the_refund_covered_is_credited(params):
    # Premium 365, cancel 1 Dec (335 days): charge 335.00, premium refund 30.00.
    # The £50 fee takes all 30 → refund 0. Box returned: max(0, 30 + 25 − 50) = 5.
    q = cancellation_refund(request(date(2026, 12, 1), premium="365"), params)
    assert q.refund == D("0")
    assert smartbox_return_refund(q, date(2026, 12, 5)).amounts["refund"] == D("5.00")


def test_yd_cancel_4_late_box_return_refunds_nothing_and_refund_due_in_30_days(params):
    q = cancellation_refund(request(date(2026, 3, 1)), params)
    # Last day of cover 1 Mar + 14 = 15 Mar; 16 Mar is late.
    assert smartbox_return_refund(q, date(2026, 3, 16)).amounts["refund"] == D("0")
    # ICOBS 7: notice 1 Mar + 30 days = 31 Mar.
    assert q.refund_due_by == date(2026, 3, 31)


def test_yd_cancel_5_cancellation_by_us_needs_seven_days_notice(params):
    with pytest.raises(DomainError) as err:
        cancellation_refund(
            request(date(2026, 3, 7), by=CancelledBy.US, notice_date=date(2026, 3, 1)), params
        )
    assert err.value.rule == "YD-CANCEL-5"
    # 1 Mar + 7 = 8 Mar: allowed; same fee rules (after cooling off: £50).
    q = cancellation_refund(
        request(date(2026, 3, 8), by=CancelledBy.US, notice_date=date(2026, 3, 1)), params
    )
    assert q.cancellation_fee == D("50")
    assert "YD-CANCEL-5" in q.decision.rules


def test_yd_void_1_fraud_keeps_all_premium(params):
    q = cancellation_refund(
        request(date(2026, 3, 1), void_for_fraud=True, fees_paid=FeesPaid(arrangement=D("100"))),
        params,
    )
    assert q.refund == D("0")
    assert smartbox_return_refund(q, date(2026, 3, 2)).amounts["refund"] == D("0")
    assert "YD-VOID-1" in q.decision.rules


def test_cancel_before_start_refused_naming_cancel_on(params):
    with pytest.raises(DomainError) as err:
        cancellation_refund(request(date(2025, 12, 31)), params)
    assert err.value.field == "cancel_on"


money = st.decimals(min_value=D("0"), max_value=D("9999.99"), places=2)


@given(
    premium=money,
    leap=st.booleans(),
    offset=st.integers(min_value=0, max_value=364),
    docs=st.one_of(st.none(), st.integers(min_value=0, max_value=40)),
    arrangement=money,
    renewal=money,
    new_box=money,
    returned=st.one_of(st.none(), st.integers(min_value=-5, max_value=30)),
    by=st.sampled_from(list(CancelledBy)),
    void=st.booleans(),
)
def test_property_refund_never_exceeds_what_was_paid(
    params, premium, leap, offset, docs, arrangement, renewal, new_box, returned, by, void
):
    start = date(2027, 6, 1) if leap else date(2026, 1, 1)  # 2027-06→2028-05 has 29 Feb
    end = start.replace(year=start.year + 1) - timedelta(days=1)
    fees = FeesPaid(arrangement=arrangement, renewal=renewal, vehicle_change_new_box=new_box)
    cancel_on = start + timedelta(days=offset)
    q = cancellation_refund(
        CancellationRequest(
            start=start,
            end=end,
            cancel_on=cancel_on,
            premium_paid=premium,
            segments=single_premium(start, premium),
            fees_paid=fees,
            documents_received=None if docs is None else start + timedelta(days=docs),
            by=by,
            void_for_fraud=void,
        ),
        params,
    )
    total = q.refund
    if returned is not None:
        total += smartbox_return_refund(q, cancel_on + timedelta(days=returned)).amounts["refund"]
    assert D("0") <= q.refund <= premium
    assert D("0") <= total <= premium + fees.total


# --------------------------------------------------------------------------- YD-PAY-2 netting


def test_yd_pay_2_yd_cancel_1_scheduled_collection_is_not_paid_and_is_netted(params):
    # £1,000 collected at purchase; an MTA on 1 Mar raised the rate to £1,500 and notified
    # £411.51 premium + £25 fee, collectable only after the 14-day notice (YD-PAY-2).
    # Cancelled 5 Mar (after the cooling off): the premium for the term is the collected
    # £1,000 plus the notified £411.51; the refund is worked out on that and the notified
    # collection, not yet taken, is cancelled and set against it.
    from covernote.domain.young_driver.cancellation import Outstanding

    mta = date(2026, 3, 1)
    segments = (PremiumSegment(START, D("1000")), PremiumSegment(mta, D("1500")))
    notified = Outstanding(
        amount=D("436.51"), premium_part=D("411.51"), collect_on=date(2026, 3, 15), label="MTA"
    )
    q = cancellation_refund(
        request(
            date(2026, 3, 5),
            premium="1000",
            segments=segments,
            outstanding=(notified,),
        ),
        params,
    )
    # Charge: 1000 × 59/365 = 161.64; 1500 × 5/365 = 20.55 → 182.19.
    assert q.premium_collected == D("1000")
    assert q.premium_refund == D("1000") + D("411.51") - D("182.19")
    before_netting = q.premium_refund - q.cancellation_fee
    assert q.outstanding_netted == D("436.51")
    assert q.refund == before_netting - D("436.51")
    assert q.balance_to_collect == D("0")
    assert q.refund <= q.premium_collected  # never more than was collected
    rules = [s.rule for s in q.decision.steps]
    assert "YD-PAY-2" in rules
    netting = [s for s in q.decision.steps if s.rule == "YD-PAY-2"]
    assert any(s.amount == D("436.51") for s in netting)


def test_yd_pay_2_notified_collection_larger_than_refund_leaves_a_balance_to_collect(params):
    # Near the end of the term after a big increase: the refund on the premium account is
    # smaller than the notified collection → the collection is cancelled and only the
    # balance is collected (after a fresh notice).
    from covernote.domain.young_driver.cancellation import Outstanding

    change = date(2026, 11, 1)
    segments = (PremiumSegment(START, D("1000")), PremiumSegment(change, D("3000")))
    notified = Outstanding(
        amount=D("353.70"), premium_part=D("328.70"), collect_on=date(2026, 11, 15), label="MTA"
    )
    q = cancellation_refund(
        request(date(2026, 12, 20), premium="1000", segments=segments, outstanding=(notified,)),
        params,
    )
    assert q.refund == D("0")
    on_account = max(D("0"), q.premium_refund - q.cancellation_fee)
    assert q.balance_to_collect == D("353.70") - on_account
    assert q.balance_to_collect > 0


@given(
    collected=st.integers(0, 300_000),
    notified=st.lists(st.tuples(st.integers(-50_000, 80_000), st.integers(0, 7_500)), max_size=3),
    days=st.integers(0, 364),
    notice_offset=st.integers(0, 30),
)
def test_yd_cancel_1_refund_never_exceeds_what_was_collected(
    params, collected, notified, days, notice_offset
):
    from covernote.domain.young_driver.cancellation import Outstanding

    premium = D(collected) / 100
    outstanding = tuple(
        Outstanding(amount=D(p + f) / 100, premium_part=D(p) / 100, collect_on=END, label=f"n{i}")
        for i, (p, f) in enumerate(notified)
    )
    charged = premium + sum((o.premium_part for o in outstanding), D(0))
    if charged < 0:
        return
    cancel_on = START + timedelta(days=days)
    q = cancellation_refund(
        request(
            cancel_on,
            premium=str(premium),
            segments=single_premium(START, charged),
            outstanding=outstanding,
            notice_date=min(cancel_on, START + timedelta(days=notice_offset)),
        ),
        params,
    )
    refunds_notified = -sum((o.amount for o in outstanding if o.amount < 0), D(0))
    assert q.refund >= 0 and q.balance_to_collect >= 0
    assert q.refund == 0 or q.balance_to_collect == 0
    # The cash paid back never exceeds the premium collected plus refunds already notified.
    assert q.refund <= premium + refunds_notified
    # Netting is exact: what is paid or collected equals the account figure less the notified.
    on_account = max(D(0), q.premium_refund - q.cancellation_fee)
    assert q.refund - q.balance_to_collect == on_account - q.outstanding_netted
