"""The siting question's move cost and capital years reach the solver, and the lower, central
and upper answers together: on a small hand-made case, no database."""

from __future__ import annotations

import numpy as np
import pytest

from sendplan.engine import NEED_CODES, PlacementProblem
from sendplan.planning.adapter import CohortLearner, Place, PlanningInputs, RegisterPlaces
from sendplan.planning.siting import (
    CAPITAL_YEARS,
    CENTRAL,
    UPPER,
    ForecastFigures,
    Home,
    SiteOption,
    SitingInputs,
    SitingQuestion,
    siting_solve,
    siting_together,
)

KM = 1 / 111.19508  # degrees of latitude in a kilometre
HOME = (51.45, -0.115)


def _given(*, capital: int = 0, forecast: ForecastFigures | None = None) -> SitingInputs:
    """Two ASD learners aged 12 at one home, both at a school 10 km away (2 places, £20,000 a
    place) and free to move; a candidate at their home, one block of 2 places at £20,000 a
    place and ``capital`` a block. Moving both saves £4,000 a year of travel each."""
    far = HOME[0] + 10 * KM
    asd = NEED_CODES.index("ASD")
    problem = PlacementProblem(
        need=np.array([asd, asd]),
        age=np.array([12, 12]),
        lat=np.array([HOME[0], HOME[0]]),
        lon=np.array([HOME[1], HOME[1]]),
        setting_lat=np.array([far]),
        setting_lon=np.array([HOME[1]]),
        min_age=np.array([11]),
        max_age=np.array([19]),
        needs=np.array([1 << asd]),
        places=np.array([2]),
        annual_cost=np.array([20_000.0]),
        current=np.array([0, 0]),
        may_move=np.array([True, True]),
    )
    place = Place(
        strand_id=1, setting_id=1, name="Far School", strand_kind="special", strand_label="",
        in_area=True, setting_is_estimate=False, source_label="", cost_is_default=False,
        capacity_is_estimate=False, vacancies=0,
    )  # fmt: skip
    register = RegisterPlaces(
        places=[place], lat=problem.setting_lat, lon=problem.setting_lon,
        min_age=problem.min_age, max_age=problem.max_age, needs=problem.needs,
        vacancies=np.array([0]), annual_cost=problem.annual_cost, register_hash="x",
    )  # fmt: skip
    learners = [
        CohortLearner(
            learner_id=i,
            need="ASD",
            age=12,
            lat=HOME[0],
            lon=HOME[1],
            lsoa_code="E01000001",
            reason="",
            current_strand_id=1,
            current_setting_name="Far School",
            current_cost=24_000,
        )  # fmt: skip
        for i in (1, 2)
    ]
    option = SiteOption(
        candidate_id=7, name="Home base", kind="resourced_base", kind_label="Resourced base",
        host="", needs="ASD", min_age=11, max_age=19, block_places=2, max_blocks=1,
        capital_per_block=capital, annual_cost_per_place=20_000, lat=HOME[0], lon=HOME[1],
    )  # fmt: skip
    return SitingInputs(
        la=None,  # type: ignore[arg-type]
        options={
            "cost_per_km": 400.0,
            "unplaced_cost": 250_000,
            "max_km": 50.0,
            "move_cost": 0,
        },  # fmt: skip
        inputs=PlanningInputs(
            problem=problem, register=register, learners=learners, excluded={}, freed=0
        ),  # fmt: skip
        forecast=forecast,
        homes=[Home("ASD", "E01000001", HOME[0], HOME[1], 2)],
        sites=[option],
        left_out=[],
    )


@pytest.mark.parametrize(
    ("move_cost", "moves", "blocks"),
    [(0, 2, 1), (1_000, 2, 1), (3_999, 2, 1), (4_001, 0, 0), (100_000, 0, 0)],
)
def test_the_move_cost_reaches_the_solver(move_cost, moves, blocks):
    answer = siting_solve(_given(), SitingQuestion(None, CENTRAL, 10**6, move_cost=move_cost))
    assert answer.options["move_cost"] == move_cost
    assert answer.moves == moves
    assert answer.move_costs == moves * move_cost
    assert answer.places_added == 2 * blocks


def test_a_higher_move_cost_never_moves_more_learners():
    moves = [
        siting_solve(_given(), SitingQuestion(None, CENTRAL, 10**6, move_cost=c)).moves
        for c in (0, 2_000, 4_000, 6_000, 50_000)
    ]
    assert moves == sorted(moves, reverse=True)
    assert moves[0] == 2 and moves[-1] == 0


def test_the_move_cost_is_counted_in_the_cost_with_the_new_places():
    cheap = siting_solve(_given(), SitingQuestion(None, CENTRAL, 10**6, move_cost=1_000))
    dear = siting_solve(_given(), SitingQuestion(None, CENTRAL, 10**6, move_cost=3_000))
    assert cheap.cost_without == dear.cost_without  # nobody moves with no new places
    assert dear.cost_with - cheap.cost_with == 2 * 2_000
    assert dear.annual_saving < cheap.annual_saving


@pytest.mark.parametrize(("years", "blocks"), [(1, 0), (5, 0), (10, 1), (30, 1), (60, 1)])
def test_the_capital_years_reach_the_solver(years, blocks):
    """£60,000 a block: worth it against £8,000 a year of travel once spread over more than
    7.5 years."""
    question = SitingQuestion(None, CENTRAL, 10**6, move_cost=0, capital_years=years)
    answer = siting_solve(_given(capital=60_000), question)
    assert answer.places_added == 2 * blocks
    if blocks:
        assert answer.annualised_capital == 60_000 // years


def test_the_defaults_are_five_thousand_pounds_and_thirty_years():
    q = SitingQuestion(None, CENTRAL, 0)
    assert (q.move_cost, q.capital_years) == (5_000, CAPITAL_YEARS) == (5_000, 30)


def _growing() -> ForecastFigures:
    """ASD secondary plans grow by 0 (lower), 2 (central) and 8 (upper) from 2026 to 2027,
    all in a specialist place."""
    return ForecastFigures(
        run_id=1, finished_at=None, origin_year=2026, years=(2026, 2027),
        plans={("ASD", "secondary", 2026): (10.0, 10.0, 10.0),
               ("ASD", "secondary", 2027): (12.0, 10.0, 18.0)},
        specialist_share={("ASD", "secondary"): 1.0}, origin_scale=1.0,
    )  # fmt: skip


def test_the_three_answers_together_and_the_sites_chosen_in_all():
    given = _given(forecast=_growing())
    three = siting_together(given, SitingQuestion(2027, UPPER, 10**6, move_cost=0))
    lower, central, upper = three.answers
    assert [a.question.figure for a in three.answers] == ["lower", "central", "upper"]
    assert [len(a.extra_learners) for a in three.answers] == [0, 2, 8]
    assert all(a.question.move_cost == 0 for a in three.answers)
    assert three.robust == ["Home base"]
    assert three.site_rows == [{"name": "Home base", "places": [2, 2, 2]}]


def test_a_site_chosen_in_only_some_answers_is_not_robust():
    given = _given(capital=60_000, forecast=_growing())
    three = siting_together(
        given, SitingQuestion(2027, CENTRAL, 10**6, move_cost=10**6, capital_years=5)
    )
    chosen = [a.places_added for a in three.answers]
    assert chosen[0] == 0 and chosen[2] == 2  # the upper growth has nowhere else to go
    assert three.robust == []
    assert three.site_rows == [{"name": "Home base", "places": chosen}]


def test_today_only_has_no_three_figures():
    with pytest.raises(ValueError, match="forecast year"):
        siting_together(_given(), SitingQuestion(None, CENTRAL, 0))
