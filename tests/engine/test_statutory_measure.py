"""The DfE 20-week measure, reproduced from published counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sendplan.engine.statutory_measure import twenty_week_measure

REQUEST = date(2024, 1, 8)


def _plans(days: int, count: int, exception: bool) -> list[tuple[date, date, bool]]:
    return [(REQUEST, REQUEST + timedelta(days=days), exception)] * count


def test_lambeth_2024_published_percentages_are_reproduced_from_their_counts():
    # timeliness_20_week.csv, Lambeth 2024: den 423, den_ex 383, within 355 / 334,
    # 20-52 weeks 64 / 46 -> 83.9 %, 87.2 %, 15.1 %, 12.0 %.
    plans = (
        _plans(140, 334, False) + _plans(200, 46, False) + _plans(400, 3, False)
        + _plans(100, 21, True) + _plans(141, 18, True) + _plans(365, 1, True)
    )  # fmt: skip
    m = twenty_week_measure(plans)
    assert (m.plans_issued_den, m.plans_issued_den_ex) == (423, 383)
    assert (m.plans_issued_within_20_weeks, m.plans_issued_20_weeks_ex) == (355, 334)
    assert (m.pc_plans_issued_within_20_weeks, m.pc_plans_issued_20_weeks_ex) == (83.9, 87.2)
    assert (m.pc_plans_issued_gt20weeks_ltyear, m.pc_plans_issued_gt20weeks_ltyear_ex) == (
        15.1,
        12.0,
    )
    assert (m.plans_issued_gt_1_year, m.plans_issued_gt_1_year_ex) == (4, 3)


def test_england_2024_headline_of_46_4_percent_excluding_exceptions():
    # England 2024: 90,392 plans (84,866 without exceptions), 41,448 / 39,407 within 20 weeks.
    plans = (
        _plans(100, 39_407, False) + _plans(200, 84_866 - 39_407, False)
        + _plans(100, 41_448 - 39_407, True) + _plans(200, 90_392 - 84_866 - 2_041, True)
    )  # fmt: skip
    m = twenty_week_measure(plans)
    assert (m.pc_plans_issued_within_20_weeks, m.pc_plans_issued_20_weeks_ex) == (45.9, 46.4)


@pytest.mark.parametrize(
    ("days", "band"),
    [(140, "within"), (141, "mid"), (364, "mid"), (365, "over")],
)
def test_bands_include_their_last_day(days, band):
    m = twenty_week_measure(_plans(days, 1, False))
    counts = {
        "within": m.plans_issued_within_20_weeks,
        "mid": m.plans_issued_gt20weeks_ltyear,
        "over": m.plans_issued_gt_1_year,
    }
    assert counts == {k: int(k == band) for k in counts}


def test_twenty_weeks_across_29_february_end_on_the_140th_day():
    on_time = (date(2023, 10, 16), date(2024, 3, 4), False)
    late = (date(2023, 10, 16), date(2024, 3, 5), False)
    assert twenty_week_measure([on_time, late]).pc_plans_issued_20_weeks_ex == 50.0


def test_only_plans_issued_in_the_calendar_year_count_when_a_year_is_given():
    plans = [
        (date(2024, 9, 2), date(2024, 12, 31), False),
        (date(2024, 9, 2), date(2025, 1, 1), False),
    ]
    assert twenty_week_measure(plans, year=2024).plans_issued_den == 1
    assert twenty_week_measure(plans, year=2025).plans_issued_den == 1


def test_percentages_round_half_up_to_one_decimal():
    plans = _plans(100, 1, False) + _plans(200, 7, False)  # 12.5 % exactly
    assert twenty_week_measure(plans).pc_plans_issued_within_20_weeks == 12.5
    plans = _plans(100, 1, False) + _plans(200, 15, False)  # 6.25 % -> 6.3
    assert twenty_week_measure(plans).pc_plans_issued_within_20_weeks == 6.3


def test_no_plans_gives_counts_of_zero_and_no_percentage():
    m = twenty_week_measure([])
    assert (m.plans_issued_den, m.pc_plans_issued_within_20_weeks) == (0, None)


def test_all_exception_cases_leave_the_excluding_measure_empty():
    m = twenty_week_measure(_plans(100, 3, True))
    assert (m.pc_plans_issued_within_20_weeks, m.pc_plans_issued_20_weeks_ex) == (100.0, None)


def test_final_date_before_request_is_refused_naming_the_entry():
    with pytest.raises(ValueError, match=r"plans\[1\]: final date 2024-01-01 is before"):
        twenty_week_measure([_plans(10, 1, False)[0], (REQUEST, date(2024, 1, 1), False)])
