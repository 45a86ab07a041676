"""A manager goes from their home page to the scenarios and combines two of them, with a
mistake on the way, in a real browser with axe-core on each page (ADR 0149)."""

from __future__ import annotations

import re

import pytest

from sendplan.sufficiency import services
from sendplan.sufficiency.models import Scenario

pytestmark = pytest.mark.browser


def test_a_manager_combines_two_scenarios(site, cast):
    base = services.scenario_save(
        changed_by=cast.la_colleague,
        data={
            "name": "Primary ASD base",
            "resourced_places": 8,
            "need": "ASD",
            "phase": "primary",
            "start_year": 2027,
        },
    )
    fewer = services.scenario_save(
        changed_by=cast.la_colleague,
        data={"name": "Fewer independent", "independent_reduction_pct": 10, "start_year": 2027},
    )
    site.sign_in("manager")
    page = site.page
    site.goto("home")
    site.follow(page.get_by_role("link", name="Sufficiency", exact=True).first)
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Scenarios", exact=True).first)
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Combine scenarios"))
    site.assert_accessible()
    page.get_by_label("Primary ASD base").check()
    site.follow(page.get_by_role("button", name="Save combined scenario"))
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select 2 or more scenarios to combine" in summary
    assert "Enter a name for the combined scenario" in summary
    assert page.get_by_label("Primary ASD base").is_checked()
    site.assert_accessible()
    page.get_by_label("Fewer independent").check()
    page.get_by_label("Name of the combined scenario").fill("Base and fewer independent")
    site.follow(page.get_by_role("button", name="Save combined scenario"))
    site.assert_accessible()
    assert "Combined scenario saved" in page.locator("main").inner_text()
    row = page.get_by_role("row", name=re.compile("^Base and fewer independent"))
    # Parts are listed by name.
    assert "Combines “Fewer independent” and “Primary ASD base”" in row.inner_text()
    combined = Scenario.objects.get(name="Base and fewer independent")
    assert {p.pk for p in combined.combines.all()} == {base.pk, fewer.pk}
