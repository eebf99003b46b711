"""Complaint clocks (COMP-2, COMP-3, COMP-5, YD-COMPLAINT, GAP-COMPLAINT).

Expected dates are worked by hand from REGULATION.md §4's holiday tables:

England 2026-27: Fri 25 Dec 2026, Mon 28 Dec 2026 (Boxing Day observed), Fri 1 Jan 2027,
Good Friday 26 Mar 2027, Easter Monday 29 Mar 2027.
Scotland adds Fri 2 Jan 2026 ... and for 2027 Sat 2 Jan observed Mon 4 Jan 2027; no
Easter Monday.
"""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from covernote.calculators.complaint_clock import load_complaints_config
from covernote.domain.calendar import LONDON, Nation, is_working_day, working_days_between
from covernote.domain.complaints.clocks import (
    ClockEvents,
    ClockKind,
    ClockStatus,
    clocks_needing_attention,
    complaint_timeline,
)
from covernote.domain.complaints.config import ProcedureKind
from covernote.domain.errors import DomainError

CONFIG = load_complaints_config()
RULES = CONFIG.clock


def timeline(received_at, nation, procedure, **events):
    return complaint_timeline(
        received_at=received_at,
        procedure=CONFIG.procedure(procedure),
        nation=nation,
        rules=RULES,
        events=ClockEvents(**events),
    )


def utc(*args):
    return datetime(*args, tzinfo=UTC)


# --- Christmas / New Year 2026-27 -------------------------------------------------


def test_comp_2_christmas_2026_england_summary_window_and_final_response():
    # Wed 23 Dec 2026 (GMT, London = UTC). Working days after day 0 in England:
    # Thu 24 (1), [Fri 25 Christmas, Sat, Sun, Mon 28 Boxing observed], Tue 29 (2), Wed 30 (3).
    # Final response: 23 Dec + 56 = 8 days to 31 Dec, 31 to 31 Jan (39), 17 more -> Wed 17 Feb 2027.
    t = timeline(utc(2026, 12, 23, 11, 0), Nation.ENGLAND, ProcedureKind.BROKER_PLATFORM)
    assert t.received_on == date(2026, 12, 23)
    assert t.summary_resolution_by == date(2026, 12, 30)
    assert t.summary_resolution_deadline == datetime(2026, 12, 30, 17, 30, tzinfo=LONDON)
    assert t.final_response_by == date(2027, 2, 17)
    assert t.fos_referral_from == date(2027, 2, 17)
    assert t.fos_referral_until is None


def test_yd_complaint_acknowledgement_over_new_year_england_vs_scotland():
    # Wed 23 Dec 2026, 5 working days.
    # England: Thu 24 (1), Tue 29 (2), Wed 30 (3), Thu 31 (4), [Fri 1 Jan, Sat, Sun], Mon 4 Jan (5).
    # Scotland: same to Thu 31 (4); Fri 1 Jan, Sat 2 Jan, Sun, Mon 4 Jan (2 Jan observed) are
    # not working days -> Tue 5 Jan (5).
    eng = timeline(utc(2026, 12, 23, 11, 0), Nation.ENGLAND, ProcedureKind.YOUNG_DRIVER)
    sct = timeline(utc(2026, 12, 23, 11, 0), Nation.SCOTLAND, ProcedureKind.YOUNG_DRIVER)
    assert eng.acknowledge_by == date(2027, 1, 4)
    assert sct.acknowledge_by == date(2027, 1, 5)
    assert "YD-COMPLAINT" in eng.decision.rules


def test_comp_2_new_year_eve_receipt_england_and_scotland():
    # Thu 31 Dec 2026. England: [Fri 1 Jan], Mon 4 (1), Tue 5 (2), Wed 6 (3) -> 6 Jan.
    # Scotland: [Fri 1, Mon 4 observed 2 Jan], Tue 5 (1), Wed 6 (2), Thu 7 (3) -> 7 Jan.
    # Final response: 31 Dec + 56 = 31 Jan (31) + 25 -> Thu 25 Feb 2027.
    eng = timeline(utc(2026, 12, 31, 10, 0), Nation.ENGLAND, ProcedureKind.GAP_CLAIM)
    sct = timeline(utc(2026, 12, 31, 10, 0), Nation.SCOTLAND, ProcedureKind.GAP_CLAIM)
    assert eng.summary_resolution_by == date(2027, 1, 6)
    assert sct.summary_resolution_by == date(2027, 1, 7)
    assert eng.final_response_by == sct.final_response_by == date(2027, 2, 25)


def test_comp_2_day_0_is_the_weekend_bank_holiday_itself():
    # Sat 26 Dec 2026 is day 0 (DISP 1.5.3G deleted). England: [Mon 28 Boxing observed],
    # Tue 29 (1), Wed 30 (2), Thu 31 (3). 26 Dec + 56 = 5 to 31 Dec, 31 to 31 Jan (36),
    # 20 more -> Sat 20 Feb 2027, not rolled to a working day.
    t = timeline(utc(2026, 12, 26, 9, 0), Nation.ENGLAND, ProcedureKind.GAP_CLAIM)
    assert t.received_on == date(2026, 12, 26)
    assert t.summary_resolution_by == date(2026, 12, 31)
    assert t.final_response_by == date(2027, 2, 20)
    assert t.final_response_by.weekday() == 5


def test_comp_3_qa_acknowledgement_one_working_day_after_escalation_over_new_year():
    # Escalated Thu 31 Dec 2026: England [Fri 1 Jan] -> Mon 4 Jan; Scotland [Fri 1, Mon 4] -> Tue 5.
    kwargs = {"escalated_at": utc(2026, 12, 31, 12, 0)}
    eng = timeline(utc(2026, 12, 23, 9, 0), Nation.ENGLAND, "broker_platform", **kwargs)
    sct = timeline(utc(2026, 12, 23, 9, 0), Nation.SCOTLAND, "broker_platform", **kwargs)
    assert eng.qa_acknowledge_by == date(2027, 1, 4)
    assert sct.qa_acknowledge_by == date(2027, 1, 5)
    assert "COMP-3" in eng.decision.rules


# --- Easter 2027 ---------------------------------------------------------------


def test_comp_2_easter_2027_england_vs_scotland():
    # Wed 24 Mar 2027 14:00 UTC (GMT until 28 Mar). England: Thu 25 (1), [Fri 26 Good Friday,
    # Sat, Sun, Mon 29 Easter Monday], Tue 30 (2), Wed 31 (3). Scotland has no Easter Monday:
    # Thu 25 (1), Mon 29 (2), Tue 30 (3). 24 Mar + 56 = 7 to 31 Mar, 30 to 30 Apr (37),
    # 19 more -> Wed 19 May 2027.
    eng = timeline(utc(2027, 3, 24, 14, 0), Nation.ENGLAND, "broker_platform")
    sct = timeline(utc(2027, 3, 24, 14, 0), Nation.SCOTLAND, "broker_platform")
    assert eng.summary_resolution_by == date(2027, 3, 31)
    assert sct.summary_resolution_by == date(2027, 3, 30)
    # 17:30 BST on 31 Mar is 16:30 UTC.
    assert eng.summary_resolution_deadline.astimezone(UTC) == utc(2027, 3, 31, 16, 30)
    assert eng.final_response_by == sct.final_response_by == date(2027, 5, 19)


def test_yd_complaint_acknowledgement_easter_2027():
    # Wed 24 Mar 2027, 5 working days. England: Thu 25, Tue 30, Wed 31, Thu 1 Apr, Fri 2 Apr.
    # Scotland: Thu 25, Mon 29, Tue 30, Wed 31, Thu 1 Apr.
    eng = timeline(utc(2027, 3, 24, 14, 0), Nation.ENGLAND, "young_driver")
    sct = timeline(utc(2027, 3, 24, 14, 0), Nation.SCOTLAND, "young_driver")
    assert eng.acknowledge_by == date(2027, 4, 2)
    assert sct.acknowledge_by == date(2027, 4, 1)


def test_comp_2_london_date_of_receipt_in_bst():
    # G2 example: 2027-03-31T23:30Z is 00:30 BST on Thu 1 Apr 2027.
    # England: Fri 2 Apr (1), Mon 5 (2), Tue 6 (3).
    t = timeline(utc(2027, 3, 31, 23, 30), Nation.ENGLAND, "gap_claim")
    assert t.received_on == date(2027, 4, 1)
    assert t.summary_resolution_by == date(2027, 4, 6)


# --- FOS window -----------------------------------------------------------------


def test_comp_2_fos_referral_until_six_months_clamped_at_month_end():
    # Final response Tue 31 Aug 2027 -> 31 Aug + 6 months = 29 Feb 2028 (leap year, G7).
    t = timeline(
        utc(2027, 7, 15, 9, 0), Nation.ENGLAND, "young_driver", final_response_on=date(2027, 8, 31)
    )
    assert t.fos_referral_until == date(2028, 2, 29)
    # The final response (31 Aug) came before day 56 (15 Jul + 56 = 9 Sep): FOS from 31 Aug.
    assert t.final_response_by == date(2027, 9, 9)
    assert t.fos_referral_from == date(2027, 8, 31)


def test_comp_2_fos_referral_from_summary_resolution_sent():
    # SRC sent Fri 8 Jan 2027 (London) before day 56: referral possible from then.
    t = timeline(
        utc(2027, 1, 5, 9, 0),
        Nation.ENGLAND,
        "broker_platform",
        summary_resolution_sent_at=utc(2027, 1, 8, 10, 0),
    )
    assert t.fos_referral_from == date(2027, 1, 8)


def test_comp_3_escalation_before_receipt_is_refused():
    with pytest.raises(DomainError) as err:
        timeline(
            utc(2027, 1, 5, 9, 0),
            Nation.ENGLAND,
            "broker_platform",
            escalated_at=utc(2027, 1, 5, 8, 59),
        )
    assert err.value.field == "escalated_at"
    assert err.value.rule == "COMP-3"


def test_g2_naive_receipt_is_refused():
    with pytest.raises(DomainError) as err:
        timeline(datetime(2027, 1, 5, 9, 0), Nation.ENGLAND, "broker_platform")
    assert err.value.field == "received_at"


# --- statuses and the scheduled check (COMP-7) -------------------------------------


def _clock(t, kind):
    return next(c for c in t.clocks if c.kind is kind)


def test_comp_7_summary_clock_due_met_breached_at_close_of_business():
    # Mon 4 Jan 2027 England: Tue 5 (1), Wed 6 (2), Thu 7 (3) -> deadline 17:30 GMT Thu 7 Jan.
    t = timeline(utc(2027, 1, 4, 9, 0), Nation.ENGLAND, "broker_platform")
    clock = _clock(t, ClockKind.SUMMARY_RESOLUTION)
    assert clock.due_at == utc(2027, 1, 7, 17, 30)
    assert clock.status(utc(2027, 1, 7, 17, 29)) is ClockStatus.DUE
    assert clock.status(utc(2027, 1, 7, 17, 31)) is ClockStatus.BREACHED
    assert clock.met(utc(2027, 1, 7, 17, 0)).status(utc(2027, 2, 1)) is ClockStatus.MET
    assert clock.met(utc(2027, 1, 8, 9, 0)).status(utc(2027, 2, 1)) is ClockStatus.BREACHED
    assert "escalate" in clock.on_lapse


def test_comp_7_final_response_clock_met_by_holding_response_on_day_56():
    # 4 Jan + 56 = 27 days to 31 Jan, 28 to 28 Feb (55), +1 -> Mon 1 Mar 2027.
    t = timeline(
        utc(2027, 1, 4, 9, 0),
        Nation.ENGLAND,
        "gap_claim",
        holding_response_on=date(2027, 3, 1),
    )
    clock = _clock(t, ClockKind.FINAL_RESPONSE)
    assert clock.due_on == date(2027, 3, 1)
    assert clock.status(utc(2027, 3, 5)) is ClockStatus.MET


def test_comp_7_scheduled_check_lists_breached_first_then_due_soon():
    now = utc(2027, 1, 8, 9, 0)
    # A: received Mon 4 Jan -> summary window closed Thu 7 Jan 17:30: breached.
    a = timeline(utc(2027, 1, 4, 9, 0), Nation.ENGLAND, "broker_platform")
    # B: received Thu 7 Jan -> Fri 8 (1), Mon 11 (2), Tue 12 (3): due in 4 days.
    b = timeline(utc(2027, 1, 7, 9, 0), Nation.ENGLAND, "broker_platform")
    pairs = [("A", c) for c in a.clocks] + [("B", c) for c in b.clocks]
    alerts = clocks_needing_attention(pairs, now=now, within_days=5, rules=RULES)
    assert [(x.complaint_id, x.clock.kind, x.status) for x in alerts] == [
        ("A", ClockKind.SUMMARY_RESOLUTION, ClockStatus.BREACHED),
        ("B", ClockKind.SUMMARY_RESOLUTION, ClockStatus.DUE),
    ]
    assert alerts[1].days_left == 4


def test_comp_7_alternative_format_alerts_five_working_days_early():
    # Young Driver ack received Mon 4 Jan 2027: Tue 5 .. Mon 11 Jan (5 working days).
    # On Mon 4 Jan the deadline is 7 calendar days away (not within 3) but only 5 working
    # days away, so an alternative-format complaint is flagged; a standard one is not.
    received = utc(2027, 1, 4, 9, 0)
    std = complaint_timeline(
        received_at=received,
        procedure=CONFIG.procedure("young_driver"),
        nation=Nation.ENGLAND,
        rules=RULES,
    )
    alt = complaint_timeline(
        received_at=received,
        procedure=CONFIG.procedure("young_driver"),
        nation=Nation.ENGLAND,
        rules=RULES,
        alternative_format=True,
    )
    ack_std = _clock(std, ClockKind.ACKNOWLEDGEMENT)
    ack_alt = _clock(alt, ClockKind.ACKNOWLEDGEMENT)
    assert ack_std.due_on == date(2027, 1, 11)
    now = utc(2027, 1, 4, 12, 0)
    assert clocks_needing_attention([("S", ack_std)], now=now, within_days=3, rules=RULES) == []
    flagged = clocks_needing_attention([("A", ack_alt)], now=now, within_days=3, rules=RULES)
    assert [a.complaint_id for a in flagged] == ["A"]


# --- properties ---------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
nations = st.sampled_from([Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND])
procedures = st.sampled_from(list(ProcedureKind))


@settings(max_examples=200, deadline=None)
@given(moment=moments, nation=nations, procedure=procedures)
def test_comp_2_final_response_is_always_day_0_plus_56(moment, nation, procedure):
    t = timeline(moment, nation, procedure)
    assert t.final_response_by - t.received_on == timedelta(days=56)
    assert t.received_on == moment.astimezone(LONDON).date()


@settings(max_examples=200, deadline=None)
@given(moment=moments, nation=nations, procedure=procedures)
def test_comp_2_summary_window_is_a_working_day_three_working_days_after_day_0(
    moment, nation, procedure
):
    t = timeline(moment, nation, procedure)
    assert t.summary_resolution_by >= t.received_on
    assert is_working_day(t.summary_resolution_by, nation)
    assert working_days_between(t.received_on, t.summary_resolution_by, nation) == 3


@settings(max_examples=100, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(2026, 1, 1),
        max_value=datetime(2028, 12, 31),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=5)), LONDON]),
    )
)
def test_g2_day_0_does_not_depend_on_the_offset_the_timestamp_was_given_in(moment):
    a = timeline(moment, Nation.ENGLAND, "gap_sale")
    b = timeline(moment.astimezone(UTC), Nation.ENGLAND, "gap_sale")
    assert a.received_on == b.received_on
