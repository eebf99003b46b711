"""Money conventions (G1): Decimal, half-up to the penny, floats refused."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from covernote.domain.errors import DomainError
from covernote.domain.money import (
    floor_zero,
    format_money,
    from_pence,
    non_negative_money,
    round_money,
    to_money,
    to_pence,
)


def test_g1_half_up_rounding():
    assert round_money(Decimal("2.345")) == Decimal("2.35")
    assert round_money(Decimal("2.344")) == Decimal("2.34")
    assert round_money(Decimal("-2.345")) == Decimal("-2.35")


def test_g1_float_refused_with_field():
    with pytest.raises(DomainError) as err:
        to_money(1.5, field="premium")
    assert err.value.field == "premium"


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", "", None])
def test_g1_non_numeric_refused(bad):
    with pytest.raises(DomainError):
        to_money(bad, field="premium")


def test_g1_negative_refused_where_not_allowed():
    with pytest.raises(DomainError) as err:
        non_negative_money("-1.00", field="premium")
    assert "negative" in err.value.message


def test_g1_floor_zero():
    assert floor_zero(Decimal("-3")) == Decimal("0.00")
    assert format_money(Decimal("7850")) == "7850.00"


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_pence_round_trip(pence):
    assert to_pence(from_pence(pence)) == pence
