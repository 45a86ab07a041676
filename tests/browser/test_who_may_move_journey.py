"""A commissioner changes who may move in the area's planning runs from their home page:
Placement planning, "Change who may move", a wrong number shown again with its error, then
the rules the planning page lists. axe on every page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_commissioner_changes_who_may_move(site, cast):
    page = site.page
    site.sign_in("manager")
    site.goto("home")
    site.follow(page.get_by_role("link", name="Placement planning").first)
    assert page.get_by_text("whose plan was first issued in the last 12 months").is_visible()
    site.follow(page.get_by_role("link", name="Change who may move"))
    site.assert_accessible()

    months = page.get_by_label("A plan counts as new for this many months")
    months.fill("40")
    site.follow(page.get_by_role("button", name="Save the figures"))
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_text("Months a plan counts as new must be 36 or fewer").is_visible()
    assert page.get_by_label("A plan counts as new for this many months").input_value() == "40"
    site.assert_accessible()

    page.get_by_label("A plan counts as new for this many months").fill("6")
    page.get_by_label("Learners in an independent placement due for review may move").uncheck()
    site.follow(page.get_by_role("button", name="Save the figures"))
    assert page.get_by_text("Planning figures saved").is_visible()

    site.follow(page.get_by_role("link", name="Back to placement planning"))
    assert page.get_by_text("whose plan was first issued in the last 6 months").is_visible()
    assert not page.get_by_text("independent placement whose plan is due for review").count()
    site.assert_accessible()
