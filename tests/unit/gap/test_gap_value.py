"""Fair-value figures (GAP-VALUE-1)."""

from datetime import date
from decimal import Decimal

from covernote.domain.gap.value import (
    ClaimOutcome,
    ClaimRow,
    ComplaintRow,
    PolicyRow,
    fair_value,
    fair_value_by_distributor,
)

D = Decimal
POLICIES = [
    PolicyRow("Broker A", date(2026, 1, 5), D("300.00"), D("60.00")),
    PolicyRow(
        "Broker A", date(2026, 2, 5), D("500.00"), D("100.00"), date(2026, 3, 1), D("450.00")
    ),
    PolicyRow("Broker B", date(2026, 2, 10), D("200.00"), D("20.00")),
    PolicyRow("Broker A", date(2025, 12, 31), D("999.00"), D("99.00")),  # before the period
]
CLAIMS = [
    ClaimRow("Broker A", date(2026, 2, 1), ClaimOutcome.PAID, date(2026, 2, 11), D("40.00")),
    ClaimRow("Broker A", date(2026, 2, 1), ClaimOutcome.DECLINED, date(2026, 2, 21)),
    ClaimRow("Broker B", date(2026, 3, 1), ClaimOutcome.PAID, date(2026, 3, 6), D("20.00")),
    ClaimRow("Broker B", date(2026, 3, 2), ClaimOutcome.OPEN),
]
COMPLAINTS = [
    ComplaintRow("Broker A", date(2026, 3, 3)),
    ComplaintRow("Broker B", date(2027, 1, 1)),
]
Q1 = {"period_from": date(2026, 1, 1), "period_to": date(2026, 3, 31)}


def test_gap_value_1_product_figures_for_a_period():
    f = fair_value(policies=POLICIES, claims=CLAIMS, complaints=COMPLAINTS, **Q1)
    # GWP 300 + 500 + 200 = 1,000; claims paid 40 + 20 = 60 → 6.00 %
    assert f.gross_written_premium == D("1000.00")
    assert f.claims_paid == D("60.00")
    assert f.claims_ratio_percent == D("6.00")
    # 2 paid of 3 decided → 66.67 %; average claim 30.00
    assert f.acceptance_rate_percent == D("66.67")
    assert f.average_claim == D("30.00")
    # commission 60 + 100 + 20 = 180 of 1,000 → 18.00 %
    assert f.commission_percent == D("18.00")
    assert (f.cancellations, f.refunds, f.complaints, f.claims_open_count) == (1, D("450.00"), 1, 1)
    # turnaround 10, 20 and 5 days → 11.7
    assert f.average_turnaround_days == D("11.7")


def test_gap_value_1_per_distributor():
    by = fair_value_by_distributor(policies=POLICIES, claims=CLAIMS, complaints=COMPLAINTS, **Q1)
    assert set(by) == {"Broker A", "Broker B"}
    b = by["Broker B"]
    # GWP 200, paid 20 → 10 %; commission 20 → 10 %; no complaint inside the period
    assert (b.claims_ratio_percent, b.commission_percent, b.complaints) == (
        D("10.00"),
        D("10.00"),
        0,
    )


def test_gap_value_1_empty_period_has_no_ratios():
    f = fair_value(
        policies=POLICIES,
        claims=CLAIMS,
        complaints=COMPLAINTS,
        period_from=date(2030, 1, 1),
        period_to=date(2030, 12, 31),
    )
    assert f.gross_written_premium == D("0.00")
    assert f.claims_ratio_percent is None and f.average_claim is None
