"""One area's demand: the placement mix by need and phase from a release's tables."""

from __future__ import annotations

import polars as pl
import pytest

from sendplan.engine.codes import PHASE_KEYS
from sendplan.engine.forecast_data import ForecastInputError, Release, TextTable
from sendplan.engine.forecast_demand import (
    PLACEMENT_COLUMNS,
    PLACEMENT_KEYS,
    area_demand,
    placement_mix,
)
from tests.engine.test_forecast_model import _growing


def _caseload(rows: list[tuple[str, str, dict[str, int]]]) -> TextTable:
    """caseload.csv rows for Lambeth in 2025: (topic, breakdown, {setting column: plans})."""
    columns = [c for cols in PLACEMENT_COLUMNS.values() for c in cols]
    records = [
        {
            "time_period": "202425",
            "geographic_level": "Local authority",
            "new_la_code": "E09000022",
            "breakdown_topic": topic,
            "breakdown": breakdown,
            **{c: str(counts.get(c, 0)) for c in columns},
        }
        for topic, breakdown, counts in rows
    ]
    return TextTable("caseload.csv", pl.DataFrame(records))


def _needs(rows: list[tuple[str, dict[str, int]]]) -> TextTable:
    """sen_needs_all_plans.csv "Type of placement" rows: (row label, {need column: plans})."""
    records = [
        {
            "time_period": "202425",
            "new_la_code": "E09000022",
            "breakdown_topic": "Type of placement",
            "breakdown": label,
            "number_asd": str(counts.get("number_asd", 0)),
            "number_semh": str(counts.get("number_semh", 0)),
        }
        for label, counts in rows
    ]
    return TextTable("sen_needs_all_plans.csv", pl.DataFrame(records))


CASELOAD = _caseload(
    [
        ("All EHC plans", "All EHC plans", {"mainstream_academy": 60, "special_la_maintained": 40}),
        ("Child or young persons age", "age 7", {"mainstream_academy": 50, "special_la_maintained": 10}),
        ("Child or young persons age", "age 13", {"mainstream_academy": 10, "special_la_maintained": 30}),
    ]
)  # fmt: skip
NEEDS = _needs(
    [
        ("Mainstream - academy", {"number_asd": 10, "number_semh": 50}),
        ("Special - LA maintained", {"number_asd": 30, "number_semh": 10}),
        ("Mainstream - total", {"number_asd": 999}),  # a total, left out
    ]
)


def test_every_cells_mix_adds_up_to_one() -> None:
    mix = placement_mix(caseload=CASELOAD, needs=NEEDS, la_code="E09000022", need_codes=("ASD",))
    assert set(mix) == {("ASD", phase) for phase in PHASE_KEYS}
    for shares in mix.values():
        assert set(shares) == set(PLACEMENT_KEYS)
        assert sum(shares.values()) == pytest.approx(1.0)


def test_a_need_leans_the_phases_mix_toward_its_own() -> None:
    mix = placement_mix(
        caseload=CASELOAD, needs=NEEDS, la_code="E09000022", need_codes=("ASD", "SEMH")
    )
    primary = 10 / 60  # the phase's own special share
    assert mix[("ASD", "primary")]["special"] > primary > mix[("SEMH", "primary")]["special"]


def test_a_need_with_no_plans_keeps_the_phases_mix() -> None:
    mix = placement_mix(caseload=CASELOAD, needs=NEEDS, la_code="E09000022", need_codes=("VI",))
    assert mix[("VI", "primary")]["special"] == pytest.approx(10 / 60)
    assert mix[("VI", "secondary")]["special"] == pytest.approx(30 / 40)
    # A phase with no age rows takes the area's mix.
    assert mix[("VI", "post19")]["special"] == pytest.approx(40 / 100)


def test_an_area_the_release_does_not_have_is_refused_with_the_tables_label() -> None:
    with pytest.raises(ForecastInputError, match=r"^caseload\.csv:1: new_la_code: no rows"):
        placement_mix(caseload=CASELOAD, needs=NEEDS, la_code="E09000028", need_codes=("ASD",))


def test_area_demand_refuses_an_la_outside_the_history_or_a_release_without_needs() -> None:
    history = _growing(8)
    with pytest.raises(ValueError, match="E09000028 is not one of the history's"):
        area_demand(
            history=history, forecast=None, la_code="E09000028", release=Release(CASELOAD, NEEDS)
        )
    with pytest.raises(ValueError, match="placement mix needs a release with sen_needs"):
        area_demand(history=history, forecast=None, la_code="E09000022", release=Release(CASELOAD))
