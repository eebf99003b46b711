"""The shared bounded checkers (issue 10, ADR 0023): one table per bad-input class, and
the invariants hypothesis can hold them to."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from covernote.domain.bounds import (
    BoundError,
    Day,
    Fields,
    InvalidInput,
    Moment,
    Money,
    Text,
    check_day,
    check_int,
    check_moment,
    check_money,
    check_text,
)

CEILING = Decimal("1000000.00")

BAD_MONEY = {
    "huge_exponent": "1e30",
    "huge_digits": "99999999999999999999",
    "huge_decimal": Decimal("1E+30"),
    "over_the_ceiling": "1000000.01",
    "sub_penny": "0.001",
    "sub_penny_decimal": Decimal("12.345"),
    "bool_true": True,
    "bool_false": False,
    "float": 12.5,
    "full_width_digits": "１２３",
    "arabic_indic_digits": "١٢٣",
    "nan": "NaN",
    "infinity": "Infinity",
    "negative": "-1.00",
    "thousands_separator": "1,000",
    "blank": "",
}


@pytest.mark.parametrize("value", BAD_MONEY.values(), ids=BAD_MONEY.keys())
def test_g1_money_refuses_what_no_person_means(value):
    with pytest.raises(BoundError) as err:
        check_money(value, max_digits=12, ceiling=CEILING)
    assert err.value.problem  # says what is wrong and what is allowed


def test_g1_sub_penny_is_refused_not_rounded_and_says_what_was_sent():
    with pytest.raises(BoundError) as err:
        check_money("0.001")
    assert err.value.problem == "must be at most 2 decimal places (pence); you sent 0.001"


@given(pence=st.integers(min_value=0, max_value=100_000_000))
def test_g1_every_amount_in_pence_under_the_ceiling_is_accepted_exactly(pence):
    text = f"{pence // 100}.{pence % 100:02d}"
    assert check_money(text, ceiling=CEILING) == Decimal(text)


@given(value=st.decimals(allow_nan=True, allow_infinity=True))
def test_g1_any_decimal_is_accepted_only_within_the_column_and_to_the_penny(value):
    try:
        amount = check_money(value)
    except BoundError:
        return
    assert amount.is_finite() and 0 <= amount < Decimal(10) ** 10
    assert amount == amount.quantize(Decimal("0.01"))


BAD_TEXT = {
    "nul": "Golf\x00Life",
    "bell": "Golf\x07",
    "escape": "\x1b[31mred",
    "c1_control": "Go\x85lf",
    "line_break": "Golf\nLife",
    "too_long": "x" * 13,
}


@pytest.mark.parametrize("value", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_api_input_text_refuses_control_characters_and_overlong(value):
    with pytest.raises(BoundError):
        check_text(value, max_length=12)


def test_api_input_notes_may_hold_line_breaks_but_never_nul():
    assert check_text("line one\nline two", max_length=100, multiline=True)
    with pytest.raises(BoundError):
        check_text("line\x00", max_length=100, multiline=True)


@given(st.text(max_size=40))
def test_api_input_accepted_text_never_holds_a_control_character(value):
    try:
        text = check_text(value, max_length=40)
    except BoundError:
        return
    assert all(ord(c) >= 32 and not 0x7F <= ord(c) <= 0x9F for c in text)


BAD_INT = {
    "huge": 10**12,
    "bool": True,
    "float": 36.0,
    "full_width": "３６",
    "negative": -1,
    "word": "thirty-six",
}


@pytest.mark.parametrize("value", BAD_INT.values(), ids=BAD_INT.keys())
def test_gap_price_1_whole_numbers_in_range_only(value):
    with pytest.raises(BoundError):
        check_int(value, ge=1, le=120)


BAD_DAY = {
    "far_future": "9999-12-31",
    "year_one": "0001-01-01",
    "not_a_day": "2026-02-30",
    "uk_order": "01/05/2026",
    "datetime": datetime(2026, 5, 1, 9, tzinfo=UTC),
}


@pytest.mark.parametrize("value", BAD_DAY.values(), ids=BAD_DAY.keys())
def test_g3_days_within_the_window(value):
    with pytest.raises(BoundError):
        check_day(value)


BAD_MOMENT = {
    "offset_18_07": "2026-05-01T09:00:00+18:07",
    "offset_minus_13": "2026-05-01T09:00:00-13:00",
    "offset_odd_minutes": "2026-05-01T09:00:00+01:07",
    "naive": "2026-05-01T09:00:00",
    "year_1800": "1800-01-01T09:00:00+00:00",
    "full_width": "２０２６-05-01T09:00:00Z",
}


@pytest.mark.parametrize("value", BAD_MOMENT.values(), ids=BAD_MOMENT.keys())
def test_g2_moments_carry_a_real_offset(value):
    with pytest.raises(BoundError):
        check_moment(value)


@given(minutes=st.integers(min_value=-12 * 4, max_value=14 * 4))
def test_g2_every_real_quarter_hour_offset_is_accepted(minutes):
    zone = timezone(timedelta(minutes=15 * minutes))
    assert check_moment(datetime(2026, 5, 1, 9, tzinfo=zone)).utcoffset() == timedelta(
        minutes=15 * minutes
    )


def test_api_input_pydantic_lists_every_bad_field_with_its_rule():
    class Body(BaseModel):
        price: Annotated[Decimal, Money(ceiling="1000", rule="GAP-DEF-PRICE")]
        model: Annotated[str, Text(12, rule="GAP-ELIG-5")]
        first_registered_on: Annotated[date, Day(rule="GAP-ELIG-3")]
        event_at: Annotated[datetime, Moment()]

    with pytest.raises(ValidationError) as err:
        Body(
            price="0.001",
            model="Golf\x00",
            first_registered_on="9999-12-31",
            event_at="2026-05-01T09:00:00+18:07",
        )
    found = {e["loc"][0]: e["ctx"]["rule"] for e in err.value.errors()}
    assert found == {
        "price": "GAP-DEF-PRICE",
        "model": "GAP-ELIG-5",
        "first_registered_on": "GAP-ELIG-3",
        "event_at": "G2",
    }


def test_api_input_fields_collect_every_refusal_with_label_and_rule():
    f = Fields()
    f.take(check_money, "0.001", "purchase_lines[0].amount", "GAP-DEF-PRICE")
    f.take(check_int, 10**12, "term_months", "GAP-PRICE-1", ge=1, le=120)
    with pytest.raises(InvalidInput) as err:
        f.done()
    messages = [(e.field, e.rule, e.message) for e in err.value.errors]
    assert messages == [
        (
            "purchase_lines[0].amount",
            "GAP-DEF-PRICE",
            "Purchase lines 1 amount: must be at most 2 decimal places (pence); you sent 0.001",
        ),
        (
            "term_months",
            "GAP-PRICE-1",
            "Term months: must be from 1 to 120; you sent 1000000000000",
        ),
    ]


def test_a_bound_without_check_or_schema_cannot_be_made():
    """Every bound must say how it checks and how it shows in OpenAPI (ADR 0023): a
    subclass missing either is refused when it is made, not when a request arrives."""
    from covernote.domain.bounds import _Bounded

    class NoSchema(_Bounded):
        rule = "G1"

        def check(self, value: object) -> object:
            return value

    with pytest.raises(TypeError, match="json_schema"):
        NoSchema()  # type: ignore[abstract]
    with pytest.raises(TypeError, match="check"):
        _Bounded()  # type: ignore[abstract]
