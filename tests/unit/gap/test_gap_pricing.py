"""Price and quote (GAP-PRICE-1, PLT-8) and the deferred opt-in (GAP-SALE-1)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from covernote.calculators.gap_claim import load_gap_params
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.pricing import is_quote_valid, price_quote, quote_expiry
from covernote.domain.gap.sale import check_conclusion, earliest_conclusion_date

PARAMS = load_gap_params()
D = Decimal


def band(code: str):
    return next(b for b in PARAMS.rates.bands if b.code == code)


def quote(**kw):
    args = {
        "term_months": 36,
        "limit_of_liability": D("10000"),
        "purchase_price": D("18000"),
        "quote_date": date(2026, 2, 1),
        "params": PARAMS,
    }
    args.update(kw)
    return price_quote(**args)


def test_gap_price_1_net_from_rate_table_ipt_on_top():
    decision = quote()
    net = band("B").net_premiums[36][D("10000")]  # £18,000 sits in band B (£10k–£20k)
    assert decision.data["band"] == "B"
    assert decision.amounts["net_premium"] == net
    # IPT 12 % half-up to the penny, gross = net + IPT
    ipt = (net * D("0.12")).quantize(D("0.01"))
    assert decision.amounts["ipt"] == ipt
    assert decision.amounts["gross_premium"] == net + ipt
    assert {"GAP-PRICE-1", "PLT-8"} <= set(decision.rules)


def test_gap_price_1_configured_rate_236_gives_gross_264_32():
    # TOML band B, 36 months, £10k limit = £236.00; IPT 12 % = 28.32; gross 264.32
    decision = quote()
    assert (decision.amounts["net_premium"], decision.amounts["gross_premium"]) == (
        D("236.00"),
        D("264.32"),
    )


def test_plt_8_ipt_rate_is_effective_dated():
    # before 1 Jun 2017 the standard rate was 10 %: 236.00 × 0.10 = 23.60
    assert quote(quote_date=date(2017, 5, 31)).amounts["ipt"] == D("23.60")
    assert PARAMS.ipt_rate_on(date(2017, 6, 1)) == D("0.12")


def test_gap_price_1_band_upper_bound_is_inclusive():
    assert quote(purchase_price=D("20000.00")).data["band"] == "B"
    assert quote(purchase_price=D("20000.01")).data["band"] == "C"


def test_gap_price_1_quote_expires_after_validity_days():
    # 1 Feb 2026 + 30 days = 3 Mar 2026
    assert quote().data["expires_on"] == date(2026, 3, 3)
    assert quote_expiry(date(2026, 2, 1), PARAMS) == date(2026, 3, 3)
    assert is_quote_valid(date(2026, 2, 1), date(2026, 3, 3), PARAMS)
    assert not is_quote_valid(date(2026, 2, 1), date(2026, 3, 4), PARAMS)


@pytest.mark.parametrize(
    ("field", "kw"),
    [
        ("term_months", {"term_months": 18}),
        ("term_months", {"term_months": 72}),
        ("limit_of_liability", {"limit_of_liability": D("7500")}),
        ("purchase_price", {"purchase_price": D("125000.01")}),
    ],
)
def test_gap_price_1_refuses_outside_the_table(field, kw):
    with pytest.raises(DomainError) as err:
        quote(**kw)
    assert err.value.code is ErrorCode.INVALID
    assert err.value.rule == "GAP-PRICE-1"
    assert err.value.field == field


def test_gap_price_1_warns_when_limit_above_price():
    assert quote(purchase_price=D("8000"), limit_of_liability=D("25000")).warnings


def test_gap_sale_1_two_clear_days_after_prescribed_information():
    # information on day 1 (2 Mar) → conclusion on day 4 (5 Mar) at the earliest
    kw = {"prescribed_info_given_on": date(2026, 3, 2), "sold_with_vehicle": True}
    assert earliest_conclusion_date(**kw, customer_initiated=False, params=PARAMS) == date(
        2026, 3, 5
    )
    # customer-initiated: the day after
    assert earliest_conclusion_date(**kw, customer_initiated=True, params=PARAMS) == date(
        2026, 3, 3
    )
    with pytest.raises(DomainError) as err:
        check_conclusion(
            **kw, customer_initiated=False, conclude_on=date(2026, 3, 4), params=PARAMS
        )
    assert err.value.rule == "GAP-SALE-1"
    ok = check_conclusion(
        **kw, customer_initiated=False, conclude_on=date(2026, 3, 5), params=PARAMS
    )
    assert ok.outcome == "may_conclude"


def test_gap_sale_1_switch_and_standalone_sales():
    off = replace(PARAMS, sale=replace(PARAMS.sale, deferred_opt_in=False))
    kw = {"prescribed_info_given_on": date(2026, 3, 2), "customer_initiated": False}
    assert earliest_conclusion_date(**kw, sold_with_vehicle=True, params=off) == date(2026, 3, 2)
    assert earliest_conclusion_date(**kw, sold_with_vehicle=False, params=PARAMS) == date(
        2026, 3, 2
    )
    with pytest.raises(DomainError) as err:
        check_conclusion(
            prescribed_info_given_on=None,
            sold_with_vehicle=True,
            customer_initiated=False,
            conclude_on=date(2026, 3, 9),
            params=PARAMS,
        )
    assert err.value.code is ErrorCode.REQUIRED


def test_gap_sale_1_earliest_start_is_known_at_quote_time():
    from covernote.domain.gap.sale import earliest_start

    # Connected sale, information given on the quote day (2 Mar): cover from 5 Mar.
    d = earliest_start(
        quote_date=date(2026, 3, 2),
        prescribed_info_given_on=date(2026, 3, 2),
        sold_with_vehicle=True,
        customer_initiated=False,
        params=PARAMS,
    )
    assert d.data["earliest_start"] == date(2026, 3, 5)
    assert d.steps[-1].rule == "GAP-SALE-1"
    # Information given a week before the quote: nothing to wait for.
    d = earliest_start(
        quote_date=date(2026, 3, 9),
        prescribed_info_given_on=date(2026, 3, 2),
        sold_with_vehicle=True,
        customer_initiated=False,
        params=PARAMS,
    )
    assert d.data["earliest_start"] == date(2026, 3, 9)
    # Standalone: from the quote day.
    d = earliest_start(
        quote_date=date(2026, 3, 2),
        prescribed_info_given_on=None,
        sold_with_vehicle=False,
        customer_initiated=False,
        params=PARAMS,
    )
    assert d.data["earliest_start"] == date(2026, 3, 2)


def test_gap_sale_1_connected_quote_needs_the_information_date_and_not_a_future_one():
    from covernote.domain.gap.sale import earliest_start

    kw = {"sold_with_vehicle": True, "customer_initiated": False, "params": PARAMS}
    with pytest.raises(DomainError) as err:
        earliest_start(quote_date=date(2026, 3, 2), prescribed_info_given_on=None, **kw)
    assert (err.value.rule, err.value.field) == ("GAP-SALE-1", "prescribed_info_given_on")
    with pytest.raises(DomainError) as err:
        earliest_start(quote_date=date(2026, 3, 2), prescribed_info_given_on=date(2026, 3, 3), **kw)
    assert (err.value.rule, err.value.field) == ("GAP-SALE-1", "prescribed_info_given_on")
