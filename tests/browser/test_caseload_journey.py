"""My cases, walked from the home page: a coordinator to their cases and on to one case; a
SEND manager from the dashboard's caseloads to a coordinator's cases. axe on each page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_coordinator_reaches_a_case_from_my_cases(site, case_out_for_comments):
    site.sign_in("caseworker")
    site.follow(site.page.get_by_role("main").get_by_role("link", name="My cases"))
    assert site.page.locator("h1").inner_text() == "My cases"
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Jamie Okonkwo-Test"))
    assert site.page.url.endswith(f"/cases/{case_out_for_comments.pk}/")


def test_a_manager_opens_a_coordinators_cases_from_the_dashboard(site, case_out_for_comments):
    site.sign_in("manager")
    site.follow(site.page.get_by_role("link", name="Casework dashboard"))
    site.follow(site.page.get_by_role("link", name="open cases").first)
    assert site.page.locator("h1").inner_text().startswith("Cases of ")
    assert site.page.get_by_role("link", name="Jamie Okonkwo-Test").count() == 1
    site.assert_accessible()
