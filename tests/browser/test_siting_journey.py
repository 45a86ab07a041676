"""A commissioner finds where the next places should go from their home page: Placement
planning, then Where to add places; a wrong budget is shown again with its error; the answer's
table and its CSV download; a wrong number of years shown again; the lower, central and upper
answers together. axe on every page."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.planning.siting_builders import candidate, forecast, learners_without_a_place

pytestmark = pytest.mark.browser


def test_the_commissioner_finds_where_to_add_places_and_downloads_them(site, cast):
    learners_without_a_place(cast)
    candidate(cast.la)
    forecast()
    page = site.page
    site.sign_in("manager")
    site.goto("home")
    site.follow(page.get_by_role("link", name="Placement planning").first)
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Where to add places"))
    assert page.get_by_role("heading", level=1).inner_text() == "Where to add places"
    site.assert_accessible()

    page.get_by_label("Demand to plan for").select_option(label="Forecast for January 2027")
    page.get_by_label("Upper (1 in 10 chance of more)").check()
    page.get_by_label("Capital budget").fill("a million")
    site.follow(page.get_by_role("button", name="Find where to add places"))
    assert (
        page.locator(".govuk-error-summary")
        .get_by_text("Capital budget must be a whole number of pounds")
        .is_visible()
    )
    assert page.get_by_label("Capital budget").input_value() == "a million"
    site.assert_accessible()

    page.get_by_label("Capital budget").fill("£1,000,000")
    page.get_by_label("Cost of moving a learner").fill("6000")
    page.get_by_label("Years to spread capital over").fill("0")
    site.follow(page.get_by_role("button", name="Find where to add places"))
    assert (
        page.locator(".govuk-error-summary")
        .get_by_text("Years to spread capital over must be 1 or more")
        .is_visible()
    )
    assert page.get_by_label("Years to spread capital over").input_value() == "0"
    assert page.get_by_label("Cost of moving a learner").input_value() == "6000"
    site.assert_accessible()

    page.get_by_label("Years to spread capital over").fill("30")
    site.follow(page.get_by_role("button", name="Find where to add places"))
    assert "£6,000" in page.locator("#siting-summary").inner_text()
    table = page.locator("#sites")
    assert "Oak annexe" in table.inner_text()
    assert "£600,000" in table.inner_text()  # both blocks, for the upper figure's growth
    assert page.locator("#siting-map").is_visible()
    site.assert_accessible()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["Candidate site"], r["Places added"]) for r in rows] == [("Oak annexe", "8")]

    site.follow(page.get_by_role("link", name="With the central forecast figure"))
    assert page.locator("#comparison").is_visible()
    site.assert_accessible()

    site.follow(page.get_by_role("link", name="Lower, central and upper forecast together"))
    together = page.locator("#together")
    assert "Oak annexe: places" in together.inner_text()
    assert "Chosen in all three" in page.locator("#robust").inner_text()
    site.assert_accessible()


def test_the_manager_adds_a_named_site_and_it_is_offered(site, cast):
    learners_without_a_place(cast)
    page = site.page
    site.sign_in("manager")
    site.goto("planning:siting")
    assert "no candidate sites under consideration" in page.locator("main").inner_text()
    site.follow(page.get_by_role("link", name="candidate sites"))
    assert page.get_by_role("heading", level=1).inner_text() == "Candidate sites"
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="Add a candidate site"))
    site.assert_accessible()

    page.get_by_label("Name of the candidate site").fill("Brixton depot")
    page.get_by_label("Resourced provision in a mainstream school").check()
    page.get_by_label("Latitude (optional)").fill("51.45")
    page.get_by_label("Autistic spectrum disorder (ASD)").check()
    page.get_by_label("Youngest age").fill("11")
    page.get_by_label("Oldest age").fill("19")
    page.get_by_label("Places a block adds").fill("4")
    page.get_by_label("Most blocks").fill("2")
    page.get_by_label("Capital cost of a block").fill("300000")
    page.get_by_label("Running cost a place, a year").fill("30000")
    site.follow(page.get_by_role("button", name="Save the candidate site"))
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_text("Enter the longitude as well, or neither").is_visible()
    assert page.get_by_label("Latitude (optional)").input_value() == "51.45"
    assert page.get_by_label("Name of the candidate site").input_value() == "Brixton depot"
    site.assert_accessible()

    page.get_by_label("Longitude (optional)").fill("-0.115")
    site.follow(page.get_by_role("button", name="Save the candidate site"))
    assert "Brixton depot has been added" in page.locator("main").inner_text()
    assert "Brixton depot" in page.locator("#candidates").inner_text()
    site.assert_accessible()

    site.follow(page.get_by_role("link", name="Where to add places"))
    assert "1 candidate site under consideration" in page.locator("main").inner_text()
    page.get_by_label("Capital budget").fill("1000000")
    site.follow(page.get_by_role("button", name="Find where to add places"))
    assert "Brixton depot" in page.locator("#sites").inner_text()
    site.assert_accessible()
