"""The nowcast from the live record, added up by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sendplan.engine import LiveRecord, conversion_rates, nowcast

ON = dt.date(2026, 10, 1)


def _record(**changes):
    base = LiveRecord(
        on=ON,
        plans=100,
        open_cases={"requested": 10, "assessing": 5, "drafting": 2},
        finished=[],
        requests_last_year=73,
        birth_dates=[],
        cease_decided=0,
        ceased_other_last_year=0,
    )
    return dataclasses.replace(base, **changes)


def test_with_no_history_the_default_shares_stand_in():
    n = nowcast(_record())
    assert n.from_record == {"requested": False, "assessing": False, "drafting": False}
    # 10 x 0.6 + 5 x 0.9 + 2 x 1.0 = 12.5 from the open cases.
    assert n.new_from_open == pytest.approx(12.5)
    # 73 requests a year, 6 in 10 lead to a plan, and those received in the first
    # 365 - 140 = 225 days are issued inside the window: 73 x 0.6 x 225 / 365 = 27.
    assert n.new_from_requests == pytest.approx(27.0)
    assert n.new_plans == pytest.approx(39.5)
    assert (n.ceasing_age, n.ceasing_other) == (0, 0)
    assert n.plans_after == pytest.approx(139.5)
    assert n.growth == pytest.approx(0.395)
    assert n.until == dt.date(2027, 10, 1)


def test_the_records_own_shares_once_it_has_enough_finished_cases():
    # 40 finished: 20 refused at request, 10 not issued after assessment, 10 plans.
    finished = [("requested", False)] * 20 + [("assessing", False)] * 10 + [("drafting", True)] * 10
    rates, own = conversion_rates(finished)
    # Requested: 10 of 40; assessing: 10 of 20; drafting: 10 of 10 too few, the default 1.0.
    assert rates == {"requested": 0.25, "assessing": 0.5, "drafting": 1.0}
    assert own == {"requested": True, "assessing": True, "drafting": False}
    n = nowcast(_record(finished=finished))
    assert n.new_from_open == pytest.approx(10 * 0.25 + 5 * 0.5 + 2 * 1.0)
    assert n.new_from_requests == pytest.approx(73 * 0.25 * 225 / 365)


def test_plans_ceasing_at_maximum_age_and_for_other_reasons():
    births = [
        dt.date(2002, 3, 4),  # 25 in March 2027: ends 31 July 2027, inside the window
        dt.date(2001, 9, 1),  # 25 in September 2026: ends 31 July 2027
        dt.date(2002, 9, 1),  # 25 in September 2027: ends 31 July 2028, outside
        dt.date(2015, 1, 1),
    ]
    n = nowcast(_record(birth_dates=births, cease_decided=3, ceased_other_last_year=7))
    assert n.ceasing_age == 2
    # At least the 3 decided, otherwise last year's 7.
    assert n.ceasing_other == 7
    assert n.ceasing == 9
    n = nowcast(_record(cease_decided=9, ceased_other_last_year=7))
    assert n.ceasing_other == 9


def test_no_plans_no_growth_and_unknown_stages_refused():
    assert nowcast(_record(plans=0)).growth is None
    with pytest.raises(ValueError, match="consulting"):
        nowcast(_record(open_cases={"consulting": 1}))
