"""Payments (YD-PAY-1..3): instalments, CPA notice, re-spreading, bank details, card tokens."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from covernote.domain.errors import DomainError
from covernote.domain.young_driver.payments import (
    Instalment,
    card_token,
    check_collection_date,
    earliest_collection_date,
    instalment_plan,
    respread,
    split_pennies,
    validate_bank_account,
)

D = Decimal


def test_split_pennies_first_takes_remainder():
    # £100 / 3 = 33.333…: 33.33 twice, the first 100 − 66.66 = 33.34.
    assert split_pennies(D("100"), 3) == [D("33.34"), D("33.33"), D("33.33")]


def test_yd_pay_1_zero_apr_schedule_is_the_amount_monthly(params):
    # £1,000 over 10 at 0% → 10 × £100, due monthly from 31 Jan (clamped: 28 Feb, 31 Mar).
    plan = instalment_plan(
        amount_financed=D("1000"), first_due=date(2026, 1, 31), params=params, apr=D("0")
    )
    assert plan.total_charge_for_credit == D("0")
    assert [i.amount for i in plan.instalments] == [D("100.00")] * 10
    assert [i.due for i in plan.instalments[:3]] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]


def test_yd_pay_1_apr_gives_annuity_charge(params):
    # 24.9% APR → monthly rate i = 1.249^(1/12) − 1 ≈ 0.0187013. Level payment on
    # £1,000 over 10 months ≈ 110.57 (1000·i / (1 − (1+i)^−10) with (1+i)^10 = 1.249^(10/12)
    # ≈ 1.20357), so the charge for credit is ≈ £105.7. Check the discounted
    # payments repay the principal to within the rounding.
    plan = instalment_plan(amount_financed=D("1000"), first_due=date(2026, 2, 1), params=params)
    assert D("105") < plan.total_charge_for_credit < D("106.5")
    i = (1.249 ** (1 / 12)) - 1
    level = float(plan.total_payable) / 10
    present_value = sum(level / (1 + i) ** k for k in range(1, 11))
    assert abs(present_value - 1000) < 0.05


@given(
    amount=st.decimals(min_value=D("1.00"), max_value=D("20000.00"), places=2),
    apr=st.decimals(min_value=D("0"), max_value=D("0.5"), places=3),
    count=st.integers(min_value=1, max_value=12),
)
def test_property_instalments_sum_to_the_financed_total(params, amount, apr, count):
    plan = instalment_plan(
        amount_financed=amount,
        first_due=date(2026, 1, 1),
        params=params,
        apr=apr,
        instalments=count,
    )
    assert sum(i.amount for i in plan.instalments) == plan.total_payable
    assert plan.total_payable == amount + plan.total_charge_for_credit
    assert all(i.amount == i.amount.quantize(D("0.01")) for i in plan.instalments)


def test_yd_pay_2_nothing_collected_before_fourteen_days_notice(params):
    # Notice 1 Mar → earliest collection 15 Mar.
    assert earliest_collection_date(date(2026, 3, 1), params) == date(2026, 3, 15)
    check_collection_date(date(2026, 3, 1), date(2026, 3, 15), params)
    with pytest.raises(DomainError) as err:
        check_collection_date(date(2026, 3, 1), date(2026, 3, 14), params)
    assert err.value.rule == "YD-PAY-2"


def test_yd_pay_3_change_respread_over_instalments_after_notice(params):
    # Notice 20 Jan → earliest 3 Feb: the Mar and Apr instalments take +£10.01,
    # 5.01 (remainder) and 5.00.
    schedule = tuple(
        Instalment(n, date(2026, m, 1), D("100.00")) for n, m in enumerate((1, 2, 3, 4), 1)
    )
    new, d = respread(schedule, D("10.01"), date(2026, 1, 20), params)
    assert [i.amount for i in new] == [D("100.00"), D("100.00"), D("105.01"), D("105.00")]
    assert d.outcome == "respread"
    # No instalment left after the notice → the card is charged.
    _, d2 = respread(schedule, D("10.01"), date(2026, 3, 25), params)
    assert d2.outcome == "card"


def test_yd_pay_1_bank_account_format_and_modulus_hook():
    acc = validate_bank_account("12-34-56", "1234 5678")
    assert (acc.sort_code, acc.account_number) == ("123456", "12345678")
    with pytest.raises(DomainError) as err:
        validate_bank_account("12345", "12345678")
    assert err.value.field == "sort_code"
    with pytest.raises(DomainError) as err:
        validate_bank_account("123456", "1234567")
    assert err.value.field == "account_number"
    with pytest.raises(DomainError):
        validate_bank_account("123456", "12345678", modulus_check=lambda sc, acc: False)


def test_card_number_never_stored_only_token():
    with pytest.raises(DomainError):
        card_token("4111 1111 1111 1111", "1111")  # a Luhn-valid test PAN
    assert card_token("tok_abc123", "4242").token == "tok_abc123"
