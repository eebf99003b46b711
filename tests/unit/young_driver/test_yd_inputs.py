"""Typed inputs parsed once at the door: a bad value names its field and rule."""

from __future__ import annotations

from datetime import date

import pytest

from covernote.domain.errors import DomainError, ErrorCode
from covernote.young_driver.inputs import (
    AdjustInput,
    BuyInput,
    CancelInput,
    QuoteInput,
    TheftClaimInput,
    TheftCloseInput,
    VehicleChangeInput,
    build,
)


def _refused(make) -> DomainError:
    with pytest.raises(DomainError) as err:
        make()
    return err.value


def test_yd_rate_quote_needs_a_vehicle_registration_and_upper_cases_it():
    assert QuoteInput(start=date(2026, 3, 2), vehicle_reg=" ab12 cde ", rating={}).vehicle_reg == (
        "AB12 CDE"
    )
    err = _refused(lambda: QuoteInput(start=date(2026, 3, 2), vehicle_reg="  ", rating={}))
    assert (err.code, err.rule, err.field) == (ErrorCode.REQUIRED, "YD-RATE", "vehicle_reg")


def test_yd_pay_1_payment_method_is_card_or_direct_debit():
    err = _refused(lambda: BuyInput(payment_method="cash", idempotency_key="k"))
    assert (err.rule, err.field, err.message) == (
        "YD-PAY-1",
        "payment_method",
        "card or direct_debit",
    )


def test_yd_pay_1_direct_debit_needs_the_name_on_the_account():
    data = BuyInput(
        payment_method="direct_debit",
        idempotency_key="k",
        sort_code="20-00-00",
        account_number="55779911",
    )
    err = _refused(lambda: data.bank)
    assert (err.rule, err.field) == ("YD-PAY-1", "account_name")


def test_yd_fee_mta_changes_only_the_listed_rating_facts():
    err = _refused(
        lambda: AdjustInput(
            changes={"vehicle_group": 9}, effective=date(2026, 4, 1), idempotency_key="k"
        )
    )
    assert (err.rule, err.field) == ("YD-FEE-MTA", "vehicle_group")
    err = _refused(lambda: AdjustInput(changes={}, effective=date(2026, 4, 1), idempotency_key="k"))
    assert err.field == "changes"


def test_yd_box_vehicle_change_needs_the_new_registration():
    err = _refused(
        lambda: VehicleChangeInput(
            vehicle_reg="",
            vehicle_group=8,
            new_box=False,
            effective=date(2026, 4, 1),
            idempotency_key="k",
        )
    )
    assert (err.code, err.rule, err.field) == (ErrorCode.REQUIRED, "YD-BOX-VEHICLE", "vehicle_reg")


def test_yd_cancel_1_cancelled_by_is_customer_or_us():
    assert CancelInput(cancel_on=date(2026, 4, 1), by="us").by.value == "us"
    err = _refused(lambda: CancelInput(cancel_on=date(2026, 4, 1), by="broker"))
    assert (err.rule, err.field, err.message) == ("YD-CANCEL-1", "by", "customer or us")


def test_yd_cancel_1_a_malformed_date_from_a_page_names_the_field_and_rule():
    err = _refused(lambda: build(CancelInput, cancel_on="not a date"))
    assert (err.code, err.rule, err.field) == (ErrorCode.INVALID, "YD-CANCEL-1", "cancel_on")


def test_yd_theft_1_claim_needs_the_police_incident_number():
    err = _refused(
        lambda: TheftClaimInput(
            police_incident_number=" ", stolen_on=date(2026, 4, 1), idempotency_key="k"
        )
    )
    assert (err.rule, err.field) == ("YD-THEFT-1", "police_incident_number")
    err = _refused(lambda: TheftCloseInput(outcome=" "))
    assert (err.rule, err.field) == ("YD-THEFT-1", "outcome")


def test_inputs_are_frozen_and_refuse_unknown_fields():
    data = CancelInput(cancel_on=date(2026, 4, 1))
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        data.reason = "x"  # type: ignore[misc]
    err = _refused(lambda: build(CancelInput, cancel_on=date(2026, 4, 1), colour="red"))
    assert err.field == "colour"
