"""The one list of need codes and of phases, and the forecast's views of them."""

from __future__ import annotations

import pytest

from sendplan.engine.codes import (
    NEED_CODES,
    PHASE_KEYS,
    PHASE_LABELS,
    PHASES,
    RELEASE_NEEDS,
    phase_for_age,
    phase_index,
)
from sendplan.engine.forecast_cohort import BAND_WIDTHS
from sendplan.engine.forecast_history import AGE_BANDS, AGE_CELLS


def test_need_codes_are_the_thirteen_sen2_codes_in_dfe_order() -> None:
    assert " ".join(NEED_CODES) == "SPLD MLD SLD PMLD SEMH SLCN HI VI MSI PD ASD DS OTH"


def test_the_release_counts_every_code_but_down_syndrome_in_its_own_column_order() -> None:
    assert RELEASE_NEEDS == (
        "ASD", "HI", "MLD", "MSI", "OTH", "PD", "PMLD", "SEMH", "SLCN", "SLD", "SPLD", "VI",
        "Unknown",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("age", "phase"),
    [
        (0, "early_years"), (4, "early_years"), (5, "primary"), (10, "primary"),
        (11, "secondary"), (15, "secondary"), (16, "post16"), (19, "post16"),
        (20, "post19"), (25, "post19"),
    ],
)  # fmt: skip
def test_each_phase_boundary_falls_where_the_contract_puts_it(age: int, phase: str) -> None:
    assert phase_for_age(age) == phase
    assert PHASE_KEYS[int(phase_index([age])[0])] == phase


@pytest.mark.parametrize("age", [-1, 26])
def test_ages_outside_0_to_25_have_no_phase(age: int) -> None:
    with pytest.raises(ValueError, match="outside 0 to 25"):
        phase_for_age(age)
    with pytest.raises(ValueError, match="between 0 and 25"):
        phase_index([age])


def test_phases_cover_every_age_once_and_each_has_a_label() -> None:
    ages = [a for low, high in PHASES.values() for a in range(low, high + 1)]
    assert ages == list(range(26))
    assert tuple(PHASE_LABELS) == PHASE_KEYS


def test_the_forecasts_age_bands_are_dfes_bands_which_are_the_phases() -> None:
    assert AGE_BANDS == (
        ("Under 5", 0, 3),
        ("5 to 10", 3, 9),
        ("11 to 15", 9, 14),
        ("16 to 19", 14, 18),
        ("20 to 25", 18, 24),
    )
    assert [AGE_CELLS[lo] for _, lo, _ in AGE_BANDS] == [
        "under 3", "age 5", "age 11", "age 16", "age 20"
    ]  # fmt: skip
    assert BAND_WIDTHS.tolist() == [5.0, 6.0, 5.0, 4.0, 6.0]
