"""The ledger of committed spend, added up by hand on small cases."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.engine import (
    PARTNERS,
    CostedPlacement,
    PlacesUsed,
    committed_spend,
    financial_year,
    financial_year_label,
    share_of_year,
)

D = dt.date


def test_financial_year_runs_april_to_march() -> None:
    assert financial_year(D(2026, 4, 1)) == 2026
    assert financial_year(D(2027, 3, 31)) == 2026
    assert financial_year(D(2027, 1, 1)) == 2026
    assert financial_year_label(2026) == "2026-27"
    assert financial_year_label(2099) == "2099-00"


def test_share_counts_days_both_ends_included() -> None:
    # 2026-27 has 365 days; 1 April to 30 September is 183 of them.
    assert share_of_year(D(2026, 4, 1), D(2026, 9, 30), 2026) == pytest.approx(183 / 365)
    # 2027-28 holds 29 February 2028: 366 days.
    assert share_of_year(D(2027, 4, 1), None, 2027) == 1.0
    assert share_of_year(D(2028, 3, 31), None, 2027) == pytest.approx(1 / 366)
    # Ended before the year, or starting after it: nothing.
    assert share_of_year(D(2020, 1, 1), D(2026, 3, 31), 2026) == 0.0
    assert share_of_year(D(2027, 4, 1), None, 2026) == 0.0


def test_a_whole_year_adds_every_part_to_its_payer() -> None:
    special = CostedPlacement(
        kind="special_school",
        setting="Oak",
        starts=D(2025, 9, 1),
        ends=None,
        place_funding=10_000,
        top_up=20_000,
        transport=6_500,
    )
    residential = CostedPlacement(
        kind="independent",
        setting="Elm",
        starts=D(2024, 9, 1),
        ends=None,
        fee=60_000,
        transport=9_000,
        health=15_000,
        social_care=25_000,
    )
    result = committed_spend([special, residential], [2026])
    assert result.partner("high_needs", 2026) == pytest.approx(10_000 + 20_000 + 60_000)
    assert result.partner("transport", 2026) == pytest.approx(6_500 + 9_000)
    assert result.partner("health", 2026) == pytest.approx(15_000)
    assert result.partner("social_care", 2026) == pytest.approx(25_000)
    assert result.total(2026) == pytest.approx(36_500 + 109_000)
    assert result.by_kind[("special_school", 2026)] == pytest.approx(36_500)
    assert result.by_kind[("independent", 2026)] == pytest.approx(109_000)
    assert result.kind_partner[("independent", "health", 2026)] == pytest.approx(15_000)
    assert result.placements[("independent", 2026)] == 1.0
    assert set(PARTNERS) == {"high_needs", "transport", "health", "social_care"}


def test_part_years_are_pro_rata_by_days() -> None:
    # Ends on 30 September 2026: 183 of 2026-27's 365 days, nothing in 2027-28.
    leaving = CostedPlacement(
        kind="independent", setting="Elm", starts=D(2023, 9, 1), ends=D(2026, 9, 30), fee=73_000
    )
    # Starts on 1 January 2027: 90 days of 2026-27, then all of 2027-28.
    joining = CostedPlacement(
        kind="special_school",
        setting="Oak",
        starts=D(2027, 1, 1),
        ends=None,
        place_funding=10_000,
        top_up=26_500,
    )
    result = committed_spend([leaving, joining], [2026, 2027])
    assert result.total(2026) == pytest.approx(73_000 * 183 / 365 + 36_500 * 90 / 365)
    assert result.total(2026) == pytest.approx(36_600 + 9_000)
    assert result.total(2027) == pytest.approx(36_500)
    assert result.placements[("independent", 2026)] == pytest.approx(183 / 365)
    assert ("independent", 2027) not in result.placements
    assert result.kinds() == ["independent", "special_school"]


def test_sums_agree_every_way() -> None:
    placements = [
        CostedPlacement(
            kind=kind,
            setting="S",
            starts=D(2026, 1 + i % 12, 1),
            ends=None if i % 3 else D(2027, 2, 1),
            place_funding=1_000 * i,
            top_up=700 * i,
            fee=300 * (i % 2),
            transport=50 * i,
            health=11 * i,
            social_care=13 * i,
        )
        for i, kind in enumerate(["a", "b", "c", "a", "b", "c", "a"])
    ]
    result = committed_spend(placements, [2025, 2026, 2027])
    for year in result.years:
        by_kind = sum(v for (_, y), v in result.by_kind.items() if y == year)
        by_partner = sum(result.partner(p, year) for p in PARTNERS)
        assert by_kind == pytest.approx(by_partner)
        assert result.total(year) == pytest.approx(by_partner)


def test_places_used() -> None:
    assert PlacesUsed("Oak", commissioned=10, occupied=7).vacant == 3
    assert PlacesUsed("Oak", commissioned=10, occupied=12).over == 2
    assert PlacesUsed("Oak", commissioned=10, occupied=12).vacant == 0
