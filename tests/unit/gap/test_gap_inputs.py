"""The typed GAP inputs: bad input names the field and the rule, as the services did."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from covernote.domain.errors import DomainError
from covernote.domain.gap.cancellation import InsurerReason
from covernote.domain.gap.claims import Territory
from covernote.domain.gap.eligibility import VehicleUse
from covernote.gap.inputs.claims import (
    AssessInput,
    ClaimFigures,
    ClaimRegistration,
    DecideInput,
    DocumentsRequest,
)
from covernote.gap.inputs.policy import CancelInput, CancellationKind
from covernote.gap.inputs.quote import QuoteInput

VEHICLE = {
    "registration": "yk23 gap",
    "make": "Volkswagen",
    "model": "Golf",
    "valuation_code": " golf-life-23 ",
    "first_registered_on": "2025-01-10",
}
QUOTE = {
    "vehicle": VEHICLE,
    "purchase_lines": [{"kind": "vehicle", "amount": "21000.00"}],
    "ownership_date": "2026-01-05",
    "term_months": "36",
    "limit_of_liability": "10000",
}


def refused(fn, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        fn(*args, **kwargs)
    return err.value


def test_gap_elig_quote_input_is_parsed_once_into_types():
    q = QuoteInput.parse(QUOTE)
    assert q.vehicle.registration == "YK23GAP"
    assert q.vehicle.valuation_code == "GOLF-LIFE-23"
    assert q.vehicle.uses == frozenset({VehicleUse.SOCIAL_DOMESTIC_PLEASURE})
    assert (q.term_months, q.limit_of_liability) == (36, Decimal("10000"))
    assert q.purchase_lines[0].amount == Decimal("21000.00")
    assert q.start_on is None and q.finance is None and q.motor_policy is None
    assert q.as_json()["vehicle"]["first_registered_on"] == "2025-01-10"


def test_gap_elig_quote_input_refuses_unknown_keys_by_construction():
    with pytest.raises(TypeError):
        QuoteInput(**{**QuoteInput.parse(QUOTE).__dict__, "colour": "red"})


@pytest.mark.parametrize(
    ("change", "field", "rule"),
    [
        ({"vehicle": {**VEHICLE, "make": ""}}, "vehicle.make", "GAP-ELIG"),
        ({"vehicle": {**VEHICLE, "uses": ["joyriding"]}}, "vehicle.uses", "GAP-ELIG-7"),
        (
            {"vehicle": {**VEHICLE, "gross_weight_kg": "heavy"}},
            "vehicle.gross_weight_kg",
            "GAP-ELIG-7",
        ),
        (
            {"purchase_lines": [{"kind": "boat", "amount": "1"}]},
            "purchase_lines[0].kind",
            "GAP-DEF-PRICE",
        ),
        (
            {"purchase_lines": [{"kind": "vehicle", "amount": 1.5}]},
            "purchase_lines[0].amount",
            "GAP-DEF-PRICE",
        ),
        ({"finance": {"amount_advanced": "100"}}, "finance.lender", "GAP-DEF-OFB"),
        ({"motor_policy": {"insurer": "Acme"}}, "motor_policy.policy_number", "GAP-ELIG-1"),
        ({"holder_relationship": "cousin"}, "holder_relationship", "GAP-ELIG-4"),
        ({"ownership_date": "05/01/2026"}, "ownership_date", "GAP-ELIG-6"),
        ({"term_months": "0"}, "term_months", "GAP-PRICE-1"),
        ({"limit_of_liability": "-1"}, "limit_of_liability", "GAP-LIMIT"),
    ],
)
def test_gap_elig_bad_quote_input_names_the_field_and_rule(change, field, rule):
    err = refused(QuoteInput.parse, {**QUOTE, **change})
    assert (err.field, err.rule) == (field, rule)


def test_gap_price_1_term_message_names_the_label_and_what_is_allowed():
    err = refused(QuoteInput.parse, {**QUOTE, "term_months": "x"})
    assert err.message == "Term months: must be a whole number from 1 to 120; you sent x"


def test_gap_cancel_1_customer_cancellation_input():
    c = CancelInput.parse({"kind": "customer", "notice_on": "2026-03-01", "reason": "fraud"})
    assert c.kind is CancellationKind.CUSTOMER
    assert c.notice_on == date(2026, 3, 1)
    assert c.reason is None  # only the insurer gives a reason (GAP-CANCEL-4)


def test_gap_cancel_4_insurer_reason_is_typed_and_checked():
    c = CancelInput.parse({"kind": "insurer", "notice_on": date(2026, 3, 1), "reason": "fraud"})
    assert c.reason is InsurerReason.FRAUD
    err = refused(CancelInput.parse, {"kind": "insurer", "notice_on": "2026-03-01", "reason": "x"})
    assert (err.field, err.rule) == ("reason", "GAP-CANCEL-4")


def test_gap_cancel_kind_must_be_known():
    err = refused(CancelInput.parse, {"kind": "", "notice_on": "2026-03-01"})
    assert (err.field, err.rule) == ("kind", "GAP-CANCEL")
    assert err.message == "kind must be one of customer, insurer, vehicle_sold"


def test_gap_claim_1_registration_needs_time_zones_and_a_known_territory():
    ok = ClaimRegistration.parse({"event_at": datetime(2026, 3, 1, 9, tzinfo=UTC)})
    assert ok.territory is Territory.ENGLAND
    err = refused(ClaimRegistration.parse, {"event_at": datetime(2026, 3, 1, 9)})
    assert (err.field, err.rule, err.message) == (
        "event_at",
        "G2",
        "Event at: must carry a time zone offset (e.g. +01:00 or Z)",
    )
    err = refused(
        ClaimRegistration.parse,
        {"event_at": datetime(2026, 3, 1, 9, tzinfo=UTC), "territory": "mars"},
    )
    assert (err.field, err.rule) == ("territory", "GAP-DEF-TERR")


def test_gap_cover_figures_require_settlement_and_excess():
    err = refused(ClaimFigures.parse, {"motor_excess": "250"})
    assert (err.field, err.rule, err.message) == (
        "settlement",
        "GAP-COVER",
        "settlement is required",
    )
    err = refused(ClaimFigures.parse, {"settlement": "1", "motor_excess": "x"})
    assert (err.field, err.rule) == ("motor_excess", "GAP-COVER-3")
    err = refused(
        ClaimFigures.parse, {"settlement": "1", "motor_excess": "1", "vat_recovered": "on"}
    )
    assert (err.field, err.rule) == ("vat_recovered", "GAP-EXCL-14")


def test_gap_cover_figures_round_trip_through_the_stored_json():
    f = ClaimFigures.parse({"settlement": "9000", "motor_excess": "250", "market_value": ""})
    assert f.market_value is None
    assert ClaimFigures.from_json(f.as_json()) == f
    assert ClaimFigures.from_json({}) is None


def test_gap_claim_3_assess_facts_default_and_bad_peril_is_named():
    a = AssessInput.parse(figures={"settlement": "1", "motor_excess": "0"})
    assert a.facts.flags["premium_received"] is True
    assert a.facts.flags["fraudulent"] is False
    assert a.facts.with_new_for_old().flags["new_for_old_taken"] is True
    err = refused(
        AssessInput.parse,
        figures={"settlement": "1", "motor_excess": "0"},
        facts={"perils": ["meteor"]},
    )
    assert (err.field, err.rule) == ("perils", "GAP-CLAIM-3")
    err = refused(
        AssessInput.parse,
        figures={"settlement": "1", "motor_excess": "0"},
        finance_lines=[("arrears", "x")],
    )
    assert (err.field, err.rule) == ("finance_lines[0].amount", "GAP-DEF-OFB")


def test_gap_claim_3_decline_ids_must_be_exclusion_ids():
    err = refused(DecideInput.parse, {"approve": False, "exclusion_ids": ["because"]})
    assert (err.field, err.rule, err.message) == (
        "exclusion_ids",
        "GAP-CLAIM-3",
        "'because' is not an exclusion id",
    )
    assert DecideInput.parse({"approve": False, "exclusion_ids": ["GAP-EXCL-4"]}).exclusion_ids == (
        "GAP-EXCL-4",
    )


def test_gap_claim_1_documents_request_names_something():
    err = refused(DocumentsRequest.parse, {"documents": ["  ", ""]})
    assert (err.field, err.rule) == ("documents", "GAP-CLAIM-1")
    assert DocumentsRequest.parse({"documents": [" V5C "]}).documents == ("V5C",)
