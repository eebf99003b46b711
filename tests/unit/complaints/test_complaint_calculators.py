"""The ``complaint-clock`` and ``fos-eligibility`` calculator contracts."""

import json

import pytest

from covernote.calculators import complaint_clock, fos_eligibility
from covernote.domain.errors import DomainError

CLOCK_KEYS = {
    "received_on",
    "summary_resolution_by",
    "acknowledge_by",
    "qa_acknowledge_by",
    "final_response_by",
    "fos_referral_from",
    "fos_referral_until",
    "steps",
}


def test_comp_2_complaint_clock_christmas_2026_broker_platform():
    # Thu 24 Dec 2026 16:00 GMT. England: [Fri 25, Mon 28], Tue 29 (1), Wed 30 (2), Thu 31 (3).
    # Escalated Thu 31 Dec: QA ack [Fri 1 Jan] -> Mon 4 Jan. 24 Dec + 56 = Thu 18 Feb 2027.
    # Final response 31 Jan 2027 -> FOS from 31 Jan, until 31 Jul 2027.
    out = complaint_clock.run(
        {
            "received_at": "2026-12-24T16:00:00+00:00",
            "nation": "england",
            "procedure": "broker_platform",
            "escalated_at": "2026-12-31T10:00:00+00:00",
            "final_response_on": "2027-01-31",
        }
    )
    assert set(out) == CLOCK_KEYS
    assert out["received_on"] == "2026-12-24"
    assert out["summary_resolution_by"] == "2026-12-31"
    assert out["acknowledge_by"] is None
    assert out["qa_acknowledge_by"] == "2027-01-04"
    assert out["final_response_by"] == "2027-02-18"
    assert out["fos_referral_from"] == "2027-01-31"
    assert out["fos_referral_until"] == "2027-07-31"
    assert all("rule" in s and "description" in s for s in out["steps"])
    json.dumps(out)


def test_yd_complaint_clock_scotland_acknowledge_by():
    # Wed 23 Dec 2026, Scotland, 5 working days -> Tue 5 Jan 2027 (see clock tests).
    out = complaint_clock.run(
        {"received_at": "2026-12-23T11:00:00Z", "nation": "scotland", "procedure": "young_driver"}
    )
    assert out["acknowledge_by"] == "2027-01-05"
    assert out["qa_acknowledge_by"] is None
    assert out["fos_referral_until"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (
            {"received_at": "2027-01-04T09:00:00", "nation": "england", "procedure": "gap_claim"},
            "received_at",
        ),
        (
            {
                "received_at": "2027-01-04T09:00:00Z",
                "nation": "isle_of_man",
                "procedure": "gap_claim",
            },
            "nation",
        ),
        (
            {"received_at": "2027-01-04T09:00:00Z", "nation": "england", "procedure": "x"},
            "procedure",
        ),
        ({"received_at": "2027-01-04T09:00:00Z", "nation": "england"}, "procedure"),
        (
            {
                "received_at": "2027-01-04T09:00:00Z",
                "nation": "england",
                "procedure": "broker_platform",
                "escalated_at": "2027-01-04T08:00:00Z",
            },
            "escalated_at",
        ),
        (
            {
                "received_at": "2027-01-04T09:00:00Z",
                "nation": "england",
                "procedure": "gap_claim",
                "final_response_on": "04/02/2027",
            },
            "final_response_on",
        ),
        (
            {
                "received_at": "2027-01-04T09:00:00Z",
                "nation": "england",
                "procedure": "gap_claim",
                "x": 1,
            },
            "x",
        ),
    ],
)
def test_comp_2_complaint_clock_refusals_name_the_field(payload, field):
    with pytest.raises(DomainError) as err:
        complaint_clock.run(payload)
    assert err.value.field == field


def test_comp_fos_elig_calculator_micro_enterprise_with_recorded_fx():
    # 8 staff; turnover £1,600,000 x 1.25 = €2,000,000 (not exceeding €2m) -> micro.
    out = fos_eligibility.run(
        {
            "complainant": "business",
            "employees": 8,
            "annual_turnover_gbp": "1600000",
            "eur_per_gbp": "1.25",
        }
    )
    assert set(out) == {"eligible", "category", "steps"}
    assert out == {**out, "eligible": True, "category": "micro_enterprise"}
    assert out["steps"][0]["inputs"]["eur_per_gbp"] == "1.25"


def test_comp_fos_elig_calculator_charity_over_limit_and_missing_data():
    assert (
        fos_eligibility.run({"complainant": "charity", "annual_income_gbp": 6500000})["eligible"]
        is False
    )
    assert fos_eligibility.run({"complainant": "trust"})["eligible"] is True


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"complainant": "business", "annual_turnover_gbp": 1000000.0}, "annual_turnover_gbp"),
        ({"complainant": "business", "employees": 3.5}, "employees"),
        ({"complainant": "business", "employees": -1}, "employees"),
        ({"complainant": "business", "eur_per_gbp": "0"}, "eur_per_gbp"),
        ({"complainant": "company"}, "complainant"),
        ({}, "complainant"),
        ({"complainant": "consumer", "age": 30}, "age"),
    ],
)
def test_comp_fos_elig_calculator_refusals_name_the_field(payload, field):
    with pytest.raises(DomainError) as err:
        fos_eligibility.run(payload)
    assert err.value.field == field
    assert err.value.rule == "COMP-FOS-ELIG"
