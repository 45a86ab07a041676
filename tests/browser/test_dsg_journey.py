"""A manager goes from their home page to the money page, the DSG management plan (and its
Excel download), what a decision does to the budget and the reform plan's figures, in a real
browser with axe-core on each page."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from openpyxl import load_workbook

from sendplan.engine import financial_year, financial_year_label
from sendplan.provision.models import ProvisionStrand, Setting
from sendplan.sufficiency import services
from sendplan.sufficiency.inputs import default_paths, forecast_demand
from sendplan.sufficiency.models import ForecastRun
from tests.browser.conftest import choose
from tests.factories import LearnerFactory, PlacementFactory, SettingFactory, StrandFactory
from tests.sufficiency.conftest import HORIZON, LA, SIMULATIONS, finish_run

pytestmark = pytest.mark.browser


def test_manager_reaches_the_dsg_plan_and_tries_a_decision(site, cast):
    special = StrandFactory(
        setting=SettingFactory(name="Oak Special"), capacity=5, place_funding=10_000, top_up=20_000
    )
    independent = StrandFactory(
        setting=SettingFactory(name="Elm College", kind=Setting.Kind.INDEPENDENT),
        kind=ProvisionStrand.Kind.INDEPENDENT,
        capacity=3,
        place_funding=0,
        annual_fee=60_000,
    )
    # Open from long ago and never ended: a whole year's fee in any financial year.
    PlacementFactory(
        learner=LearnerFactory(responsible_la=cast.la),
        setting=independent.setting,
        strand=independent,
        started_on=dt.date(2020, 9, 1),
    )
    this_year = financial_year(dt.date.today())
    services.budget_save(
        changed_by=cast.la_colleague,
        financial_year=this_year,
        amount=50_000,
        deficit_brought_forward=25_000,
        expected_lock=0,
    )
    # Hospital education recorded for this year only: later years are projected.
    services.central_spend_save(
        changed_by=cast.la_colleague,
        data={"financial_year": this_year, "line": "hospital", "amount": 5_000},
    )
    releases, population = default_paths(Path(django_settings.SHARED_DATA_DIR))
    demand = forecast_demand(
        releases=releases,
        population=population,
        la_code=LA,
        horizon=HORIZON,
        simulations=SIMULATIONS,
        seed=0,
    )
    assert finish_run(demand).status == ForecastRun.Status.SUCCEEDED

    site.sign_in("manager")
    site.goto("home")
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Money", exact=True))
    site.assert_accessible()
    page = site.page
    site.follow(page.get_by_role("link", name="See the Dedicated Schools Grant management plan"))
    site.assert_accessible()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Dedicated Schools Grant management plan"
    )
    first = page.locator("#dsg-without tbody tr").first
    # 25,000 brought forward + 60,000 on placements + 5,000 central - 50,000 income = 40,000
    # deficit at 31 March.
    assert financial_year_label(this_year) in first.inner_text()
    assert "£60,000" in first.inner_text() and "£40,000 deficit" in first.inner_text()
    # Next year hospital education has no line: £5,100 (2 % uplift), marked projected.
    assert "£5,100 (£5,100 projected)" in page.locator("#dsg-without tbody tr").nth(1).inner_text()
    central = page.locator("#dsg-central tbody tr").first.inner_text()
    assert "£5,000" in central and "£5,100 (projected)" in central
    with page.expect_download() as download_info:
        page.get_by_role("link", name="The whole plan, a sheet for each mitigation").click()
    with open(download_info.value.path(), "rb") as saved:
        book = load_workbook(io.BytesIO(saved.read()))
    sheet = book["without-mitigations"]
    header = [c.value for c in sheet[1]]
    carried = header.index("Cumulative deficit carried forward")
    assert sheet[2][carried].value == 40_000
    projected = header.index("Of which projected (no line recorded for the year)")
    assert (sheet[2][projected].value, sheet[3][projected].value) == (0, 5_100)
    lines = book["central-by-line"]
    assert [c.value for c in lines[3]][2:4] == [5_100, "projected"]

    site.follow(page.get_by_role("link", name="Money: committed spend and budget"))
    site.follow(page.get_by_role("link", name="Try what a decision does to the budget"))
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="See what it does"))
    assert "Select what the decision is" in page.locator(".govuk-error-summary").inner_text()
    site.assert_accessible()
    page.get_by_label("A move back from an independent placement to a local one").check()
    starts = dt.date(this_year + 1, 4, 1)
    page.get_by_label("Day").fill(str(starts.day))
    page.get_by_label("Month").fill(str(starts.month))
    page.get_by_label("Year").fill(str(starts.year))
    choose(site, "The place: setting and strand", "Oak", "Oak Special: Special school places")
    choose(site, "The independent placement the learner leaves", "Elm", "Elm College")
    site.follow(page.get_by_role("button", name="See what it does"))
    site.assert_accessible()
    assert "It saves £30,000 a year" in page.locator("main").inner_text()
    rows = page.locator("#decision-effect tbody tr")
    assert "£0" in rows.nth(0).inner_text()
    assert "£30,000 less" in rows.nth(1).inner_text()
    # Back to the money page, then the reform plan's figures from the same run.
    site.follow(page.get_by_role("link", name="Back to the money page"))
    site.follow(page.get_by_role("link", name="See the local SEND reform plan figures"))
    site.assert_accessible()
    assert page.locator("#reform tbody tr").count() == HORIZON
    assert special.pk  # the strand stays as it was: nothing is saved
    # Each of these pages is also one step from the manager's home page.
    for link, heading in (
        ("local SEND reform plan figures", "Local SEND reform plan figures"),
        ("Dedicated Schools Grant management plan", "Dedicated Schools Grant management plan"),
        ("Places and gaps", "Places and gaps"),
    ):
        site.follow(page.get_by_role("link", name="Home", exact=True))
        site.follow(page.locator("main").get_by_role("link", name=link, exact=True))
        assert page.get_by_role("heading", level=1).inner_text() == heading
    site.assert_accessible()
