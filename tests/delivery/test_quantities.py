"""Reading a plan's words as a quantity, and the delivered-against-specified arithmetic,
worked by hand on small cases."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.engine import (
    DeliveryFigures,
    Quantity,
    WeekRecord,
    delivery_figures,
    is_shortfall,
    last_weeks,
    parse_quantity,
    term_of,
    term_weeks,
    week_start,
)


@pytest.mark.parametrize(
    ("much", "often", "minutes", "sessions", "period"),
    [
        ("30 minutes", "twice a week", 30, 2, "week"),
        ("45 minutes", "weekly in term time", 45, 1, "week"),
        ("1 hour", "four times weekly", 60, 4, "week"),
        ("20 minutes", "daily", 20, 5, "week"),
        ("15 hours", "weekly in term time", 900, 1, "week"),
        ("1.5 hours", "3 times a week", 90, 3, "week"),
        ("half an hour", "each school day", 30, 5, "week"),
        ("45 mins", "fortnightly", 45, 1, "fortnight"),
        ("60 minutes", "6 sessions a term", 60, 6, "term"),
        ("One hour", "Once per term", 60, 1, "term"),
        ("40 minutes", "half-termly", 40, 2, "term"),
        ("50 minutes", "three times weekly, reviewed each term", 50, 3, "week"),
    ],
)
def test_clear_words_are_read_as_a_quantity(much, often, minutes, sessions, period):
    assert parse_quantity(much, often) == Quantity(minutes, sessions, period)


@pytest.mark.parametrize(
    ("much", "often"),
    [
        ("as needed", "weekly"),  # no amount
        ("30 minutes", "regularly"),  # no frequency
        ("30 minutes", "monthly"),  # months are not counted in weeks or terms
        ("a programme of work", "ongoing"),
        ("30 minutes", "1.5 times a week"),  # not a whole number of sessions
    ],
)
def test_unclear_words_are_left_for_the_caseworker(much, often):
    assert parse_quantity(much, often) is None


def test_a_term_quantity_is_spread_over_thirteen_weeks():
    # 6 sessions of 65 minutes a term = 390 minutes over 13 weeks = 30 a week.
    assert Quantity(65, 6, "term").minutes_per_week == 30.0
    assert Quantity(45, 1, "fortnight").minutes_per_week == 22.5


def test_a_bad_quantity_is_refused():
    with pytest.raises(ValueError, match="sessions"):
        Quantity(30, 0, "week")
    with pytest.raises(ValueError, match="period"):
        Quantity(30, 1, "month")


MONDAYS = [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)]


def test_four_weeks_of_sixty_minutes_with_one_missed_session_is_87_5_percent():
    # 60 a week for 4 weeks = 240 due; 60 + 30 + 60 + 60 = 210 delivered; 210/240 = 87.5%.
    records = {
        MONDAYS[0]: WeekRecord(60),
        MONDAYS[1]: WeekRecord(30, 30),
        MONDAYS[2]: WeekRecord(60),
        MONDAYS[3]: WeekRecord(60),
    }
    figures = delivery_figures(minutes_per_week=60, weeks=MONDAYS, records=records)
    assert (figures.expected, figures.delivered, figures.missed) == (240, 210, 30)
    assert figures.percent == 87.5
    assert not is_shortfall(figures, threshold_percent=80)


def test_a_week_not_recorded_counts_as_nothing_delivered():
    # Three weeks of 60 recorded, one silent: 180 of 240 = 75%, under 80%.
    records = {m: WeekRecord(60) for m in MONDAYS[:3]}
    figures = delivery_figures(minutes_per_week=60, weeks=MONDAYS, records=records)
    assert (figures.expected, figures.delivered, figures.not_recorded) == (240, 180, 1)
    assert figures.percent == 75.0
    assert is_shortfall(figures, threshold_percent=80)


def test_a_holiday_week_counts_for_neither_side():
    # One holiday, three weeks of 48 of 60: 144 of 180 = 80%, not under 80%.
    records = {MONDAYS[0]: WeekRecord(0, due=False)} | {m: WeekRecord(48, 12) for m in MONDAYS[1:]}
    figures = delivery_figures(minutes_per_week=60, weeks=MONDAYS, records=records)
    assert (figures.expected, figures.delivered, figures.weeks) == (180, 144, 3)
    assert figures.percent == 80.0
    assert not is_shortfall(figures, threshold_percent=80)
    assert is_shortfall(figures, threshold_percent=81)


def test_nothing_due_is_never_a_shortfall():
    nothing = DeliveryFigures(expected=0, delivered=0, missed=0, weeks=0, not_recorded=0)
    assert nothing.percent is None
    assert not is_shortfall(nothing, threshold_percent=80)


def test_weeks_run_monday_to_sunday_and_the_window_is_complete_weeks_only():
    assert week_start(dt.date(2026, 11, 29)) == dt.date(2026, 11, 23)  # a Sunday
    assert week_start(dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)  # a Monday
    # On Monday 30 November the week just begun is not complete: the window ends before it.
    assert last_weeks(dt.date(2026, 11, 30), 4) == MONDAYS


def test_term_weeks_start_with_the_commitment_and_stop_before_this_week():
    autumn = term_of(dt.date(2026, 10, 1))
    assert autumn is not None and autumn.start == dt.date(2026, 9, 1)
    # Started Wednesday 2 September: its first counted week is Monday 7 September.
    weeks = term_weeks(autumn, started_on=dt.date(2026, 9, 2), ended_on=None,
                       today=dt.date(2026, 9, 24))  # fmt: skip
    assert weeks == [dt.date(2026, 9, 7), dt.date(2026, 9, 14)]
    assert term_of(dt.date(2027, 8, 2)) is None
