"""The money page: committed spend from the record, added up by hand, against the budget."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import PurePath

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sendplan.learners.models import Learner
from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.sufficiency import selectors, services
from sendplan.sufficiency.models import HighNeedsBudget
from sendplan.sufficiency.money import money_figures
from sendplan.sufficiency.report import report_for
from tests.casework.conftest import at
from tests.factories import LearnerFactory, PlacementFactory, SettingFactory, StrandFactory

# 1 October 2026: financial years 2026-27 (365 days) and 2027-28 (366 days).
TODAY = dt.date(2026, 10, 1)


@pytest.fixture
def placed(cast):
    """Three placements of the cast's LA and one of another LA's, with costs chosen to
    add up by hand. The cast's own placement (no strand, no costs) adds nothing."""
    special = StrandFactory(
        setting=SettingFactory(name="Oak Special"),
        capacity=5,
        on_roll=2,  # the register counts both learners placed there
        place_funding=10_000,
        top_up=20_000,
    )
    independent = StrandFactory(
        setting=SettingFactory(name="Elm College", kind=Setting.Kind.INDEPENDENT),
        kind=ProvisionStrand.Kind.INDEPENDENT,
        capacity=2,
        on_roll=1,  # the newcomer, counted when the placement was made
        annual_fee=60_000,
    )
    # A whole year at Oak on an agreed top-up, with transport: 10,000 + 26,500 + 3,650.
    PlacementFactory(
        learner=LearnerFactory(responsible_la=cast.la),
        setting=special.setting,
        strand=special,
        started_on=dt.date(2025, 9, 1),
        agreed_top_up=26_500,
        transport_cost=3_650,
    )
    # Jointly funded at Elm, ending 30 September 2026: 183 of 365 days of 2026-27.
    PlacementFactory(
        learner=LearnerFactory(responsible_la=cast.la),
        setting=independent.setting,
        strand=independent,
        started_on=dt.date(2024, 9, 1),
        ended_on=dt.date(2026, 9, 30),
        agreed_fee=73_000,
        health_contribution=36_500,
        social_care_contribution=7_300,
    )
    # Starting at Elm on 1 January 2027: 90 days of 2026-27 at the strand's fee.
    PlacementFactory(
        learner=LearnerFactory(responsible_la=cast.la),
        setting=independent.setting,
        strand=independent,
        started_on=dt.date(2027, 1, 1),
    )
    # Another LA's learner: not this LA's money.
    PlacementFactory(
        learner=LearnerFactory(responsible_la=cast.other_la),
        setting=special.setting,
        strand=special,
        started_on=dt.date(2025, 9, 1),
        transport_cost=99_999,
    )
    return special, independent


def _money(cast):
    years = [2026, 2027]
    return money_figures(
        today=TODAY,
        placements=selectors.committed_placements(fetched_by=cast.la_colleague, years=years),
        budgets={2026: 200_000},
        places=selectors.places_used(fetched_by=cast.la_colleague, on=TODAY),
        report=None,
    )


def test_committed_spend_added_up_by_hand(cast, placed):
    m = _money(cast)
    oak = 10_000 + 26_500
    elm_leaving = 73_000 * 183 / 365
    elm_joining = 60_000 * 90 / 365
    assert m.ledger.partner("high_needs", 2026) == pytest.approx(oak + elm_leaving + elm_joining)
    assert m.ledger.partner("transport", 2026) == pytest.approx(3_650)
    assert m.ledger.partner("health", 2026) == pytest.approx(36_500 * 183 / 365)
    assert m.ledger.partner("social_care", 2026) == pytest.approx(7_300 * 183 / 365)
    assert m.ledger.total(2026) == pytest.approx(
        36_500 + 3_650 + 36_600 + 14_794.52 + 18_300 + 3_660
    )
    # Next year: Oak all year, the newcomer at Elm all year; the leaver is gone.
    assert m.ledger.partner("high_needs", 2027) == pytest.approx(36_500 + 60_000)
    assert m.ledger.total(2027) == pytest.approx(36_500 + 3_650 + 60_000)
    position = m.positions[0]
    assert position.budget == 200_000
    assert position.headroom == 200_000 - round(oak + elm_leaving + elm_joining)
    assert m.positions[1].budget is None and m.positions[1].headroom is None


def test_places_commissioned_against_occupied(cast, placed):
    m = _money(cast)
    rows = {p.setting: p for p in m.places}
    # On 1 October 2026: both learners at Oak, this LA's and another's (a place another
    # area's child takes is not vacant, ADR 0141), none at Elm (one left, one has not started).
    assert (rows["Oak Special"].commissioned, rows["Oak Special"].occupied) == (5, 2)
    assert (rows["Oak Special"].vacant, rows["Oak Special"].over) == (3, 0)
    assert (rows["Elm College"].commissioned, rows["Elm College"].occupied) == (2, 0)


def test_the_page_shows_the_same_figures(cast, placed):
    services.budget_save(
        changed_by=cast.la_colleague, financial_year=2026, amount=80_000, expected_lock=0
    )
    services.central_spend_save(
        changed_by=cast.la_colleague,
        data={"financial_year": 2026, "line": "ap", "partner": "Park PRU", "amount": 2_000},
    )
    client = cast.client_for(cast.la_colleague)
    with at(TODAY):
        html = client.get(reverse("sufficiency:money")).content.decode()
        download = client.get(reverse("sufficiency:money-download", args=["budget", "csv"]))
        workbook = client.get(reverse("sufficiency:money-download", args=["all", "xlsx"]))
    committed = round(36_500 + 73_000 * 183 / 365 + 60_000 * 90 / 365)
    assert committed == 87_895
    assert "2026-27" in html and "2027-28" in html
    assert f"£{committed:,}" in html
    # Budget left: 80,000 - 87,895 on placements - 2,000 central = 9,895 over.
    assert "£9,895 over" in html
    assert "Park PRU" in html and "Alternative provision and pupil referral units" in html
    assert "Council: high-needs block" in html and "Health" in html
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0][4] == "Of which projected (no line recorded for the year)"
    assert rows[1][:6] == ["2026-27", "80000", "87895", "2000", "0", "-9895"]
    # Next year has no line of its own: this year's £2,000 plus the 2 % uplift, all projected.
    assert rows[2][3:5] == ["2040", "2040"]
    assert workbook.status_code == 200
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_budget_is_set_and_kept_per_year(cast):
    client = cast.client_for(cast.la_colleague)
    url = reverse("sufficiency:budget", args=[2026])
    with at(TODAY):
        assert client.get(url).status_code == 200
        wrong = client.post(url, {"amount": "lots", "lock": "0"})
        assert wrong.status_code == 200
        assert "Enter an amount in whole pounds" in wrong.content.decode()
        assert 'value="lots"' in wrong.content.decode()
        assert not HighNeedsBudget.objects.exists()
        saved = client.post(url, {"amount": "62000000", "lock": "0"})
        assert saved.status_code == 302
        assert client.get(reverse("sufficiency:budget", args=[2040])).status_code == 404
    budget = HighNeedsBudget.objects.get()
    assert (budget.la_code, budget.financial_year, budget.amount) == ("E09000022", 2026, 62_000_000)
    assert budget.history.count() == 1


@pytest.mark.parametrize(
    "name,args",
    [
        ("sufficiency:money", []),
        ("sufficiency:budget", [2026]),
        ("sufficiency:money-download", ["places", "csv"]),
    ],
)
def test_only_la_staff_see_the_money(cast, name, args):
    with at(TODAY):
        for who in ("senco", "health", "parent"):
            response = cast.client_for(getattr(cast, who)).get(reverse(name, args=args))
            assert response.status_code == 403
        assert cast.client_for(cast.caseworker).get(reverse(name, args=args)).status_code == 200


def test_unknown_downloads_are_not_found(cast):
    client = cast.client_for(cast.la_colleague)
    with at(TODAY):
        for args in (["nothing", "csv"], ["budget", "xlsx"], ["budget", "pdf"]):
            url = reverse("sufficiency:money-download", args=args)
            assert client.get(url).status_code == 404


def test_archived_learners_cost_nothing(cast, placed):
    Learner.objects.filter(responsible_la=cast.la).update(archived_at=timezone.now())
    m = _money(cast)
    assert m.ledger.total(2026) == 0
    # Only the other LA's learner is still on roll: an archived record holds no place.
    assert {p.setting: p.occupied for p in m.places}["Oak Special"] == 1


def _cells(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table with ``caption``, as text."""
    table = html[html.index(caption) :]
    body = table[table.index("<tbody") : table.index("</tbody>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)
        ]
        for r in rows
    ]


def _number(text: str) -> int:
    return int(text.replace(",", "").replace("−", "-"))


def test_the_places_headline_and_table_agree(cast, finished_run):
    html = cast.client_for(cast.la_colleague).get(reverse("sufficiency:overview")).content.decode()
    rows = _cells(html, "Learners needing a specialist place, local places and places short")
    for year, need, _, _, places, short, spare in rows:
        # Rounded figures: need - places and short - spare agree within rounding.
        assert abs((_number(need) - _number(places)) - (_number(short) - _number(spare))) <= 2, year
    last = rows[-1]
    if _number(last[5]) > 0:
        assert f"{last[5]} specialist places short by January {last[0]}" in html
    else:
        assert "Local specialist places cover the central forecast" in html
    summary = cast.client_for(cast.la_colleague).get(reverse("sufficiency:summary"))
    marks = _cells(summary.content.decode(), "Headlines (January each year)")
    shown = {row[0]: row[2] for row in marks[1:]}
    for year, *_, short, _ in rows:
        if year in shown:
            assert shown[year] == short


def test_managers_see_file_names_not_server_paths_or_hashes(cast, finished_run):
    html = (
        cast.client_for(cast.la_colleague)
        .get(reverse("sufficiency:run", args=[finished_run.pk]))
        .content.decode()
    )
    release = finished_run.inputs["releases"][0]["path"]
    assert PurePath(release).name in html
    assert release not in html or "/" not in release
    assert "sha256" not in html and finished_run.inputs["releases"][0]["sha256"] not in html
    assert "fingerprint" not in html


def test_the_cabinet_summary_has_the_budget_line(cast, finished_run, placed):
    services.budget_save(
        changed_by=cast.la_colleague, financial_year=2026, amount=80_000, expected_lock=0
    )
    services.central_spend_save(
        changed_by=cast.la_colleague,
        data={"financial_year": 2026, "line": "sensory", "amount": 3_000},
    )
    with at(TODAY):
        html = cast.client_for(cast.la_colleague).get(reverse("sufficiency:summary")).content
    rows = _cells(html.decode(), "High-needs budget and committed spend")
    # 87,895 on placements + 3,000 central - 80,000 budget = 10,895 deficit.
    assert rows[0] == ["2026-27", "£80,000", "£87,895", "£3,000", "Deficit £10,895"]
    # 2027-28 has no line: sensory services grow as the plans forecast does, from the plans
    # in January 2027 to those in January 2028 (published where the run has them).
    report = report_for(finished_run)
    jan = {y: b.median for y, b in report.baseline.total.items()} | {
        y: float(v) for y, v in report.demand.actuals
    }
    grown = f"£{3_000 * jan[2028] / jan[2027]:,.0f}"
    assert rows[1] == ["2027-28", "Not set", "£96,500", f"{grown} ({grown} projected)", "–"]


def test_the_money_page_uses_a_fixed_number_of_queries(cast, placed, django_assert_num_queries):
    client = cast.client_for(cast.la_colleague)
    url = reverse("sufficiency:money")
    with at(TODAY):
        client.get(url)  # the session settles
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        special, _ = placed
        for _ in range(5):
            PlacementFactory(
                learner=LearnerFactory(responsible_la=cast.la),
                setting=special.setting,
                strand=special,
                started_on=dt.date(2025, 9, 1),
            )
        with django_assert_num_queries(len(few.captured_queries)):
            client.get(url)
