"""A commissioner finds the money from their home page, sets a budget and sees the
position, in a real browser with axe-core on each page."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.engine import financial_year_label
from sendplan.provision.models import ProvisionStrand
from tests.factories import LearnerFactory, PlacementFactory, StrandFactory

pytestmark = pytest.mark.browser


def test_commissioner_reaches_the_money_page_and_sets_a_budget(site, cast):
    strand = StrandFactory(
        kind=ProvisionStrand.Kind.INDEPENDENT, capacity=3, place_funding=0, annual_fee=60_000
    )
    # Open from long ago and never ended: a whole year's fee in any financial year.
    PlacementFactory(
        learner=LearnerFactory(responsible_la=cast.la),
        setting=strand.setting,
        strand=strand,
        started_on=dt.date(2020, 9, 1),
        health_contribution=12_000,
    )
    site.sign_in("manager")
    site.goto("home")
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Money", exact=True))
    site.assert_accessible()
    page = site.page
    assert page.get_by_role("heading", level=1).inner_text().startswith("Money")
    budget = page.locator("#budget tbody tr").first
    assert "£60,000" in budget.inner_text()
    assert "Not set" in budget.inner_text()
    year = budget.locator("th").inner_text()
    site.follow(budget.get_by_role("link", name=f"Set the budget for {year}"))
    site.assert_accessible()
    page.get_by_label("High-needs budget, pounds").fill("50000")
    site.follow(page.get_by_role("button", name="Save budget"))
    site.assert_accessible()
    budget = page.locator("#budget tbody tr").first
    assert year == financial_year_label(int(year[:4]))
    assert "£50,000" in budget.inner_text()
    assert "£10,000 over" in budget.inner_text()
    assert "£12,000" in page.locator("#by-partner").inner_text()
