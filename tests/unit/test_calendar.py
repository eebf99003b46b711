"""Working-day calendar (G5-G7, REGULATION.md §4) across Christmas/New Year 2026-27 and Easter 2027."""

from datetime import date, datetime

import pytest

from covernote.domain.calendar import (
    LONDON,
    Nation,
    add_months,
    add_weeks,
    add_working_days,
    bank_holidays,
    days_on_cover,
    end_of_nth_working_day,
    is_working_day,
    london_date,
    term_days,
    whole_months_between,
)
from covernote.domain.errors import DomainError


def test_g5_christmas_2026_england_skips_boxing_day_observed():
    # Thu 24 Dec 2026 + 1 working day: Fri 25 (Christmas), Sat, Sun, Mon 28 (Boxing observed) -> Tue 29
    assert add_working_days(date(2026, 12, 24), 1, Nation.ENGLAND) == date(2026, 12, 29)


def test_g5_new_year_2027_scotland_has_2_january_observed_on_4th():
    # Thu 31 Dec 2026: Fri 1 Jan holiday everywhere; Scotland's 2 Jan is a Saturday,
    # observed Mon 4 Jan 2027 -> England's first working day is Mon 4, Scotland's Tue 5.
    assert add_working_days(date(2026, 12, 31), 1, Nation.ENGLAND) == date(2027, 1, 4)
    assert add_working_days(date(2026, 12, 31), 1, Nation.SCOTLAND) == date(2027, 1, 5)


def test_g5_easter_2027_england_and_scotland_differ_on_easter_monday():
    # Thu 25 Mar 2027; Good Friday 26 Mar for both; Easter Monday 29 Mar in England only.
    assert add_working_days(date(2027, 3, 25), 1, Nation.ENGLAND) == date(2027, 3, 30)
    assert add_working_days(date(2027, 3, 25), 1, Nation.SCOTLAND) == date(2027, 3, 29)


def test_g5_northern_ireland_st_patricks_day():
    assert not is_working_day(date(2027, 3, 17), Nation.NORTHERN_IRELAND)
    assert is_working_day(date(2027, 3, 17), Nation.ENGLAND)


def test_g5_scotland_st_andrews_day_2026_and_world_cup_holiday():
    assert not is_working_day(date(2026, 11, 30), Nation.SCOTLAND)
    assert not is_working_day(date(2026, 6, 15), Nation.SCOTLAND)
    assert is_working_day(date(2026, 11, 30), Nation.ENGLAND)


def test_g5_wales_same_as_england():
    eng = set(bank_holidays(Nation.ENGLAND, [2026, 2027]))
    wls = set(bank_holidays(Nation.WALES, [2026, 2027]))
    assert eng == wls


def test_g5_england_weekday_bank_holidays_pinned_2026_2027():
    # REGULATION.md §4: 8 weekday bank holidays in 2026 and in 2027 (England & Wales).
    for year in (2026, 2027):
        weekdays = [d for d in bank_holidays(Nation.ENGLAND, [year]) if d.weekday() < 5]
        assert len(weekdays) == 8, year


def test_g6_day_zero_may_be_a_weekend():
    # Received Sat 19 Dec 2026: day 0; third working day = Wed 23 Dec.
    assert add_working_days(date(2026, 12, 19), 3) == date(2026, 12, 23)
    assert add_working_days(date(2026, 12, 19), 0) == date(2026, 12, 19)


def test_comp2_end_of_third_working_day_is_close_of_business_london():
    due = end_of_nth_working_day(date(2026, 12, 23), 3)
    # 23 Dec (Wed) -> 24 Thu (1), 29 Tue (2), 30 Wed (3)
    assert due == datetime(2026, 12, 30, 17, 30, tzinfo=LONDON)


def test_g7_six_months_clamps_at_month_end():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)


def test_g7_eight_weeks_is_56_calendar_days_without_roll():
    assert add_weeks(date(2026, 11, 2), 8) == date(2026, 12, 28)  # a bank holiday, not rolled


def test_g2_london_date_in_bst():
    assert london_date(datetime.fromisoformat("2027-03-31T23:30:00+00:00")) == date(2027, 4, 1)


def test_g2_naive_timestamp_refused():
    with pytest.raises(DomainError) as err:
        london_date(datetime(2027, 1, 1, 12))
    assert err.value.rule == "G2"


def test_g3_g4_periods_inclusive():
    assert term_days(date(2027, 1, 1), date(2027, 12, 31)) == 365
    assert term_days(date(2028, 1, 1), date(2028, 12, 31)) == 366
    assert days_on_cover(date(2027, 1, 1), date(2027, 1, 1)) == 1
    assert days_on_cover(date(2027, 1, 1), date(2026, 12, 31)) == 0


def test_whole_months_ignores_partial_month():
    assert whole_months_between(date(2027, 3, 16), date(2030, 1, 1)) == 33
    assert whole_months_between(date(2027, 1, 1), date(2027, 1, 1)) == 0
