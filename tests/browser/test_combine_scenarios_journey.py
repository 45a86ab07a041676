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


def test_a_manager_changes_which_scenarios_a_combination_takes(site, cast):
    parts = [
        services.scenario_save(
            changed_by=cast.la_colleague,
            data={"name": name, "special_places": places, "start_year": 2027},
        )
        for name, places in (("North site", 10), ("South site", 12), ("East site", 6))
    ]
    services.scenario_combine(
        changed_by=cast.la_colleague, name="Two sites", part_pks=[p.pk for p in parts[:2]]
    )
    site.sign_in("manager")
    page = site.page
    site.goto("home")
    site.follow(page.get_by_role("link", name="Sufficiency", exact=True).first)
    site.follow(page.get_by_role("link", name="Scenarios", exact=True).first)
    row = page.get_by_role("row", name=re.compile("^Two sites"))
    site.follow(row.get_by_role("link", name=re.compile("^Change")))
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Change the scenarios it combines"))
    site.assert_accessible()
    assert page.get_by_label("North site").is_checked()
    page.get_by_label("North site").uncheck()
    page.get_by_label("South site").uncheck()
    site.follow(page.get_by_role("button", name="Save combined scenario"))
    assert (
        "Select 2 or more scenarios to combine" in page.locator(".govuk-error-summary").inner_text()
    )
    site.assert_accessible()
    page.get_by_label("South site").check()
    page.get_by_label("East site").check()
    site.follow(page.get_by_role("button", name="Save combined scenario"))
    site.assert_accessible()
    row = page.get_by_role("row", name=re.compile("^Two sites"))
    assert "Combines “East site” and “South site”" in row.inner_text()
    combined = Scenario.objects.get(name="Two sites")
    assert {p.pk for p in combined.combines.all()} == {parts[1].pk, parts[2].pk}
