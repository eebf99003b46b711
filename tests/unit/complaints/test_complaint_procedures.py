"""Procedures as configuration, routing and the complaint state machine (COMP-1, 3, 4, 5)."""

import copy
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from covernote.calculators.complaint_clock import load_complaints_config
from covernote.domain.complaints.config import DestinationKind, LapseAction, ProcedureKind
from covernote.domain.complaints.procedures import (
    TRANSITIONS,
    ComplaintStatus,
    ComplaintTransitionError,
    check_transition,
    destination_route,
    lapse_route,
    parse_complaints_config,
)
from covernote.domain.errors import DomainError, ErrorCode

CONFIG = load_complaints_config()
RAW = tomllib.loads(
    (Path(__file__).resolve().parents[3] / "config/products/complaints/2019-04-01.toml").read_text()
)
RECEIVED = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def parse(data):
    return parse_complaints_config(data, source="procedures.toml")


def test_comp_5_every_procedure_is_configured_with_seed_defaults():
    assert set(CONFIG.procedures) == set(ProcedureKind)
    # COMP-2 defaults (SPEC): 17:30, 3 working days, 56 days, 6 months.
    assert CONFIG.clock.close_of_business.strftime("%H:%M") == "17:30"
    assert CONFIG.clock.summary_resolution_working_days == 3
    assert CONFIG.clock.final_response_days == 56
    assert CONFIG.clock.fos_referral_months == 6
    assert CONFIG.retention.years == 3


def test_comp_3_broker_platform_stage1_manager_escalates_to_qa_with_1_day_ack():
    proc = CONFIG.procedure("broker_platform")
    assert "Manager" in proc.stage1.name
    assert proc.stage2 is not None and proc.stage2.email == "qualityteam@coplus.co.uk"
    assert proc.on_summary_lapse is LapseAction.ESCALATE
    assert proc.escalation_acknowledge_working_days == 1
    route = lapse_route(proc)
    assert route.data["next_status"] == ComplaintStatus.STAGE2
    assert "COMP-3" in route.rules


def test_yd_complaint_routes_sales_service_and_claims_and_acknowledges_in_5_days():
    proc = CONFIG.procedure("young_driver")
    assert proc.acknowledge_working_days == 5
    assert "Quality Manager" in proc.owner_for("service").name
    assert proc.owner_for("claim").key == "markerstudy_customer_relations"
    with pytest.raises(DomainError) as err:
        proc.owner_for("pricing")
    assert err.value.field == "subject"


def test_gap_complaint_claim_forwarded_to_insurer_and_complainant_told_sale_to_broker():
    claim = CONFIG.procedure("gap_claim")
    assert claim.stage1.key == "mbg_coplus_complaints"
    assert claim.forward_to is not None and claim.forward_to.key == "ukgi_customer_relations"
    assert claim.tell_complainant_on_forward is True
    route = lapse_route(claim)
    assert route.data["next_status"] == ComplaintStatus.FORWARDED
    assert "tell the complainant" in route.steps[-1].description
    assert CONFIG.procedure("gap_sale").stage1.key == "customers_broker"


def test_comp_5_forwarding_is_refused_where_the_procedure_does_not_forward():
    with pytest.raises(ComplaintTransitionError):
        check_transition(
            ComplaintStatus.STAGE1,
            ComplaintStatus.FORWARDED,
            procedure=CONFIG.procedure("young_driver"),
            received_at=RECEIVED,
            at=RECEIVED,
        )
    assert (
        check_transition(
            ComplaintStatus.STAGE1,
            ComplaintStatus.FORWARDED,
            procedure=CONFIG.procedure("gap_claim"),
            received_at=RECEIVED,
            at=RECEIVED,
        )
        is ComplaintStatus.FORWARDED
    )


def test_comp_4_destinations_fos_for_claims_management_legal_ombudsman_for_solicitors():
    assert destination_route(CONFIG, "firm_service").data["route"] == ["fos"]
    cmc = destination_route(CONFIG, DestinationKind.CLAIMS_MANAGEMENT)
    assert cmc.data["route"] == ["fos"]
    assert "2019-04-01" in cmc.steps[0].description
    solicitor = destination_route(CONFIG, "panel_solicitor_conduct")
    assert solicitor.data["route"] == ["panel_solicitor", "legal_ombudsman"]
    assert CONFIG.fos.website == "www.financial-ombudsman.org.uk"


def test_comp_4_claims_management_regulator_is_refused_as_a_destination():
    data = copy.deepcopy(RAW)
    data["contacts"]["cmr"] = {"name": "Claims Management Regulator", "address": []}
    with pytest.raises(DomainError) as err:
        parse(data)
    assert err.value.code is ErrorCode.CONFIGURATION
    assert err.value.field == "contacts.cmr.name"


def test_comp_5_configuration_errors_name_the_file_and_the_key():
    data = copy.deepcopy(RAW)
    data["procedures"]["young_driver"]["acknowledge_working_days"] = "five"
    with pytest.raises(DomainError) as err:
        parse(data)
    assert err.value.code is ErrorCode.CONFIGURATION
    assert err.value.field == "procedures.young_driver.acknowledge_working_days"
    assert "procedures.toml" in err.value.message

    data = copy.deepcopy(RAW)
    del data["procedures"]["gap_claim"]["forward_to"]
    with pytest.raises(DomainError) as err:
        parse(data)
    assert err.value.field == "procedures.gap_claim.forward_to"

    data = copy.deepcopy(RAW)
    data["fos_eligibility"]["eur_per_gbp"] = 1.15  # a float is refused
    with pytest.raises(DomainError) as err:
        parse(data)
    assert err.value.field == "fos_eligibility.eur_per_gbp"

    data = copy.deepcopy(RAW)
    del data["procedures"]["gap_sale"]
    with pytest.raises(DomainError) as err:
        parse(data)
    assert err.value.field == "procedures.gap_sale"


def test_comp_3_escalation_state_machine():
    proc = CONFIG.procedure("broker_platform")
    assert ComplaintStatus.ESCALATED is ComplaintStatus.STAGE2
    later = datetime(2027, 1, 7, 18, 0, tzinfo=UTC)
    assert (
        check_transition(
            ComplaintStatus.STAGE1,
            ComplaintStatus.ESCALATED,
            procedure=proc,
            received_at=RECEIVED,
            at=later,
        )
        is ComplaintStatus.STAGE2
    )
    with pytest.raises(ComplaintTransitionError) as err:
        check_transition(
            ComplaintStatus.STAGE1,
            ComplaintStatus.STAGE2,
            procedure=proc,
            received_at=RECEIVED,
            at=datetime(2027, 1, 3, 9, 0, tzinfo=UTC),
        )
    assert err.value.field == "escalated_at"
    assert err.value.code is ErrorCode.ILLEGAL_TRANSITION
    with pytest.raises(ComplaintTransitionError):  # no QA stage in the YD procedure
        check_transition(
            ComplaintStatus.STAGE1,
            ComplaintStatus.STAGE2,
            procedure=CONFIG.procedure("young_driver"),
            received_at=RECEIVED,
            at=later,
        )


def test_comp_5_terminal_states_and_no_reopening():
    assert TRANSITIONS[ComplaintStatus.CLOSED] == frozenset()
    assert TRANSITIONS[ComplaintStatus.WITHDRAWN] == frozenset()
    with pytest.raises(ComplaintTransitionError):
        check_transition(
            ComplaintStatus.FINAL_RESPONSE_ISSUED,
            ComplaintStatus.STAGE1,
            procedure=CONFIG.procedure("broker_platform"),
            received_at=RECEIVED,
            at=RECEIVED,
        )
    # Every status has an entry, and targets are statuses.
    assert set(TRANSITIONS) == set(ComplaintStatus)


def test_comp_1_register_receipt_must_be_a_timezone_aware_timestamp():
    with pytest.raises(DomainError) as err:
        check_transition(
            ComplaintStatus.RECEIVED,
            ComplaintStatus.STAGE1,
            procedure=CONFIG.procedure("broker_platform"),
            received_at=datetime(2027, 1, 4, 9, 0),
            at=RECEIVED,
        )
    assert err.value.rule == "G2"


def test_comp_6_final_response_after_an_early_fos_referral_keeps_the_complaint_with_the_fos():
    proc = CONFIG.procedure("broker_platform")
    assert TRANSITIONS[ComplaintStatus.REFERRED_FOS] == frozenset(
        {ComplaintStatus.FINAL_RESPONSE_ISSUED, ComplaintStatus.CLOSED}
    )
    later = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
    assert (
        check_transition(
            ComplaintStatus.REFERRED_FOS,
            ComplaintStatus.FINAL_RESPONSE_ISSUED,
            procedure=proc,
            received_at=RECEIVED,
            at=later,
        )
        is ComplaintStatus.REFERRED_FOS
    )
    with pytest.raises(ComplaintTransitionError) as err:  # we already responded
        check_transition(
            ComplaintStatus.REFERRED_FOS,
            ComplaintStatus.FINAL_RESPONSE_ISSUED,
            procedure=proc,
            received_at=RECEIVED,
            at=later,
            responded=True,
        )
    assert err.value.rule == "COMP-6"
    # Every other transition returns its target unchanged.
    assert (
        check_transition(
            ComplaintStatus.STAGE1,
            ComplaintStatus.FINAL_RESPONSE_ISSUED,
            procedure=proc,
            received_at=RECEIVED,
            at=later,
            responded=True,
        )
        is ComplaintStatus.FINAL_RESPONSE_ISSUED
    )


def test_comp_5_next_statuses_follow_the_procedure():
    from covernote.domain.complaints.procedures import next_statuses

    S = ComplaintStatus
    broker = next_statuses(S.STAGE1, CONFIG.procedure("broker_platform"))
    gap_claim = next_statuses(S.STAGE1, CONFIG.procedure("gap_claim"))
    assert S.STAGE2 in broker and S.FORWARDED not in broker  # COMP-3: QA, no forwarding
    assert S.STAGE2 not in gap_claim and S.FORWARDED in gap_claim  # GAP-COMPLAINT
    assert next_statuses(S.CLOSED, CONFIG.procedure("broker_platform")) == frozenset()


@pytest.mark.parametrize(
    ("step", "allowed", "refused", "rule"),
    [
        ("qa_acknowledgement", "stage2", "stage1", "COMP-3"),
        ("holding_response", "forwarded", "final_response_issued", "COMP-2"),
        ("fos_outcome", "referred_fos", "forwarded", "COMP-4"),
    ],
)
def test_comp_2_steps_without_a_status_change_are_checked_by_the_state_machine(
    step, allowed, refused, rule
):
    from covernote.domain.complaints.procedures import Step, can_step, check_step

    assert can_step(ComplaintStatus(allowed), Step(step))
    check_step(ComplaintStatus(allowed), Step(step))
    with pytest.raises(ComplaintTransitionError) as err:
        check_step(ComplaintStatus(refused), Step(step))
    assert (err.value.rule, err.value.field, err.value.code) == (
        rule,
        "status",
        ErrorCode.ILLEGAL_TRANSITION,
    )


def test_comp_6_final_response_still_owed_after_an_early_fos_referral():
    from covernote.domain.complaints.procedures import owes_final_response_after_referral

    S = ComplaintStatus
    assert owes_final_response_after_referral(S.REFERRED_FOS, responded=False)
    assert not owes_final_response_after_referral(S.REFERRED_FOS, responded=True)
    assert not owes_final_response_after_referral(S.STAGE1, responded=False)
