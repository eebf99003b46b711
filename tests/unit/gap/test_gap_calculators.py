"""The gap-claim and gap-cancellation calculators' run() contract."""

import json

import pytest

from covernote.calculators import gap_cancellation, gap_claim
from covernote.domain.errors import DomainError, ErrorCode

CLAIM = {
    "purchase_price": "20000",
    "settlement": "12500",
    "motor_excess": 350,
    "limit_of_liability": "10000",
}
CANCEL = {
    "premium": "436.80",
    "start": "2026-01-10",
    "end": "2029-01-09",
    "purchased": "2026-01-10",
    "cancel_on": "2027-03-20",
}


def test_gap_claim_run_worked_example():
    out = gap_claim.run(dict(CLAIM))
    assert out["payable"] == "7850.00"
    assert set(out) == {"payable", "steps", "warnings"}
    assert [s["rule"] for s in out["steps"]] == [
        "GAP-BEST-1",
        "GAP-COVER-1",
        "GAP-COVER-3",
        "GAP-LIMIT",
    ]
    assert all("description" in s for s in out["steps"])
    json.dumps(out)  # JSON-ready


def test_gap_claim_run_all_optional_fields():
    out = gap_claim.run(
        {
            **CLAIM,
            "accepted_settlement": "12500",
            "market_value": "12000",
            "outstanding_finance": "15000",
            "amount_advanced": "15000",
            "market_value_at_purchase": "19000",
            "contributory_percent": "10",
            "vat_recovered": False,
            "waive_market_value": False,
            "premium_charged": "300",
            "premium_would_have_charged": "300",
        }
    )
    # 7,850 × 0.9 = 7,065.00
    assert out["payable"] == "7065.00"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({**CLAIM, "colour": "red"}, "colour", ErrorCode.INVALID),
        ({k: v for k, v in CLAIM.items() if k != "settlement"}, "settlement", ErrorCode.REQUIRED),
        ({**CLAIM, "settlement": 12500.0}, "settlement", ErrorCode.INVALID),
        ({**CLAIM, "settlement": "-1"}, "settlement", ErrorCode.INVALID),
        ({**CLAIM, "motor_excess": "lots"}, "motor_excess", ErrorCode.INVALID),
        ({**CLAIM, "vat_recovered": "yes"}, "vat_recovered", ErrorCode.INVALID),
        (
            {**CLAIM, "contributory_percent": "10", "contributory_amount": "100"},
            "contributory_amount",
            ErrorCode.INVALID,
        ),
        ({**CLAIM, "contributory_percent": "101"}, "contributory_percent", ErrorCode.INVALID),
        ({**CLAIM, "premium_charged": "100"}, "premium_would_have_charged", ErrorCode.REQUIRED),
    ],
)
def test_gap_claim_run_bad_payloads_name_the_field(payload, field, code):
    with pytest.raises(DomainError) as err:
        gap_claim.run(payload)
    assert err.value.field == field
    assert err.value.code is code


def test_gap_cancellation_run_after_cooling_off():
    out = gap_cancellation.run(dict(CANCEL))
    # 21 whole months of 36: 436.80 × 21/36 = 254.80 - 40 = 214.80
    assert out["refund"] == "214.80"
    assert set(out) == {"refund", "steps", "warnings"}
    assert "GAP-CANCEL-2" in [s["rule"] for s in out["steps"]]


def test_gap_cancellation_run_cooling_off_and_insurer():
    assert gap_cancellation.run({**CANCEL, "cancel_on": "2026-02-09"})["refund"] == "436.80"
    assert (
        gap_cancellation.run(
            {**CANCEL, "documents_received": "2026-01-25", "cancel_on": "2026-02-20"}
        )["refund"]
        == "436.80"
    )
    insurer = {**CANCEL, "cancel_on": "2027-01-09", "by": "insurer", "reason": "abusive"}
    assert gap_cancellation.run(insurer)["refund"] == "291.33"
    assert gap_cancellation.run({**insurer, "reason": "fraud"})["refund"] == "0.00"
    assert gap_cancellation.run({**CANCEL, "claim": "paid"})["refund"] == "0.00"


def test_gap_cancellation_run_pending_claim_is_claim_pending():
    with pytest.raises(DomainError) as err:
        gap_cancellation.run({**CANCEL, "claim": "pending"})
    assert err.value.code is ErrorCode.CLAIM_PENDING
    assert err.value.as_dict()["code"] == "claim_pending"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**CANCEL, "extra": 1}, "extra"),
        ({**CANCEL, "premium": "-5"}, "premium"),
        ({**CANCEL, "premium": 436.8}, "premium"),
        ({**CANCEL, "premium": "four hundred"}, "premium"),
        ({**CANCEL, "end": "2025-12-31"}, "end"),
        ({**CANCEL, "cancel_on": "2030-01-01"}, "cancel_on"),
        ({**CANCEL, "cancel_on": "2025-12-01"}, "cancel_on"),
        ({**CANCEL, "start": "10/01/2026"}, "start"),
        ({**CANCEL, "claim": "maybe"}, "claim"),
        ({**CANCEL, "by": "broker"}, "by"),
        ({**CANCEL, "by": "insurer"}, "reason"),
        ({**CANCEL, "by": "insurer", "reason": "boredom"}, "reason"),
        ({k: v for k, v in CANCEL.items() if k != "purchased"}, "purchased"),
    ],
)
def test_gap_cancellation_run_bad_payloads_name_the_field(payload, field):
    with pytest.raises(DomainError) as err:
        gap_cancellation.run(payload)
    assert err.value.field == field
