"""The reform plan's figures, added up by hand."""

from __future__ import annotations

import pytest

from sendplan.engine import reform_figures


def _placements(year: int, mainstream, resourced, special, independent, fe=0.0, other=0.0):
    return {
        ("mainstream", year): mainstream,
        ("resourced", year): resourced,
        ("special", year): special,
        ("independent", year): independent,
        ("fe", year): fe,
        ("other", year): other,
    }


def test_growth_is_split_by_where_it_is_met():
    placements = {
        **_placements(2027, 100.0, 20.0, 50.0, 10.0, 5.0, 5.0),
        **_placements(2028, 130.0, 30.0, 60.0, 20.0, 5.0, 5.0),
    }
    first, second = reform_figures(placements, [2027, 2028])
    assert first.total == 190 and first.total_growth == 0 and first.inclusive_share is None
    assert second.learners == {
        "mainstream": 130.0,
        "inclusion_base": 30.0,
        "specialist": 80.0,
        "other": 10.0,
    }
    # Growth 30 + 10 + 20 + 0 = 60, of which 40 in mainstream and inclusion bases.
    assert second.growth == {
        "mainstream": 30.0,
        "inclusion_base": 10.0,
        "specialist": 20.0,
        "other": 0.0,
    }
    assert second.total_growth == 60
    assert second.inclusive_share == pytest.approx(40 / 60)


def test_missing_figures_are_named():
    with pytest.raises(ValueError, match="placements"):
        reform_figures({("mainstream", 2027): 1.0}, [2027])
    with pytest.raises(ValueError, match="years"):
        reform_figures({}, [])
