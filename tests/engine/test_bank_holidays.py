"""Bank holidays in England and Wales against the lists published on GOV.UK."""

from __future__ import annotations

from datetime import date

import pytest

from sendplan.engine.bank_holidays import bank_holidays, easter_sunday, is_bank_holiday
from sendplan.engine.statutory import add_working_days

PUBLISHED = {
    # VE Day moved the early May bank holiday to a Friday; Boxing Day fell on a Saturday.
    2020: "01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28",
    # Christmas Day and Boxing Day both at the weekend: Monday and Tuesday instead.
    2021: "01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28",
    # New Year's Day on a Saturday; the jubilee moved the spring holiday and added a day;
    # the state funeral; Christmas Day on a Sunday.
    2022: "01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27",
    # New Year's Day on a Sunday; the coronation.
    2023: "01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26",
    2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
    2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
    2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28",
    2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28",
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_bank_holidays_match_the_published_list(year: int) -> None:
    expected = {date.fromisoformat(f"{year}-{md}") for md in PUBLISHED[year].split()}
    assert bank_holidays(year) == expected


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2008, date(2008, 3, 23)), (2011, date(2011, 4, 24)), (2038, date(2038, 4, 25))],
)
def test_easter_at_its_earliest_and_latest(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_one_off_days_of_earlier_years() -> None:
    assert is_bank_holiday(date(2011, 4, 29))  # royal wedding
    assert is_bank_holiday(date(2012, 6, 4)) and is_bank_holiday(date(2012, 6, 5))
    assert not is_bank_holiday(date(2012, 5, 28))  # the spring holiday moved that year
    assert is_bank_holiday(date(1999, 12, 31))


def test_working_days_run_over_a_bank_holiday_weekend() -> None:
    # Friday before the August bank holiday: Tuesday, Wednesday, Thursday.
    assert add_working_days(date(2026, 8, 28), 3) == date(2026, 9, 3)
    assert add_working_days(date(2026, 8, 28), 0) == date(2026, 8, 28)
