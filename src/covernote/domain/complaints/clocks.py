"""Complaint clocks (COMP-2, COMP-3, COMP-5; DISP 1.5, 1.6, 2.8).

* Day 0 is the London calendar date of receipt, whatever day it is (G2; DISP
  1.5.3G, which let a weekend receipt count from the next business day, was
  deleted in 2016).
* Summary resolution window: close of business (17:30, configurable) on the 3rd
  working day after day 0 (DISP 1.5.1R). When it lapses the procedure escalates
  (COMP-3) or forwards (DISP 1.7) — see ``procedures.lapse_route``.
* Acknowledgements: Young Driver in writing within 5 working days (YD-COMPLAINT);
  the QA team within 1 working day of escalation (COMP-3). Both end at close of
  business on the due working day.
* Final response or holding letter: by day 0 + 56 calendar days (DISP 1.6.2R, G7),
  which ends at midnight London time on that day (no working-day roll).
* FOS referral: possible from the earlier of the final response / summary
  resolution communication being sent and day 56 (DISP 2.8.1R), until 6
  calendar months after the final response, clamped at month end (DISP 2.8.2R, G7).

Working days follow the nation whose calendar applies (G5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from covernote.domain.calendar import (
    LONDON,
    Nation,
    add_months,
    add_working_days,
    london_date,
    working_days_between,
)
from covernote.domain.complaints.config import ClockRules, LapseAction, Procedure
from covernote.domain.decisions import Decision
from covernote.domain.errors import DomainError, ErrorCode

END_OF_DAY = time(23, 59, 59, 999999)  # calendar-day deadlines end at midnight, London (G7)


class ClockKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"  # YD-COMPLAINT / DISP 1.6.1R
    QA_ACKNOWLEDGEMENT = "qa_acknowledgement"  # COMP-3
    SUMMARY_RESOLUTION = "summary_resolution"  # COMP-2 / DISP 1.5.1R
    FINAL_RESPONSE = "final_response"  # COMP-2 / DISP 1.6.2R


class ClockStatus(StrEnum):
    DUE = "due"
    MET = "met"
    BREACHED = "breached"


@dataclass(frozen=True)
class Clock:
    """One deadline on a complaint, visible on the dashboard (COMP-7).

    ``status(now)``: met if done by the deadline; breached if done late or still
    open after it; otherwise due. For the summary-resolution clock "breached"
    means the 3-working-day window lapsed unresolved: ``on_lapse`` says what
    the procedure does next (escalate / forward / continue under DISP 1.6).
    """

    kind: ClockKind
    rule: str
    due_on: date
    due_at: datetime
    nation: Nation
    met_at: datetime | None = None
    on_lapse: str = ""
    alternative_format: bool = False

    def status(self, now: datetime) -> ClockStatus:
        if now.tzinfo is None:
            raise DomainError(ErrorCode.INVALID, "now must carry a time zone", "G2", "now")
        if self.met_at is not None:
            return ClockStatus.MET if self.met_at <= self.due_at else ClockStatus.BREACHED
        return ClockStatus.BREACHED if now > self.due_at else ClockStatus.DUE

    def met(self, at: datetime) -> Clock:
        if at.tzinfo is None:
            raise DomainError(ErrorCode.INVALID, "met_at must carry a time zone", "G2", "met_at")
        return replace(self, met_at=at)


@dataclass(frozen=True)
class ClockEvents:
    """What has happened on a complaint so far (all optional, all timezone-aware)."""

    escalated_at: datetime | None = None
    acknowledged_at: datetime | None = None
    qa_acknowledged_at: datetime | None = None
    summary_resolution_sent_at: datetime | None = None
    final_response_on: date | None = None  # the date the final response was sent
    holding_response_on: date | None = None  # DISP 1.6.2R(2): also stops the 8-week clock


@dataclass(frozen=True)
class ComplaintTimeline:
    """The dates of a complaint and its clocks, with the decision steps that produced them."""

    received_on: date
    summary_resolution_by: date
    summary_resolution_deadline: datetime
    acknowledge_by: date | None
    qa_acknowledge_by: date | None
    final_response_by: date
    fos_referral_from: date
    fos_referral_until: date | None
    clocks: tuple[Clock, ...]
    decision: Decision


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise DomainError(ErrorCode.INVALID, f"{field} must carry a time zone offset", "G2", field)
    return value


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _cob(day: date, rules: ClockRules) -> datetime:
    return datetime.combine(day, rules.close_of_business, tzinfo=LONDON)


def _end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=LONDON)


def complaint_timeline(
    *,
    received_at: datetime,
    procedure: Procedure,
    nation: Nation,
    rules: ClockRules,
    events: ClockEvents | None = None,
    alternative_format: bool = False,
) -> ComplaintTimeline:
    """Every deadline of a complaint from its receipt (COMP-2, COMP-3, COMP-5)."""
    ev = events or ClockEvents()
    _aware(received_at, "received_at")
    d = Decision(outcome="timeline")

    day0 = london_date(received_at)
    d.step(
        "COMP-2",
        "Day 0 is the London calendar date of receipt, whatever day it is "
        "(G2; DISP 1.5.3G deleted)",
        value=day0,
        received_at=received_at.isoformat(),
        nation=nation.value,
    )

    n = rules.summary_resolution_working_days
    src_day = add_working_days(day0, n, nation)
    src_deadline = _cob(src_day, rules)
    d.step(
        "COMP-2",
        f"Summary resolution window ends at close of business "
        f"({rules.close_of_business.strftime('%H:%M')}) on the {_ordinal(n)} working day after "
        f"day 0 in {nation.value} (DISP 1.5.1R)",
        value=src_day,
        deadline=src_deadline.isoformat(),
    )
    lapse = {
        LapseAction.ESCALATE: "escalate to stage 2 (COMP-3)",
        LapseAction.FORWARD: "forward to the insurer and tell the complainant (DISP 1.7)",
        LapseAction.NONE: "continue under the 8-week rule (DISP 1.6)",
    }[procedure.on_summary_lapse]
    clocks: list[Clock] = [
        Clock(
            kind=ClockKind.SUMMARY_RESOLUTION,
            rule="COMP-2",
            due_on=src_day,
            due_at=src_deadline,
            nation=nation,
            met_at=ev.summary_resolution_sent_at,
            on_lapse=lapse,
            alternative_format=alternative_format,
        )
    ]
    if procedure.on_summary_lapse is not LapseAction.NONE:
        rule = "COMP-3" if procedure.on_summary_lapse is LapseAction.ESCALATE else "COMP-5"
        d.step(rule, f"If not resolved by then: {lapse}", value=src_day)

    acknowledge_by: date | None = None
    if procedure.acknowledge_working_days is not None:
        acknowledge_by = add_working_days(day0, procedure.acknowledge_working_days, nation)
        d.step(
            procedure.rule,
            f"Written acknowledgement within {procedure.acknowledge_working_days} working "
            f"days of receipt (DISP 1.6.1R; {procedure.name})",
            value=acknowledge_by,
        )
        clocks.append(
            Clock(
                kind=ClockKind.ACKNOWLEDGEMENT,
                rule=procedure.rule,
                due_on=acknowledge_by,
                due_at=_cob(acknowledge_by, rules),
                nation=nation,
                met_at=ev.acknowledged_at,
                alternative_format=alternative_format,
            )
        )
    else:
        d.step(
            "COMP-5",
            f"{procedure.name} sets no fixed acknowledgement deadline: acknowledge "
            "promptly in writing (DISP 1.6.1R)",
        )

    qa_acknowledge_by: date | None = None
    if ev.escalated_at is not None:
        _aware(ev.escalated_at, "escalated_at")
        if ev.escalated_at < received_at:
            raise DomainError(
                ErrorCode.INVALID,
                "escalated_at is before the complaint was received",
                "COMP-3",
                "escalated_at",
            )
        if procedure.escalation_acknowledge_working_days is not None:
            escalated_on = london_date(ev.escalated_at)
            qa_days = procedure.escalation_acknowledge_working_days
            qa_acknowledge_by = add_working_days(escalated_on, qa_days, nation)
            d.step(
                "COMP-3",
                f"Escalated on {escalated_on.isoformat()}: the QA team acknowledges within "
                f"{qa_days} working day(s) of escalation",
                value=qa_acknowledge_by,
            )
            clocks.append(
                Clock(
                    kind=ClockKind.QA_ACKNOWLEDGEMENT,
                    rule="COMP-3",
                    due_on=qa_acknowledge_by,
                    due_at=_cob(qa_acknowledge_by, rules),
                    nation=nation,
                    met_at=ev.qa_acknowledged_at,
                    alternative_format=alternative_format,
                )
            )
        else:
            d.step("COMP-5", f"{procedure.name} has no stage-2 acknowledgement deadline")

    final_by = day0 + timedelta(days=rules.final_response_days)
    d.step(
        "COMP-2",
        f"Final response, or a holding response with FOS referral rights, by day 0 + "
        f"{rules.final_response_days} days (8 weeks, DISP 1.6.2R; no working-day roll, G7)",
        value=final_by,
    )
    final_met: date | None = None
    for sent in (ev.final_response_on, ev.holding_response_on):
        if sent is not None:
            if sent < day0:
                raise DomainError(
                    ErrorCode.INVALID,
                    "a response cannot be sent before the complaint was received",
                    "COMP-2",
                    "final_response_on" if sent == ev.final_response_on else "holding_response_on",
                )
            final_met = sent if final_met is None else min(final_met, sent)
    clocks.append(
        Clock(
            kind=ClockKind.FINAL_RESPONSE,
            rule="COMP-2",
            due_on=final_by,
            due_at=_end_of_day(final_by),
            nation=nation,
            met_at=_end_of_day(final_met) if final_met is not None else None,
            alternative_format=alternative_format,
        )
    )

    candidates = [final_by]
    if ev.final_response_on is not None:
        candidates.append(ev.final_response_on)
    if ev.summary_resolution_sent_at is not None:
        src_sent = london_date(_aware(ev.summary_resolution_sent_at, "summary_resolution_sent_at"))
        candidates.append(src_sent)
    fos_from = min(candidates)
    d.step(
        "COMP-4",
        "The FOS can consider the complaint from the earlier of the final response or "
        "summary resolution being sent and day 56 (DISP 2.8.1R)",
        value=fos_from,
    )

    fos_until: date | None = None
    if ev.final_response_on is not None:
        fos_until = add_months(ev.final_response_on, rules.fos_referral_months)
        d.step(
            "COMP-2",
            f"Referral to the FOS within {rules.fos_referral_months} calendar months of the "
            "final response, clamped at month end (DISP 2.8.2R(1), G7)",
            value=fos_until,
            final_response_on=ev.final_response_on,
        )

    d.data.update(
        received_on=day0,
        summary_resolution_by=src_day,
        acknowledge_by=acknowledge_by,
        qa_acknowledge_by=qa_acknowledge_by,
        final_response_by=final_by,
        fos_referral_from=fos_from,
        fos_referral_until=fos_until,
    )
    return ComplaintTimeline(
        received_on=day0,
        summary_resolution_by=src_day,
        summary_resolution_deadline=src_deadline,
        acknowledge_by=acknowledge_by,
        qa_acknowledge_by=qa_acknowledge_by,
        final_response_by=final_by,
        fos_referral_from=fos_from,
        fos_referral_until=fos_until,
        clocks=tuple(clocks),
        decision=d,
    )


@dataclass(frozen=True)
class ClockAlert:
    """A clock the scheduled check must raise a task for (COMP-7)."""

    complaint_id: str
    clock: Clock
    status: ClockStatus
    days_left: int  # calendar days from today (London) to the due date; negative when overdue


def clocks_needing_attention(
    clocks: Iterable[tuple[str, Clock]],
    *,
    now: datetime,
    within_days: int,
    rules: ClockRules,
) -> list[ClockAlert]:
    """Open clocks breached or due within ``within_days`` calendar days (COMP-7).

    A complaint answered in an alternative format is flagged at least
    ``alternative_format_alert_working_days`` working days early, because
    production time does not extend a regulatory deadline (REGULATION §6).
    Breached clocks come first, then by deadline. Met clocks are left out
    (a clock met late is reported by ``Clock.status`` as breached, for the MI).
    """
    if within_days < 0:
        raise DomainError(ErrorCode.INVALID, "within_days must be >= 0", "COMP-7", "within_days")
    today = london_date(now)
    alerts: list[ClockAlert] = []
    for complaint_id, clock in clocks:
        if clock.met_at is not None:
            continue
        status = clock.status(now)
        days_left = (clock.due_on - today).days
        if status is ClockStatus.BREACHED:
            alerts.append(ClockAlert(complaint_id, clock, status, days_left))
            continue
        soon = days_left <= within_days
        if clock.alternative_format and not soon:
            lead = rules.alternative_format_alert_working_days
            soon = working_days_between(today, clock.due_on, clock.nation) <= lead
        if soon:
            alerts.append(ClockAlert(complaint_id, clock, status, days_left))
    alerts.sort(key=lambda a: (a.status is not ClockStatus.BREACHED, a.clock.due_at))
    return alerts


def fos_referral_window(
    timeline: ComplaintTimeline, referred_on: date, *, consent_to_waive: bool = False
) -> Decision:
    """Was a referral to the FOS made inside its window (COMP-4, DISP 2.8.1R, 2.8.2R)?

    A referral outside the window is never refused by the firm: it is flagged with
    the rule, because the FOS decides whether it can consider the complaint.
    ``outcome``: ``within_window``, ``before_window`` or ``after_window``;
    ``data["flags"]`` lists the rule-cited reasons.
    """
    d = Decision(outcome="within_window")
    flags: list[str] = []
    if referred_on < timeline.fos_referral_from:
        d.outcome = "before_window"
        flags.append(
            f"Referred on {referred_on.isoformat()}, before the FOS window opens on "
            f"{timeline.fos_referral_from.isoformat()}: no final response or summary "
            "resolution sent and 8 weeks not yet passed (DISP 2.8.1R). The FOS decides."
        )
        d.step("COMP-4", flags[-1], value=False, referred_on=referred_on)
    elif timeline.fos_referral_until is not None and referred_on > timeline.fos_referral_until:
        d.outcome = "after_window"
        waived = (
            " We consented to the FOS considering a late referral (DISP 1 Annex 3R)."
            if consent_to_waive
            else " We did not consent to a late referral."
        )
        flags.append(
            f"Referred on {referred_on.isoformat()}, after the six-month limit ended on "
            f"{timeline.fos_referral_until.isoformat()} (DISP 2.8.2R(1)).{waived} "
            "The FOS decides."
        )
        d.step("COMP-2", flags[-1], value=False, referred_on=referred_on)
    else:
        until = (
            f" until {timeline.fos_referral_until.isoformat()}"
            if timeline.fos_referral_until is not None
            else ""
        )
        d.step(
            "COMP-4",
            f"Referred on {referred_on.isoformat()}, inside the FOS window (from "
            f"{timeline.fos_referral_from.isoformat()}{until}; DISP 2.8.1R, 2.8.2R)",
            value=True,
            referred_on=referred_on,
        )
    d.data["flags"] = flags
    d.data["window_from"] = timeline.fos_referral_from
    d.data["window_until"] = timeline.fos_referral_until
    return d
