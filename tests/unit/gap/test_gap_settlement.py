"""GAP claim benefit: the SPEC 8-step calculation (GAP-COVER, GAP-BEST-1, GAP-EXCL-8/12/14/18,
GAP-LIMIT, PLT-10). Expected figures are worked by hand in the comments."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.calculators.gap_claim import load_gap_params
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.settlement import ClaimInput, gap_benefit

PARAMS = load_gap_params()
D = Decimal

# The SPEC worked example: P 20,000, S 12,500, no finance, excess 350, LIM 10,000.
EXAMPLE = ClaimInput(
    purchase_price=D("20000"),
    settlement=D("12500"),
    motor_excess=D("350"),
    limit_of_liability=D("10000"),
)


def pay(claim: ClaimInput) -> Decimal:
    return gap_benefit(claim, PARAMS).amounts["payable"]


def test_worked_example_pays_7850():
    # shortfall 20,000 - 12,500 = 7,500; + excess 350 = 7,850.00 (within the 10,000 limit)
    decision = gap_benefit(EXAMPLE, PARAMS)
    assert decision.amounts["payable"] == D("7850.00")
    assert decision.rules == ["GAP-BEST-1", "GAP-COVER-1", "GAP-COVER-3", "GAP-LIMIT"]


def test_gap_cover_1_pays_purchase_price_less_settlement():
    # no excess: 20,000 - 12,500 = 7,500.00
    assert pay(replace(EXAMPLE, motor_excess=D("0"))) == D("7500.00")


def test_gap_cover_1_finance_below_purchase_price_uses_purchase_price():
    # OFB 15,000 < P 20,000 → target stays P: 7,500 + 350 = 7,850.00
    assert pay(replace(EXAMPLE, outstanding_finance=D("15000"))) == D("7850.00")


def test_gap_cover_2_pays_outstanding_finance_when_above_purchase_price():
    # OFB 22,000 > P 20,000 → target 22,000; 22,000 - 12,500 = 9,500 + 350 = 9,850.00
    claim = replace(EXAMPLE, outstanding_finance=D("22000"), limit_of_liability=D("25000"))
    decision = gap_benefit(claim, PARAMS)
    assert decision.amounts["payable"] == D("9850.00")
    assert "GAP-COVER-2" in decision.rules


def test_gap_cover_3_pays_excess_even_without_shortfall():
    # S 16,000 above P 15,000 → shortfall 0; the excess benefit 250 is still paid
    claim = replace(
        EXAMPLE, purchase_price=D("15000"), settlement=D("16000"), motor_excess=D("250")
    )
    assert pay(claim) == D("250.00")


def test_gap_excl_12_excess_over_500_not_covered():
    # excess 750 capped at 500: 7,500 + 500 = 8,000.00
    decision = gap_benefit(replace(EXAMPLE, motor_excess=D("750")), PARAMS)
    assert decision.amounts["payable"] == D("8000.00")
    assert "GAP-EXCL-12" in decision.rules


def test_gap_best_1_accepted_below_market_value_uses_market_value():
    # accepted 11,000 < MV 13,000 → base max(12,500, 13,000) = 13,000; 20,000 - 13,000 = 7,000
    claim = replace(
        EXAMPLE, motor_excess=D("0"), accepted_settlement=D("11000"), market_value=D("13000")
    )
    assert pay(claim) == D("7000.00")


def test_gap_best_1_waiver_keeps_settlement_and_warns():
    claim = replace(
        EXAMPLE,
        motor_excess=D("0"),
        accepted_settlement=D("11000"),
        market_value=D("13000"),
        waive_market_value=True,
    )
    decision = gap_benefit(claim, PARAMS)
    assert decision.amounts["payable"] == D("7500.00")  # base stays S 12,500
    assert any("GAP-BEST-1" in w for w in decision.warnings)


def test_gap_best_1_accepted_at_or_above_market_value_uses_settlement():
    # accepted 12,500 >= MV 12,000 → base S 12,500 → 7,500 + 350
    assert pay(replace(EXAMPLE, market_value=D("12000"))) == D("7850.00")


def test_gap_excl_8_finance_above_market_value_at_purchase_not_covered():
    # advanced 23,000 vs MVp 21,000 → 2,000 removed: OFB 24,000 → 22,000 > P
    # 22,000 - 12,500 = 9,500 (no excess)
    claim = replace(
        EXAMPLE,
        motor_excess=D("0"),
        limit_of_liability=D("25000"),
        outstanding_finance=D("24000"),
        amount_advanced=D("23000"),
        market_value_at_purchase=D("21000"),
    )
    decision = gap_benefit(claim, PARAMS)
    assert decision.amounts["payable"] == D("9500.00")
    assert "GAP-EXCL-8" in decision.rules


def test_gap_excl_8_needs_both_figures():
    with pytest.raises(DomainError) as err:
        gap_benefit(replace(EXAMPLE, amount_advanced=D("1000")), PARAMS)
    assert err.value.field == "market_value_at_purchase"
    assert err.value.rule == "GAP-EXCL-8"


def test_gap_excl_14_removes_vat_element_when_recovered():
    # shortfall 7,500 × 0.2/1.2 = 1,250.00 → 6,250 + excess 350 = 6,600.00
    assert pay(replace(EXAMPLE, vat_recovered=True)) == D("6600.00")


def test_gap_excl_14_vat_element_rounded_half_up():
    # shortfall 7,777.77; VAT 7,777.77/6 = 1,296.295 → 1,296.30; 7,777.77 - 1,296.30 = 6,481.47
    claim = replace(EXAMPLE, purchase_price=D("20277.77"), motor_excess=D("0"), vat_recovered=True)
    assert pay(claim) == D("6481.47")


def test_gap_excl_18_same_percentage_as_motor_insurer():
    # 7,850 × (1 - 0.33333) = 7,850 × 0.66667 = 5,233.3595 → 5,233.36
    assert pay(replace(EXAMPLE, contributory_percent=D("33.333"))) == D("5233.36")


def test_gap_excl_18_same_amount_as_motor_insurer_floored_at_zero():
    assert pay(replace(EXAMPLE, contributory_amount=D("1000"))) == D("6850.00")
    assert pay(replace(EXAMPLE, contributory_amount=D("10000"))) == D("0.00")


def test_gap_excl_18_percent_and_amount_not_both():
    with pytest.raises(DomainError) as err:
        gap_benefit(
            replace(EXAMPLE, contributory_percent=D("10"), contributory_amount=D("10")), PARAMS
        )
    assert err.value.rule == "GAP-EXCL-18"


def test_gap_limit_caps_benefit_including_excess():
    # shortfall 10,000 + excess 300 = 10,300 → limited to 10,000.00
    claim = replace(EXAMPLE, settlement=D("10000"), motor_excess=D("300"))
    decision = gap_benefit(claim, PARAMS)
    assert decision.amounts["payable"] == D("10000.00")
    assert decision.steps[-1].rule == "GAP-LIMIT"


def test_plt_10_careless_misrepresentation_pays_proportionately():
    # 7,850 × 200 / 300 = 5,233.333 → 5,233.33
    claim = replace(EXAMPLE, premium_charged=D("200"), premium_would_have_charged=D("300"))
    decision = gap_benefit(claim, PARAMS)
    assert decision.amounts["payable"] == D("5233.33")
    assert decision.rules[-1] == "PLT-10"


def test_plt_10_applies_after_the_limit():
    # P 30,000 - S 15,000 = 15,000 → limit 10,000 → × 100/200 = 5,000.00 (not 7,500)
    claim = ClaimInput(
        purchase_price=D("30000"),
        settlement=D("15000"),
        motor_excess=D("0"),
        limit_of_liability=D("10000"),
        premium_charged=D("100"),
        premium_would_have_charged=D("200"),
    )
    assert pay(claim) == D("5000.00")


def test_plt_10_no_reduction_when_premium_would_not_be_higher():
    claim = replace(EXAMPLE, premium_charged=D("300"), premium_would_have_charged=D("300"))
    assert pay(claim) == D("7850.00")


def test_negative_money_refused_naming_field():
    with pytest.raises(DomainError) as err:
        gap_benefit(replace(EXAMPLE, settlement=D("-1")), PARAMS)
    assert err.value.code is ErrorCode.INVALID
    assert err.value.field == "settlement"


money = st.decimals(min_value=0, max_value=200_000, places=2, allow_nan=False, allow_infinity=False)
optional_money = st.none() | money


@settings(max_examples=300, deadline=None)
@given(
    p=money,
    s=money,
    e=st.decimals(min_value=0, max_value=2_000, places=2),
    lim=st.sampled_from([D(x) for x in ("5000", "10000", "15000", "25000", "50000")]),
    accepted=optional_money,
    mv=optional_money,
    ofb=optional_money,
    vat=st.booleans(),
    waive=st.booleans(),
    pct=st.none() | st.decimals(min_value=0, max_value=100, places=3),
    charged=st.decimals(min_value=1, max_value=2_000, places=2),
    extra=st.decimals(min_value=0, max_value=2_000, places=2),
)
def test_property_benefit_never_negative_nor_above_limit(
    p, s, e, lim, accepted, mv, ofb, vat, waive, pct, charged, extra
):
    claim = ClaimInput(
        purchase_price=p,
        settlement=s,
        motor_excess=e,
        limit_of_liability=lim,
        accepted_settlement=accepted,
        market_value=mv,
        outstanding_finance=ofb,
        vat_recovered=vat,
        waive_market_value=waive,
        contributory_percent=pct,
        premium_charged=charged,
        premium_would_have_charged=charged + extra,
    )
    payable = pay(claim)
    assert D("0") <= payable <= lim
    assert payable == payable.quantize(D("0.01"))
