"""The DSG management plan page: this year's committed spend rolled forward with the
forecast, against the budgets, with and without the scenarios as mitigations."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sendplan.sufficiency import selectors, services
from sendplan.sufficiency.dsg import dsg_figures, projection_high_needs
from sendplan.sufficiency.models import ForecastRun, NewProvision, Scenario
from sendplan.sufficiency.money import central_lines, money_figures
from sendplan.sufficiency.report import report_for
from tests.casework.conftest import at
from tests.factories import SettingFactory, StrandFactory
from tests.sufficiency.conftest import LA, finish_run
from tests.sufficiency.test_money import TODAY, _cells, placed  # noqa: F401 (a fixture)

#: The placed fixture's high-needs spend in 2026-27, added up in test_money (£87,895).
COMMITTED = 36_500 + 73_000 * 183 / 365 + 60_000 * 90 / 365


@pytest.fixture
def run_with_scenario(db, demand) -> ForecastRun:
    Scenario.objects.create(
        la_code=LA, name="Fewer independent", independent_reduction_pct=50, start_year=2028
    )
    run = finish_run(demand)
    assert run.status == ForecastRun.Status.SUCCEEDED, run.message
    return run


def _figures(cast, run):
    user = cast.la_colleague
    years = [2026, 2027]
    m = money_figures(
        today=TODAY,
        placements=selectors.committed_placements(fetched_by=user, years=years),
        budgets={},
        places=[],
        report=report_for(run),
    )
    budgets = selectors.budgets_for(fetched_by=user)
    return dsg_figures(
        figures=m,
        report=report_for(run),
        budgets={y: b.amount for y, b in budgets.items()},
        deficits={y: b.deficit_brought_forward for y, b in budgets.items()},
        central=central_lines(selectors.central_spend_for(fetched_by=user)),
    )


def test_the_plan_adds_up_from_the_record(cast, placed, run_with_scenario):  # noqa: F811
    services.budget_save(
        changed_by=cast.la_colleague,
        financial_year=2026,
        amount=80_000,
        deficit_brought_forward=10_000,
        expected_lock=0,
    )
    d = _figures(cast, run_with_scenario)
    assert d.plan is not None and d.deficit_set
    first, second = d.plan.without[:2]
    # This year's spend is what the record commits; income the budget; 10,000 + 7,895.
    assert first.spend == pytest.approx(COMMITTED, abs=0.5)
    assert (first.income, first.income_assumed) == (80_000, False)
    assert first.carried_forward == pytest.approx(10_000 + COMMITTED - 80_000, abs=0.5)
    # Next year grows as the forecast does; the income is held flat.
    baseline = report_for(run_with_scenario).baseline
    growth = projection_high_needs(baseline, 2027) / projection_high_needs(baseline, 2026)
    assert second.spend == pytest.approx(COMMITTED * growth, abs=0.5)
    assert (second.income, second.income_assumed) == (80_000, True)
    assert second.carried_forward == pytest.approx(
        first.carried_forward + COMMITTED * growth - 80_000, abs=0.5
    )
    assert d.plan.years == [2026, 2027, 2028, 2029, 2030]
    # The scenario halves independent placements from January 2028, the January inside
    # 2027-28: it saves from 2027-28 on.
    savings = d.plan.savings("Fewer independent")
    assert savings[0] == pytest.approx(0, abs=0.5)
    assert all(s > 0 for s in savings[1:])
    mitigated = d.plan.mitigated["Fewer independent"]
    assert mitigated[-1].carried_forward == pytest.approx(
        d.plan.without[-1].carried_forward - sum(savings), abs=1
    )


def test_the_page_and_downloads_show_the_plan(cast, placed, run_with_scenario):  # noqa: F811
    services.budget_save(
        changed_by=cast.la_colleague, financial_year=2026, amount=80_000, expected_lock=0
    )
    # A central line of £5,000 in 2026-27: the plan's spend is 87,895 + 5,000 = 92,895,
    # its deficit 92,895 - 80,000 = 12,895.
    services.central_spend_save(
        changed_by=cast.la_colleague,
        data={"financial_year": 2026, "line": "hospital", "amount": 5_000},
    )
    client = cast.client_for(cast.la_colleague)
    with at(TODAY):
        html = client.get(reverse("sufficiency:dsg-plan")).content.decode()
        summary = client.get(reverse("sufficiency:dsg-download", args=["summary", "csv"]))
        book = client.get(reverse("sufficiency:dsg-download", args=["all", "xlsx"]))
    rows = _cells(html, "DSG management plan without mitigations")
    assert rows[0] == [
        "2026-27",
        "£80,000",
        "£87,895",
        "£5,000",
        "£92,895",
        "£12,895 deficit",
        "£12,895 deficit",
    ]
    # Next year has no line: hospital education grows by the 2 % uplift, marked projected.
    assert rows[1][3] == "£5,100 (£5,100 projected)"
    by_line = _cells(html, "Central high-needs spend by line, recorded or projected")
    assert by_line[0][:5] == [
        "Hospital education",
        "2% a year",
        "£5,000",
        "£5,100 (projected)",
        "£5,202 (projected)",
    ]
    assert "No deficit brought forward into 2026-27 is recorded" in html
    assert "With Fewer independent" in html
    lines = list(csv.reader(io.StringIO(summary.content.decode("utf-8-sig"))))
    assert lines[0][1] == "31 March 2027 (2026-27)"
    assert lines[1][:2] == ["Without mitigations", "12895"]
    assert lines[2][0] == "With Fewer independent"
    workbook = load_workbook(io.BytesIO(book.content))
    assert workbook.sheetnames[:2] == ["summary", "without-mitigations"]
    assert workbook.sheetnames[2].startswith("scenario-")
    assert workbook.sheetnames[-1] == "central-by-line"
    sheet = workbook["without-mitigations"]
    assert [c.value for c in sheet[2]][:7] == [
        "2026-27",
        80_000,
        "no",
        round(COMMITTED),
        5_000,
        0,
        round(COMMITTED) + 5_000,
    ]
    assert [c.value for c in sheet[3]][4:6] == [5_100, 5_100]
    lines_sheet = workbook["central-by-line"]
    assert [c.value for c in lines_sheet[3]] == [
        "2027-28",
        "Hospital education",
        5_100,
        "projected",
        "projected from 2026-27 at 2% a year",
    ]


def test_the_page_says_what_is_missing(cast, placed):  # noqa: F811
    client = cast.client_for(cast.la_colleague)
    with at(TODAY):
        html = client.get(reverse("sufficiency:dsg-plan")).content.decode()
        assert (
            client.get(reverse("sufficiency:dsg-download", args=["all", "xlsx"])).status_code == 404
        )
    assert "Run the forecast" in html
    assert "Set the high-needs budget for 2026-27" in html


def test_the_deficit_brought_forward_is_entered_with_the_budget(cast):
    client = cast.client_for(cast.la_colleague)
    url = reverse("sufficiency:budget", args=[2026])
    with at(TODAY):
        wrong = client.post(url, {"amount": "1000", "deficit_brought_forward": "much", "lock": "0"})
        assert "Enter the deficit in whole pounds" in wrong.content.decode()
        saved = client.post(
            url, {"amount": "1000", "deficit_brought_forward": "-2500", "lock": "0"}
        )
        assert saved.status_code == 302
    budget = selectors.budgets_for(fetched_by=cast.la_colleague)[2026]
    assert (budget.amount, budget.deficit_brought_forward) == (1000, -2500)


@pytest.mark.parametrize(
    "name,args",
    [("sufficiency:dsg-plan", []), ("sufficiency:dsg-download", ["summary", "csv"])],
)
def test_only_la_staff_see_the_plan(cast, name, args):
    with at(TODAY):
        for who in ("senco", "health", "parent"):
            response = cast.client_for(getattr(cast, who)).get(reverse(name, args=args))
            assert response.status_code == 403


def test_the_cabinet_summary_has_the_dsg_deficit_line(cast, placed, run_with_scenario):  # noqa: F811
    services.budget_save(
        changed_by=cast.la_colleague,
        financial_year=2026,
        amount=80_000,
        deficit_brought_forward=10_000,
        expected_lock=0,
    )
    with at(TODAY):
        html = cast.client_for(cast.la_colleague).get(reverse("sufficiency:summary")).content
    rows = _cells(html.decode(), "Cumulative DSG deficit at 31 March (the DSG management plan)")
    # 10,000 + 87,895 - 80,000 at 31 March 2027, as on the plan's page.
    assert rows[0][:2] == ["Without mitigations", "£17,895 deficit"]
    assert rows[1][0] == "With Fewer independent"


def test_a_base_scenario_saves_the_fees_of_the_learners_it_takes(cast, placed, db, demand):  # noqa: F811
    # Ten inclusion base places from January 2028, for every need and phase: each takes a
    # learner out of an independent placement by itself (ADR 0138).
    Scenario.objects.create(la_code=LA, name="A base", resourced_places=10, start_year=2028)
    run = finish_run(demand)
    assert run.status == ForecastRun.Status.SUCCEEDED, run.message
    services.budget_save(
        changed_by=cast.la_colleague,
        financial_year=2026,
        amount=80_000,
        deficit_brought_forward=None,
        expected_lock=0,
    )
    d = _figures(cast, run)
    assert d.plan is not None
    report = report_for(run)
    per_place = report.costs["per_place"]
    baseline = report.baseline
    # Each year the run's placement spend falls by 10 x (independent fee - base cost), and
    # the plan scales the run's spend to the record: committed / the run's 2026-27 spend.
    each = 10 * (per_place["independent"] - per_place["resourced"])
    scale = COMMITTED / projection_high_needs(baseline, 2026)
    savings = d.plan.savings("A base")
    # 2026-27's January (2027) is before the base opens; 2027-28's (2028) is the first.
    assert savings[0] == pytest.approx(0, abs=0.01)
    for year, saving in zip(d.plan.years[1:], savings[1:], strict=True):
        assert baseline.placements[("independent", year + 1)] >= 10
        assert saving == pytest.approx(each * scale, abs=0.05)
    assert each > 0


def test_caseload_lines_grow_with_the_plans_forecast_and_others_by_the_uplift(
    cast,
    placed,  # noqa: F811
    run_with_scenario,
):
    services.budget_save(
        changed_by=cast.la_colleague, financial_year=2026, amount=80_000, expected_lock=0
    )
    for line, amount in (("post16", 10_000), ("ap", 4_000)):
        services.central_spend_save(
            changed_by=cast.la_colleague,
            data={"financial_year": 2026, "line": line, "amount": amount},
        )
    d = _figures(cast, run_with_scenario)
    assert d.plan is not None
    report = report_for(run_with_scenario)
    published = dict(report.demand.actuals)
    # Plans in the January inside each financial year: published if known, else forecast.
    plans = {y: published.get(y + 1) for y in (2026, 2028)}
    plans = {
        y: float(v) if v is not None else report.baseline.total[y + 1].median
        for y, v in plans.items()
    }
    third = d.plan.without[2]  # 2028-29: two years on from the recorded year
    expected = 10_000 * plans[2028] / plans[2026] + 4_000 * 1.02**2
    assert third.central == pytest.approx(expected, abs=0.01)
    assert third.central_projected == pytest.approx(expected, abs=0.01)
    assert d.plan.without[0].central == 14_000 and d.plan.without[0].central_projected == 0


def _independent(report, need: str, phase: str, year: int) -> float:
    """Learners the run's demand places independently in one group in one January."""
    band = report.demand.plans[(need, phase, year)]
    return band.median * report.demand.shares[(need, phase)].get("independent", 0.0)


def _busiest_group(report) -> tuple[str, str]:
    first = report.demand.years[0]
    cells = [(n, f) for (n, f, y) in report.demand.plans if y == first]
    return max(cells, key=lambda c: _independent(report, *c, first))


def _plenty_of_places(need: str) -> None:
    """A special school in the register with more places for ``need`` than it has
    learners: no group of that need is short of places in any January."""
    StrandFactory(
        setting=SettingFactory(name="Plenty Special", min_age=0, max_age=25),
        min_age=0,
        max_age=25,
        capacity=1_000_000,
        on_roll=0,
        needs=[need],
    )


def _not_short(report, need: str, phase: str) -> None:
    for year in report.years:
        assert report.baseline.gap(need, phase, year) < 0


def test_special_places_beyond_a_groups_independent_learners_save_only_their_fees(
    cast,
    placed,  # noqa: F811
    db,
    demand,
):
    # More special places for one need and phase than it has independent learners: each
    # January every one of them moves, and no more (one rule for every new place, ADR 0138),
    # though the group is not short of places.
    need, phase = _busiest_group(report_for(finish_run(demand)))
    _plenty_of_places(need)
    Scenario.objects.create(
        la_code=LA,
        name="Special",
        special_places=10_000,
        start_year=2028,
        need=need,
        phase=phase,
    )
    run = finish_run(demand)
    assert run.status == ForecastRun.Status.SUCCEEDED, run.message
    services.budget_save(
        changed_by=cast.la_colleague,
        financial_year=2026,
        amount=80_000,
        deficit_brought_forward=None,
        expected_lock=0,
    )
    d = _figures(cast, run)
    assert d.plan is not None
    report = report_for(run)
    _not_short(report, need, phase)
    per_place = report.costs["per_place"]
    baseline = report.baseline
    scale = COMMITTED / projection_high_needs(baseline, 2026)
    savings = d.plan.savings("Special")
    assert savings[0] == pytest.approx(0, abs=0.01)
    for year, saving in zip(d.plan.years[1:], savings[1:], strict=True):
        moved = _independent(report, need, phase, year + 1)
        assert moved > 0
        each = moved * (per_place["independent"] - per_place["special"])
        assert saving == pytest.approx(each * scale, abs=0.05)


def test_bases_and_special_places_together_move_no_more_than_every_independent_learner(db, demand):
    Scenario.objects.create(
        la_code=LA, name="Both", special_places=5_000, resourced_places=5_000, start_year=2027
    )
    run = finish_run(demand)
    assert run.status == ForecastRun.Status.SUCCEEDED, run.message
    report = report_for(run)
    baseline = report.baseline
    (both,) = report.projections[1:]
    per_place = report.costs["per_place"]
    cheaper = min(per_place["resourced"], per_place["special"])
    fee = per_place["independent"]
    for year in report.years[1:]:
        independent = baseline.placements[("independent", year)]
        assert independent > 0
        # Every independent learner moves, once, to the cheaper kind of new place (5,000
        # of either is more than there are).
        assert both.placements[("independent", year)] == pytest.approx(0, abs=0.01)
        local = sum(
            both.placements[(p, year)] - baseline.placements[(p, year)]
            for p in ("resourced", "special")
        )
        # The run keeps learners to two decimals.
        assert local == pytest.approx(independent, abs=0.03)
        assert projection_high_needs(both, year - 1) - projection_high_needs(
            baseline, year - 1
        ) == pytest.approx(baseline.spend[("independent", year)] * (cheaper / fee - 1), abs=0.1)


def test_planned_provision_moves_the_runs_spend_by_its_own_cost(db, demand):
    # Planned special places, at a cost of their own, for one need and phase from 2027:
    # more than the group's independent learners, so each of those moves, and no more,
    # though the group is not short of places.
    need, phase = _busiest_group(report_for(finish_run(demand)))
    _plenty_of_places(need)
    before = report_for(finish_run(demand))
    _not_short(before, need, phase)
    NewProvision.objects.create(
        la_code=LA,
        name="New special school",
        kind="special",
        need=need,
        phase=phase,
        places=10_000,
        opens_year=2027,
        cost_per_place=25_000,
    )
    after = report_for(finish_run(demand))
    fee = after.costs["per_place"]["independent"]
    for year in after.years:
        moved = _independent(after, need, phase, year) if year >= 2027 else 0.0
        change = sum(
            after.baseline.spend[(p, year)] - before.baseline.spend[(p, year)]
            for p in ("independent", "special", "resourced")
        )
        # The run keeps pounds to the penny.
        assert change == pytest.approx(moved * (25_000 - fee), abs=0.1)
