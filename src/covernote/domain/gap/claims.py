"""GAP claims: lifecycle, notice and validity (GAP-CLAIM-1..4, GAP-EXCL-*, GAP-DEF-TERR).

* The claim lifecycle is an explicit state machine (ARCHITECTURE §3.3):
  notified → documents_outstanding → assessed → approved / declined →
  paid / closed, plus withdrawn before a decision.
* Late notice (GAP-CLAIM-1) is **flagged for the handler**, never a silent
  refusal (ICOBS 8.1 fair claims handling, REGULATION §3.4).
* A claim needs a total loss under the accidental damage, fire or theft
  section of the motor policy (GAP-CLAIM-2, exclusion 1); it is declined with
  the seed 002 exclusion id when an exclusion applies (GAP-CLAIM-3). Paying a
  claim terminates the policy (GAP-CLAIM-4).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from covernote.domain.calendar import add_months, london_date
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode
from covernote.domain.gap.eligibility import EXCLUDED_USES, VehicleUse
from covernote.domain.gap.params import GapParams

# --------------------------------------------------------------------------- lifecycle


class ClaimStatus(StrEnum):
    NOTIFIED = "notified"
    DOCUMENTS_OUTSTANDING = "documents_outstanding"
    ASSESSED = "assessed"
    APPROVED = "approved"
    #: Above the requester's payment authority: waits for a second approver (ADR 0026).
    PAYMENT_PENDING = "payment_pending"
    DECLINED = "declined"
    PAID = "paid"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


ALLOWED_TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.NOTIFIED: frozenset(
        {ClaimStatus.DOCUMENTS_OUTSTANDING, ClaimStatus.ASSESSED, ClaimStatus.WITHDRAWN}
    ),
    ClaimStatus.DOCUMENTS_OUTSTANDING: frozenset({ClaimStatus.ASSESSED, ClaimStatus.WITHDRAWN}),
    ClaimStatus.ASSESSED: frozenset(
        {
            ClaimStatus.APPROVED,
            ClaimStatus.DECLINED,
            ClaimStatus.DOCUMENTS_OUTSTANDING,
            ClaimStatus.WITHDRAWN,
        }
    ),
    ClaimStatus.APPROVED: frozenset({ClaimStatus.PAID, ClaimStatus.PAYMENT_PENDING}),
    ClaimStatus.PAYMENT_PENDING: frozenset({ClaimStatus.PAID, ClaimStatus.APPROVED}),
    ClaimStatus.DECLINED: frozenset({ClaimStatus.CLOSED}),
    ClaimStatus.PAID: frozenset({ClaimStatus.CLOSED}),
    ClaimStatus.CLOSED: frozenset(),
    ClaimStatus.WITHDRAWN: frozenset(),
}

# GAP-CANCEL-3: statuses in which a customer cancellation is held.
PENDING_STATUSES = frozenset(
    {
        ClaimStatus.NOTIFIED,
        ClaimStatus.DOCUMENTS_OUTSTANDING,
        ClaimStatus.ASSESSED,
        ClaimStatus.APPROVED,
        ClaimStatus.PAYMENT_PENDING,
    }
)


def can_transition(current: ClaimStatus, target: ClaimStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def transition(current: ClaimStatus, target: ClaimStatus) -> ClaimStatus:
    """Move a claim to ``target`` or raise ``illegal_transition`` (GAP-CLAIM)."""
    if not can_transition(current, target):
        allowed = ", ".join(sorted(s.value for s in ALLOWED_TRANSITIONS[current])) or "none"
        raise DomainError(
            ErrorCode.ILLEGAL_TRANSITION,
            f"a claim cannot go from {current.value} to {target.value} (allowed: {allowed})",
            "GAP-CLAIM",
            "status",
        )
    return target


def terminates_policy(status: ClaimStatus) -> bool:
    """GAP-CLAIM-4 / GAP-TERM-1: payment of a claim terminates the policy."""
    return status is ClaimStatus.PAID


# --------------------------------------------------------------------------- notice


@dataclass(frozen=True)
class ClaimNotice:
    """When the loss happened and when we heard (timestamps timezone-aware, G2)."""

    event_at: datetime  # point of total loss: date and time of the incident
    notified_at: datetime
    total_loss_on: date | None = None  # the motor insurer's total-loss settlement date
    written_notice_on: date | None = None


def notice_check(notice: ClaimNotice, params: GapParams, *, today: date) -> Decision:
    """GAP-CLAIM-1: flag late notice as warnings for the handler, never a refusal.

    Outcome ``"on_time"`` or ``"late"``; each lateness is a warning naming the rule.
    """
    p = params.claims
    d = Decision(outcome="on_time")
    if notice.notified_at < notice.event_at:
        raise DomainError(
            ErrorCode.INVALID, "notified_at is before the event", "GAP-CLAIM-1", "notified_at"
        )
    delay = notice.notified_at - notice.event_at
    hours = delay.total_seconds() / 3600
    ok = delay <= timedelta(hours=p.notify_within_hours)
    d.step(
        "GAP-CLAIM-1",
        f"Notified {hours:.1f} hours after the loss (within {p.notify_within_hours} hours or as "
        "soon as reasonably possible)",
        value="on_time" if ok else "late",
    )
    if not ok:
        d.warn(
            f"GAP-CLAIM-1: notified {hours:.1f} hours after the loss, later than "
            f"{p.notify_within_hours} hours; handler to decide whether it was as soon as "
            "reasonably possible."
        )
    event_day = london_date(notice.event_at)
    contact_by = event_day + timedelta(days=p.contact_within_days)
    if london_date(notice.notified_at) > contact_by:
        d.warn(
            f"GAP-CLAIM-1: first contact on {london_date(notice.notified_at).isoformat()} is more "
            f"than {p.contact_within_days} days after the event ({event_day.isoformat()})."
        )
    if notice.total_loss_on is not None:
        due = notice.total_loss_on + timedelta(days=p.written_notice_days)
        written = notice.written_notice_on
        d.step("GAP-CLAIM-1", "Written notice due by", value=due, written_notice_on=written)
        if written is not None and written > due:
            d.warn(
                f"GAP-CLAIM-1: written notice received {written.isoformat()}, after "
                f"{due.isoformat()} ({p.written_notice_days} days from the total loss)."
            )
        elif written is None and today > due:
            d.warn(
                f"GAP-CLAIM-1: no written notice yet; it was due by {due.isoformat()} "
                f"({p.written_notice_days} days from the total loss)."
            )
    if d.warnings:
        d.outcome = "late"
    return d


# --------------------------------------------------------------------------- validity


class MotorSection(StrEnum):
    """The section of the motor policy the total loss was paid under (exclusion 1)."""

    ACCIDENTAL_DAMAGE = "accidental_damage"
    FIRE = "fire"
    THEFT = "theft"
    OTHER = "other"


COVERED_SECTIONS = frozenset(
    {MotorSection.ACCIDENTAL_DAMAGE, MotorSection.FIRE, MotorSection.THEFT}
)


class Territory(StrEnum):
    """GAP-DEF-TERR: where the total loss happened."""

    ENGLAND = "england"
    SCOTLAND = "scotland"
    WALES = "wales"
    NORTHERN_IRELAND = "northern_ireland"
    ISLE_OF_MAN = "isle_of_man"
    CHANNEL_ISLANDS = "channel_islands"
    EUROPE_LISTED = "europe_listed"  # EU, Iceland, Norway, Switzerland, Liechtenstein, Andorra
    OTHER = "other"


HOME_TERRITORIES = frozenset(set(Territory) - {Territory.EUROPE_LISTED, Territory.OTHER})


class Peril(StrEnum):
    RIOT = "riot"  # exclusion 2
    WAR = "war"  # exclusion 19
    TERRORISM = "terrorism"  # exclusion 20
    NUCLEAR = "nuclear"  # exclusion 21
    CYBER = "cyber"  # exclusion 22


_PERIL_EXCLUSION = {
    Peril.RIOT: ("GAP-EXCL-2", "The total loss arose from riot or civil commotion."),
    Peril.WAR: ("GAP-EXCL-19", "The total loss is a consequence of war or similar events."),
    Peril.TERRORISM: ("GAP-EXCL-20", "The total loss is a consequence of terrorism."),
    Peril.NUCLEAR: ("GAP-EXCL-21", "The total loss is a consequence of nuclear risks."),
    Peril.CYBER: (
        "GAP-EXCL-22",
        "The total loss is a consequence of a computer virus or data loss.",
    ),
}


class Misrepresentation(StrEnum):
    """CIDRA 2012 Sch 1 (PLT-10): exclusion 10 goes through this ladder, never automatically."""

    NONE = "none"
    CARELESS_HIGHER_PREMIUM = "careless_higher_premium"  # proportionate remedy, PLT-10
    CARELESS_DIFFERENT_TERMS = "careless_different_terms"  # re-assess on those terms
    CARELESS_WOULD_NOT_HAVE_WRITTEN = "careless_would_not_have_written"  # avoid, return premium
    DELIBERATE_RECKLESS = "deliberate_reckless"  # avoid, keep premium


@dataclass(frozen=True)
class TotalLoss:
    """GAP-CLAIM-2 / seed "Total Loss": settled, vehicle surrendered or written off, paid."""

    motor_claim_settled: bool
    vehicle_surrendered_or_written_off: bool
    payment_made: bool
    section: MotorSection


@dataclass(frozen=True)
class ClaimFacts:
    """What the claim validity check looks at (defaults: nothing adverse recorded)."""

    policy_start: date
    policy_end: date
    loss_on: date
    first_registered_on: date
    total_loss: TotalLoss
    territory: Territory
    days_in_europe_this_cover_year: int = 0
    driver_covered_by_motor_policy: bool = True
    driver_intoxicated: bool = False
    driving_illegally: bool = False
    perils: frozenset[Peril] = frozenset()
    motor_policy_whole_period: bool = True
    unattended_without_security: bool = False
    new_for_old_taken: bool = False
    misrepresentation: Misrepresentation = Misrepresentation.NONE
    premium_received: bool = True
    application_received: bool = True
    uses_at_loss: frozenset[VehicleUse] = frozenset()
    fraudulent: bool = False
    consequential_loss_claimed: bool = False


def claim_validity(facts: ClaimFacts, params: GapParams) -> Decision:
    """GAP-CLAIM-2/3, GAP-FRAUD-1: outcome ``"valid"`` or ``"declined"``.

    ``data["declines"]`` lists every ``{"rule", "reason"}`` that declines the
    claim (exclusion ids as ``GAP-EXCL-n``); warnings carry what the handler must
    apply elsewhere (PLT-10 proportionate remedy, consequential loss never paid).
    """
    d = Decision(outcome="valid")
    declines: list[dict[str, str]] = []

    def decline(rule: str, reason: str) -> None:
        declines.append({"rule": rule, "reason": reason})
        d.step(rule, reason, value="declined")

    # GAP-CLAIM-2 total loss under the accidental damage, fire or theft section.
    tl = facts.total_loss
    if not (tl.motor_claim_settled and tl.vehicle_surrendered_or_written_off and tl.payment_made):
        missing = [
            label
            for ok, label in (
                (tl.motor_claim_settled, "the motor claim is not settled"),
                (
                    tl.vehicle_surrendered_or_written_off,
                    "the vehicle is not surrendered/written off",
                ),
                (tl.payment_made, "no total-loss payment has been made"),
            )
            if not ok
        ]
        decline("GAP-CLAIM-2", "Not a total loss: " + "; ".join(missing) + ".")
    else:
        d.step("GAP-CLAIM-2", "Total loss settled and paid by the motor insurer.", value="ok")
    if tl.section not in COVERED_SECTIONS:
        decline(
            "GAP-EXCL-1",
            "The total loss was not paid under the accidental damage, fire or theft section.",
        )
    if not facts.driver_covered_by_motor_policy:
        decline("GAP-EXCL-1", "The driver was not covered by the motor insurance policy.")
    for use in sorted(facts.uses_at_loss & EXCLUDED_USES):
        decline("GAP-EXCL-1", f"The vehicle was used for {use.value.replace('_', ' ')}.")

    # Period of insurance (15) and after expiry (GAP-TERM-1).
    if facts.loss_on < facts.policy_start:
        decline(
            "GAP-EXCL-15",
            f"The loss ({facts.loss_on.isoformat()}) occurred before the period of insurance "
            f"began ({facts.policy_start.isoformat()}).",
        )
    elif facts.loss_on > facts.policy_end:
        decline(
            "GAP-TERM-1",
            f"The loss ({facts.loss_on.isoformat()}) occurred after the policy ended "
            f"({facts.policy_end.isoformat()}).",
        )

    # 17 vehicle over N years old at the policy start.
    anniversary = add_months(
        facts.first_registered_on, 12 * params.eligibility.max_vehicle_age_years
    )
    if facts.policy_start > anniversary:
        decline(
            "GAP-EXCL-17",
            f"The vehicle was over {params.eligibility.max_vehicle_age_years} years old at the "
            f"policy start ({facts.policy_start.isoformat()}).",
        )

    # 11 territorial limits (GAP-DEF-TERR).
    eu_days = params.cover.eu_days_per_cover_year
    if facts.territory is Territory.OTHER:
        decline("GAP-EXCL-11", "The total loss occurred outside the territorial limits.")
    elif (
        facts.territory is Territory.EUROPE_LISTED
        and facts.days_in_europe_this_cover_year > eu_days
    ):
        decline(
            "GAP-EXCL-11",
            f"The total loss occurred in Europe after more than {eu_days} days there in this "
            f"12-month cover period ({facts.days_in_europe_this_cover_year} days).",
        )

    simple: tuple[tuple[bool, str, str], ...] = (
        (facts.driver_intoxicated, "GAP-EXCL-3", "The driver was intoxicated by alcohol or drugs."),
        (facts.driving_illegally, "GAP-EXCL-5", "The driver was driving illegally."),
        (
            not facts.motor_policy_whole_period,
            "GAP-EXCL-6",
            "The vehicle was not covered by a motor insurance policy for the whole period.",
        ),
        (
            facts.unattended_without_security,
            "GAP-EXCL-7",
            "The vehicle was left unattended without all security devices activated.",
        ),
        (
            facts.new_for_old_taken,
            "GAP-EXCL-9",
            "A new-for-old replacement was taken under the motor policy; the balance of cover "
            "can be transferred to the replacement vehicle on request.",
        ),
        (
            not facts.premium_received or not facts.application_received,
            "GAP-EXCL-13",
            "The application details or the premium were not received by the insurer.",
        ),
    )
    for applies, rule, reason in simple:
        if applies:
            decline(rule, reason)
    for peril in sorted(facts.perils):
        rule, reason = _PERIL_EXCLUSION[peril]
        decline(rule, reason)

    # 10 misrepresentation through the CIDRA ladder (PLT-10).
    mis = facts.misrepresentation
    if mis is Misrepresentation.DELIBERATE_RECKLESS:
        decline(
            "GAP-EXCL-10",
            "Deliberate or reckless misrepresentation: the policy may be avoided and the "
            "premium kept (CIDRA Sch 1 para 2).",
        )
    elif mis is Misrepresentation.CARELESS_WOULD_NOT_HAVE_WRITTEN:
        decline(
            "GAP-EXCL-10",
            "Careless misrepresentation and the insurer would not have written the policy: "
            "avoided, premium returned (CIDRA Sch 1 para 5).",
        )
    elif mis is Misrepresentation.CARELESS_HIGHER_PREMIUM:
        d.warn("PLT-10: careless misrepresentation; pay the claim in proportion to the premiums.")
    elif mis is Misrepresentation.CARELESS_DIFFERENT_TERMS:
        d.warn("PLT-10: careless misrepresentation; re-assess the claim on the terms that apply.")

    if facts.fraudulent:
        decline(
            "GAP-FRAUD-1",
            "Fraudulent or exaggerated claim: no benefit is paid and no premium is returned.",
        )
    if facts.consequential_loss_claimed:
        d.warn("GAP-EXCL-16: consequential loss is never paid; only the GAP benefit is assessed.")

    if declines:
        d.outcome = "declined"
    d.data["declines"] = declines
    return d


# --------------------------------------------------------------------------- decline reasons

#: Why a claim is declined, in the words the customer reads (GAP-CLAIM-3, ADR 0026): the
#: staff choose from this list (by the policy term) and add their own explanation.
DECLINE_REASONS: dict[str, str] = {
    "GAP-CLAIM-2": "The vehicle was not a total loss settled and paid by your motor insurer.",
    "GAP-EXCL-1": "The loss was not paid under the accidental damage, fire or theft section "
    "of your motor insurance, or the driver was not covered by it.",
    "GAP-EXCL-2": "The loss was caused by riot or civil commotion.",
    "GAP-EXCL-3": "The driver was under the influence of alcohol or drugs.",
    "GAP-EXCL-5": "The vehicle was being driven illegally.",
    "GAP-EXCL-6": "There was no motor insurance on the vehicle for the whole period.",
    "GAP-EXCL-7": "The vehicle was left unattended without its security devices in use.",
    "GAP-EXCL-9": "Your motor insurer replaced the vehicle new for old.",
    "GAP-EXCL-10": "Information given when the policy was bought was not correct.",
    "GAP-EXCL-11": "The loss happened outside the countries the policy covers.",
    "GAP-EXCL-13": "We did not receive the premium or the application.",
    "GAP-EXCL-15": "The loss happened before your GAP cover started.",
    "GAP-EXCL-17": "The vehicle was older than the policy allows when the cover started.",
    "GAP-EXCL-19": "The loss was caused by war.",
    "GAP-EXCL-20": "The loss was caused by terrorism.",
    "GAP-EXCL-21": "The loss was caused by nuclear risks.",
    "GAP-EXCL-22": "The loss was caused by a cyber attack.",
    "GAP-TERM-1": "The loss happened after your GAP cover ended.",
}


def decline_reasons_plain(rules: Iterable[str]) -> tuple[str, ...]:
    """The customer's reasons for a decline, one sentence per policy term, no rule ids."""
    out = []
    for rule in rules:
        text = DECLINE_REASONS.get(rule, "A term of your policy excludes this claim.")
        if text not in out:
            out.append(text)
    return tuple(out)
