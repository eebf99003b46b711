"""Claim lifecycle, notice and validity (GAP-CLAIM-1..4, GAP-EXCL ids, GAP-DEF-TERR)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from covernote.calculators.gap_claim import load_gap_params
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.claims import (
    ClaimFacts,
    ClaimNotice,
    ClaimStatus,
    Misrepresentation,
    MotorSection,
    Peril,
    Territory,
    TotalLoss,
    claim_validity,
    notice_check,
    terminates_policy,
    transition,
)
from covernote.domain.gap.eligibility import VehicleUse

PARAMS = load_gap_params()
S = ClaimStatus

TOTAL_LOSS = TotalLoss(True, True, True, MotorSection.ACCIDENTAL_DAMAGE)
FACTS = ClaimFacts(
    policy_start=date(2026, 3, 1),
    policy_end=date(2029, 2, 28),
    loss_on=date(2027, 6, 10),
    first_registered_on=date(2022, 5, 1),
    total_loss=TOTAL_LOSS,
    territory=Territory.ENGLAND,
)


def declines(facts: ClaimFacts) -> list[str]:
    return [x["rule"] for x in claim_validity(facts, PARAMS).data["declines"]]


def test_claim_lifecycle_happy_path():
    status = S.NOTIFIED
    for target in (S.DOCUMENTS_OUTSTANDING, S.ASSESSED, S.APPROVED, S.PAID, S.CLOSED):
        status = transition(status, target)
    assert status is S.CLOSED
    assert transition(transition(S.ASSESSED, S.DECLINED), S.CLOSED) is S.CLOSED
    assert transition(S.DOCUMENTS_OUTSTANDING, S.WITHDRAWN) is S.WITHDRAWN


@pytest.mark.parametrize(
    ("current", "target"),
    [(S.NOTIFIED, S.PAID), (S.DECLINED, S.PAID), (S.WITHDRAWN, S.ASSESSED), (S.PAID, S.DECLINED)],
)
def test_illegal_claim_transitions_raise(current, target):
    with pytest.raises(DomainError) as err:
        transition(current, target)
    assert err.value.code is ErrorCode.ILLEGAL_TRANSITION


def test_gap_claim_1_late_notice_is_a_warning_not_a_refusal():
    loss = datetime(2027, 6, 10, 8, 0, tzinfo=UTC)
    on_time = ClaimNotice(event_at=loss, notified_at=loss + timedelta(hours=23))
    assert notice_check(on_time, PARAMS, today=date(2027, 6, 11)).warnings == []
    late = ClaimNotice(
        event_at=loss,
        notified_at=loss + timedelta(days=35),
        total_loss_on=date(2027, 7, 1),
        written_notice_on=date(2027, 8, 5),  # 1 Jul + 30 = 31 Jul due
    )
    decision = notice_check(late, PARAMS, today=date(2027, 8, 6))
    assert decision.outcome == "late"
    # 24-hour notice, 30-day contact and 30-day written notice all flagged
    assert len(decision.warnings) == 3
    assert all(w.startswith("GAP-CLAIM-1") for w in decision.warnings)


def test_gap_claim_1_missing_written_notice_flagged_after_due_date():
    loss = datetime(2027, 6, 10, 8, 0, tzinfo=UTC)
    notice = ClaimNotice(event_at=loss, notified_at=loss, total_loss_on=date(2027, 7, 1))
    assert notice_check(notice, PARAMS, today=date(2027, 7, 31)).warnings == []
    assert len(notice_check(notice, PARAMS, today=date(2027, 8, 1)).warnings) == 1


def test_valid_claim_has_no_declines():
    decision = claim_validity(FACTS, PARAMS)
    assert decision.outcome == "valid"
    assert decision.data["declines"] == []


def test_gap_claim_2_needs_a_settled_paid_total_loss_under_ad_fire_or_theft():
    unsettled = replace(TOTAL_LOSS, payment_made=False)
    assert declines(replace(FACTS, total_loss=unsettled)) == ["GAP-CLAIM-2"]
    other = replace(TOTAL_LOSS, section=MotorSection.OTHER)
    assert declines(replace(FACTS, total_loss=other)) == ["GAP-EXCL-1"]
    for section in (MotorSection.FIRE, MotorSection.THEFT):
        assert declines(replace(FACTS, total_loss=replace(TOTAL_LOSS, section=section))) == []


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"loss_on": date(2026, 2, 28)}, "GAP-EXCL-15"),
        ({"first_registered_on": date(2018, 2, 28)}, "GAP-EXCL-17"),
        ({"territory": Territory.OTHER}, "GAP-EXCL-11"),
        (
            {"territory": Territory.EUROPE_LISTED, "days_in_europe_this_cover_year": 91},
            "GAP-EXCL-11",
        ),
        ({"driver_covered_by_motor_policy": False}, "GAP-EXCL-1"),
        ({"uses_at_loss": frozenset({VehicleUse.HIRE_OR_REWARD})}, "GAP-EXCL-1"),
        ({"driver_intoxicated": True}, "GAP-EXCL-3"),
        ({"driving_illegally": True}, "GAP-EXCL-5"),
        ({"perils": frozenset({Peril.RIOT})}, "GAP-EXCL-2"),
        ({"motor_policy_whole_period": False}, "GAP-EXCL-6"),
        ({"unattended_without_security": True}, "GAP-EXCL-7"),
        ({"new_for_old_taken": True}, "GAP-EXCL-9"),
        ({"misrepresentation": Misrepresentation.DELIBERATE_RECKLESS}, "GAP-EXCL-10"),
        ({"premium_received": False}, "GAP-EXCL-13"),
        ({"application_received": False}, "GAP-EXCL-13"),
        ({"perils": frozenset({Peril.WAR})}, "GAP-EXCL-19"),
        ({"perils": frozenset({Peril.TERRORISM})}, "GAP-EXCL-20"),
        ({"perils": frozenset({Peril.NUCLEAR})}, "GAP-EXCL-21"),
        ({"perils": frozenset({Peril.CYBER})}, "GAP-EXCL-22"),
        ({"loss_on": date(2029, 3, 1)}, "GAP-TERM-1"),
        ({"fraudulent": True}, "GAP-FRAUD-1"),
    ],
)
def test_gap_claim_3_declined_with_the_exclusion_id(change, rule):
    decision = claim_validity(replace(FACTS, **change), PARAMS)
    assert decision.outcome == "declined"
    assert [x["rule"] for x in decision.data["declines"]] == [rule]


def test_gap_claim_3_vehicle_exactly_8_years_at_start_is_not_over_8():
    # first registered 1 Mar 2018; policy start 1 Mar 2026 = 8 years, not "over eight years"
    assert declines(replace(FACTS, first_registered_on=date(2018, 3, 1))) == []


def test_gap_def_terr_home_nations_and_90_days_in_europe():
    for territory in (Territory.SCOTLAND, Territory.ISLE_OF_MAN, Territory.CHANNEL_ISLANDS):
        assert declines(replace(FACTS, territory=territory)) == []
    europe = replace(FACTS, territory=Territory.EUROPE_LISTED, days_in_europe_this_cover_year=90)
    assert declines(europe) == []


def test_gap_claim_3_careless_misrepresentation_goes_through_plt_10_not_a_decline():
    decision = claim_validity(
        replace(FACTS, misrepresentation=Misrepresentation.CARELESS_HIGHER_PREMIUM), PARAMS
    )
    assert decision.outcome == "valid"
    assert any(w.startswith("PLT-10") for w in decision.warnings)


def test_gap_excl_16_consequential_loss_is_flagged():
    decision = claim_validity(replace(FACTS, consequential_loss_claimed=True), PARAMS)
    assert decision.outcome == "valid"
    assert any("GAP-EXCL-16" in w for w in decision.warnings)


def test_gap_claim_3_every_decline_is_listed():
    facts = replace(
        FACTS, driver_intoxicated=True, new_for_old_taken=True, territory=Territory.OTHER
    )
    assert sorted(declines(facts)) == ["GAP-EXCL-11", "GAP-EXCL-3", "GAP-EXCL-9"]


def test_gap_claim_4_paid_status_terminates_policy():
    assert terminates_policy(S.PAID)
    assert not any(terminates_policy(s) for s in S if s is not S.PAID)
