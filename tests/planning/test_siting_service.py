"""Where to add places: the question built from the record, on small hand-made cases."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from sendplan.engine import NEED_CODES, PlacementProblem
from sendplan.planning.models import CandidateSite
from sendplan.planning.siting import (
    CENTRAL,
    LOWER,
    UPPER,
    ExtraLearner,
    ForecastFigures,
    Home,
    SitingQuestion,
    apportion,
    candidate_location,
    extra_demand,
    forecast_figures,
    home_extra_learners,
    latest_forecast,
    siting_answer,
    with_extra_learners,
)
from tests.planning.siting_builders import candidate, forecast

pytestmark = pytest.mark.django_db


# --- The forecast's extra demand (no database) ----------------------------------------------


def _figures(**plans: tuple[float, float, float]) -> ForecastFigures:
    return ForecastFigures(
        run_id=1,
        finished_at=None,
        origin_year=2025,
        years=(2026, 2027),
        plans={
            ("ASD", "primary", 2026): (40.0, 35.0, 45.0),
            ("SEMH", "primary", 2026): (20.0, 18.0, 22.0),
            **{tuple(k.split("_")[:2]) + (2027,): v for k, v in plans.items()},  # type: ignore[misc]
        },
        specialist_share={("ASD", "primary"): 0.5, ("SEMH", "primary"): 0.25},
        origin_scale=1.0,
    )


def test_growth_is_counted_from_the_origin_year_times_the_specialist_share():
    f = _figures(ASD_primary=(60.0, 50.0, 80.0), SEMH_primary=(28.0, 24.0, 36.0))
    assert extra_demand(f, 2027, CENTRAL) == {("ASD", "primary"): 10, ("SEMH", "primary"): 2}
    assert extra_demand(f, 2027, LOWER) == {("ASD", "primary"): 5, ("SEMH", "primary"): 1}
    assert extra_demand(f, 2027, UPPER) == {("ASD", "primary"): 20, ("SEMH", "primary"): 4}


def test_a_shrinking_cell_adds_no_one():
    f = _figures(ASD_primary=(30.0, 25.0, 44.0), SEMH_primary=(20.0, 18.0, 22.0))
    assert extra_demand(f, 2027, CENTRAL) == {}
    assert extra_demand(f, 2027, UPPER) == {("ASD", "primary"): 2, ("SEMH", "primary"): 1}


def test_the_origin_is_the_first_year_scaled_to_the_published_total():
    f = _figures(ASD_primary=(40.0, 40.0, 40.0), SEMH_primary=(20.0, 20.0, 20.0))
    # The published origin total was 90 % of the first forecast year's: 10 % growth since.
    scaled = ForecastFigures(**{**f.__dict__, "origin_scale": 0.9})
    assert extra_demand(scaled, 2027, CENTRAL) == {("ASD", "primary"): 2, ("SEMH", "primary"): 1}


def test_a_year_the_forecast_does_not_cover_is_refused():
    with pytest.raises(ValueError, match="no figures for 2031"):
        extra_demand(_figures(), 2031, CENTRAL)


def test_stored_outputs_read_back_with_unknown_needs_left_out(db):
    run = forecast()
    figures = forecast_figures(run.outputs, run_id=run.pk)
    assert figures is not None
    assert figures.years == (2026, 2027)
    assert figures.specialist_share[("ASD", "secondary")] == pytest.approx(0.5)
    assert extra_demand(figures, 2027, CENTRAL) == {("ASD", "secondary"): 5}
    assert extra_demand(figures, 2027, LOWER) == {("ASD", "secondary"): 2}
    assert extra_demand(figures, 2027, UPPER) == {("ASD", "secondary"): 15}
    assert forecast_figures({}) is None


# --- Homing the extra learners (no database) ------------------------------------------------


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [(7, [5, 2], [5, 2]), (3, [1, 1, 1, 1], [1, 1, 1, 0]), (10, [0, 3], [0, 10]), (0, [2], [0])],
)
def test_apportion_is_largest_remainder(total, weights, expected):
    assert apportion(total, weights) == expected
    assert sum(apportion(total, weights)) == total


def test_extra_learners_live_where_learners_with_their_need_live():
    homes = [
        Home("ASD", "E01000001", 51.40, -0.10, 3),
        Home("ASD", "E01000002", 51.50, -0.20, 1),
        Home("SEMH", "E01000003", 51.60, -0.30, 5),
    ]
    extra = home_extra_learners({("ASD", "primary"): 4, ("SEMH", "secondary"): 2}, homes)
    assert [(x.need, x.lsoa_code) for x in extra] == [
        ("ASD", "E01000001"), ("ASD", "E01000001"), ("ASD", "E01000001"), ("ASD", "E01000002"),
        ("SEMH", "E01000003"), ("SEMH", "E01000003"),
    ]  # fmt: skip
    assert [x.age for x in extra] == [5, 6, 8, 9, 11, 13]
    assert extra == home_extra_learners({("SEMH", "secondary"): 2, ("ASD", "primary"): 4}, homes)


def test_a_need_nobody_has_now_is_homed_where_every_learner_lives():
    homes = [Home("ASD", "E01000001", 51.40, -0.10, 1), Home("SEMH", "E01000001", 51.42, -0.12, 1)]
    (x,) = home_extra_learners({("HI", "post19"): 1}, homes)
    assert (x.lsoa_code, x.lat, x.lon, x.age) == (
        "E01000001",
        pytest.approx(51.41),
        pytest.approx(-0.11),
        20,
    )


def test_early_years_learners_are_of_nursery_age():
    (a, b, c) = home_extra_learners({("ASD", "early_years"): 3}, [Home("ASD", "X", 51.0, 0.0, 1)])
    assert [a.age, b.age, c.age] == [2, 3, 4]


def test_extra_learners_join_the_problem_free_to_go_anywhere():
    problem = PlacementProblem(
        need=np.array([0]), age=np.array([9]), lat=np.array([51.0]), lon=np.array([0.0]),
        setting_lat=np.array([51.0]), setting_lon=np.array([0.0]), min_age=np.array([5]),
        max_age=np.array([11]), needs=np.array([1]), places=np.array([1]),
        annual_cost=np.array([1.0]), current=np.array([0]), may_move=np.array([False]),
    )  # fmt: skip
    grown = with_extra_learners(problem, [ExtraLearner("SEMH", "primary", 7, 51.1, 0.1, "X")])
    assert grown.need.tolist() == [0, NEED_CODES.index("SEMH")]
    assert grown.age.tolist() == [9, 7]
    assert grown.current.tolist() == [0, -1]
    assert grown.may_move.tolist() == [False, True]
    assert grown.n_settings == 1


# --- The answer, read from the record -------------------------------------------------------


def test_a_site_that_pays_for_itself_is_opened_within_the_budget(cast, area):
    oak = candidate(cast.la)
    answer = siting_answer(
        fetched_by=cast.la_colleague, question=SitingQuestion(None, CENTRAL, 1_000_000)
    )
    assert answer.status == "optimal" and answer.gap == 0
    (row,) = answer.rows
    assert row.option.candidate_id == oak.pk
    assert row.blocks == 1 and row.places == 4 and row.capital == 300_000
    assert row.places_used >= 1
    assert answer.capital == 300_000
    assert answer.annual_saving == answer.cost_without - answer.cost_with > 0
    assert row.annual_saving == answer.annual_saving  # the only site: its part is the whole
    assert row.payback_years == pytest.approx(300_000 / row.annual_saving)
    assert row.independent_avoided == answer.independent_avoided >= 1


def test_no_block_is_opened_when_the_budget_cannot_buy_one(cast, area):
    candidate(cast.la)
    answer = siting_answer(
        fetched_by=cast.la_colleague, question=SitingQuestion(None, CENTRAL, 299_999)
    )
    assert answer.chosen == [] and answer.capital == 0
    assert answer.cost_with == answer.cost_without and answer.annual_saving == 0
    assert answer.rows[0].payback_years is None


def test_withdrawn_and_other_areas_candidates_are_not_considered(cast, area):
    candidate(cast.la, name="Withdrawn", is_active=False)
    candidate(cast.other_la, name="Elsewhere")
    answer = siting_answer(
        fetched_by=cast.la_colleague, question=SitingQuestion(None, CENTRAL, 10**6)
    )
    assert answer.rows == []


def test_a_forecast_year_adds_its_growth_and_the_upper_figure_opens_more(cast, area):
    candidate(cast.la)
    forecast()
    today = siting_answer(
        fetched_by=cast.la_colleague, question=SitingQuestion(None, CENTRAL, 10**6)
    )
    central = siting_answer(
        fetched_by=cast.la_colleague, question=SitingQuestion(2027, CENTRAL, 10**6)
    )
    upper = siting_answer(fetched_by=cast.la_colleague, question=SitingQuestion(2027, UPPER, 10**6))
    assert (len(today.extra_learners), len(central.extra_learners), len(upper.extra_learners)) == (
        0,
        5,
        15,
    )
    assert central.learners == today.learners + 5
    assert {x.need for x in upper.extra_learners} == {"ASD"}
    assert all(11 <= x.age <= 15 for x in upper.extra_learners)
    assert upper.places_added == 8 > today.places_added
    assert upper.independent_without > central.independent_without


def test_a_forecast_year_without_a_forecast_is_refused(cast, area):
    with pytest.raises(ValueError, match="no finished forecast"):
        siting_answer(fetched_by=cast.la_colleague, question=SitingQuestion(2027, CENTRAL, 0))
    assert latest_forecast(cast.la) is None


def test_a_site_is_where_its_host_is_or_its_lsoa_centroid(cast, area):
    hosted = candidate(cast.la, host_setting=area.oak.setting, latitude=None, longitude=None)
    expanding = candidate(cast.la, host_strand=area.elm, latitude=None, longitude=None)
    named = candidate(cast.la, latitude=None, longitude=None, lsoa_code="E01003066")
    nowhere = candidate(cast.la, name="Nowhere", latitude=None, longitude=None)
    assert candidate_location(hosted) == (51.46, -0.11)
    assert candidate_location(expanding) == (51.44, -0.12)
    assert candidate_location(named) == (
        pytest.approx(51.4311, abs=1e-3),
        pytest.approx(-0.0988, abs=1e-3),
    )
    assert candidate_location(nowhere) is None
    answer = siting_answer(fetched_by=cast.la_colleague, question=SitingQuestion(None, CENTRAL, 0))
    assert len(answer.rows) == 3
    assert answer.left_out == ["Nowhere has no location (a host school, coordinates or LSOA)."]


def test_candidate_needs_and_ages_are_checked():
    site = CandidateSite(needs="ASD;XYZ", min_age=10, max_age=5)
    with pytest.raises(Exception) as refused:
        site.clean()
    assert "needs" in str(refused.value)
    site = CandidateSite(needs="ALL", min_age=10, max_age=5)
    with pytest.raises(Exception, match="oldest age"):
        site.clean()


def test_the_docstring_examples_hold():
    from sendplan.planning import siting

    assert doctest.testmod(siting).failed == 0
