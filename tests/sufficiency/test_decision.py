"""What a decision does to this year's and next year's position, added up by hand on the
placed fixture of test_money; nothing is saved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendplan.learners.models import Placement
from sendplan.sufficiency import services
from sendplan.sufficiency.models import HighNeedsBudget
from tests.casework.conftest import at
from tests.sufficiency.test_money import TODAY, _cells, placed  # noqa: F401 (a fixture)


def _get(cast, **query):
    with at(TODAY):
        return cast.client_for(cast.la_colleague).get(reverse("sufficiency:decision"), query)


def _starts(day: int, month: int, year: int) -> dict[str, str]:
    return {"starts_day": str(day), "starts_month": str(month), "starts_year": str(year)}


def test_a_move_back_from_independent(cast, placed):  # noqa: F811
    special, independent = placed
    services.budget_save(
        changed_by=cast.la_colleague, financial_year=2026, amount=80_000, expected_lock=0
    )
    placements, budgets = Placement.objects.count(), HighNeedsBudget.objects.count()
    response = _get(
        cast, kind="move", strand=special.pk, independent=independent.pk, **_starts(1, 1, 2027)
    )
    html = response.content.decode()
    # Oak costs 10,000 + 20,000 = 30,000 against Elm's 60,000 fee: 30,000 a year saved,
    # 90 of 365 days of it in 2026-27 (7,397), all of it in 2027-28.
    assert "It saves £30,000 a year" in html
    rows = _cells(html, "High-needs position before and after the decision")
    committed = 36_500 + 73_000 * 183 / 365 + 60_000 * 90 / 365
    after = committed - 30_000 * 90 / 365
    assert rows[0] == [
        "2026-27",
        "£7,397 less",
        f"£{round(committed):,}",
        f"£{round(after):,}",
        "£80,000",
        f"£{round(after) - 80_000:,} over",
        "No forecast",
        "No forecast",
    ]
    assert rows[1][:4] == ["2027-28", "£30,000 less", "£96,500", "£66,500"]
    # Nothing saved.
    assert (Placement.objects.count(), HighNeedsBudget.objects.count()) == (placements, budgets)


def test_a_new_base_avoids_the_mean_independent_fee_on_record(cast, placed):  # noqa: F811
    response = _get(
        cast,
        kind="base",
        places="10",
        cost_per_place="18000",
        from_independent="6",
        **_starts(1, 4, 2027),
    )
    html = response.content.decode()
    # Independent on the record in 2026-27: 73,000 for 183 days and 60,000 for 90 days, a mean
    # of (73,000 x 183 + 60,000 x 90) / 273 = 68,714 a place.
    fee = (73_000 * 183 + 60_000 * 90) / 273
    annual = 10 * 18_000 - 6 * fee
    assert f"It saves £{round(-annual):,} a year" in html
    rows = _cells(html, "High-needs position before and after the decision")
    assert rows[0][1] == "£0"
    assert rows[1][1] == f"£{round(-annual):,} less"
    assert "£68,714 a year, the mean of the independent placements on the record" in html


def test_a_new_placement_adds_its_strands_cost(cast, placed):  # noqa: F811
    special, _ = placed
    html = _get(cast, kind="placement", strand=special.pk, **_starts(1, 4, 2027)).content.decode()
    assert "It adds £30,000 a year" in html


@pytest.mark.parametrize(
    "query,message",
    [
        ({}, "Select what the decision is"),
        ({"kind": "move", **_starts(1, 1, 2027)}, "Choose the place"),
        ({"kind": "placement", **_starts(1, 1, 2030)}, "in this financial year or the next"),
        (
            {
                "kind": "base",
                "places": "2",
                "cost_per_place": "1",
                "from_independent": "3",
                **_starts(1, 1, 2027),
            },
            "no more than the places",
        ),
    ],
)
def test_a_wrong_decision_is_named(cast, placed, query, message):  # noqa: F811
    html = _get(cast, kind=query.pop("kind", ""), **query).content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "High-needs position before and after" not in html


def test_a_move_must_be_to_a_local_place(cast, placed):  # noqa: F811
    _, independent = placed
    html = _get(
        cast,
        kind="move",
        strand=independent.pk,
        independent=independent.pk,
        **_starts(1, 1, 2027),
    ).content.decode()
    assert "Choose a local place, not an independent one" in html


def test_only_la_staff_try_decisions(cast):
    with at(TODAY):
        for who in ("senco", "health", "parent"):
            url = reverse("sufficiency:decision")
            assert cast.client_for(getattr(cast, who)).get(url).status_code == 403
