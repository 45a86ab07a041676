"""Every area of the service in a real browser, as the people who use it, with axe-core on
each page: the casework pages, the families' and practitioners' pages, placement planning
and sufficiency."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.engine import financial_year

pytestmark = pytest.mark.browser


def visit(site, name: str, *args: object) -> None:
    response = site.goto(name, *args)
    assert response.status == 200, f"{name} gave {response.status}"
    site.assert_accessible()


def test_caseworker_pages_have_no_accessibility_violations(site, case_out_for_comments):
    case = case_out_for_comments
    site.sign_in("caseworker")
    visit(site, "casework:tray")
    # Sorted by a column other than due date: one list, a sort link in each sortable header.
    response = site.page.goto(site.url("casework:tray") + "?sort=learner&order=desc")
    assert response.status == 200
    assert site.page.locator('th[aria-sort="descending"]').count() == 1
    assert site.page.locator("tbody tr").count() >= 1
    site.assert_accessible()
    visit(site, "casework:case", case.pk)
    visit(site, "casework:plan", case.plan.pk)
    visit(site, "casework:plan-draft", case.plan.pk)
    visit(site, "casework:reviews")
    visit(site, "planning:index")
    visit(site, "planning:suitable-places", case.learner_id)
    visit(site, "sufficiency:overview")


def test_manager_dashboard_has_no_accessibility_violations(site, case_out_for_comments):
    site.sign_in("manager")
    visit(site, "casework:dashboard")
    # Twice: the first visit is itself an access, so the second shows a table of one.
    visit(site, "learners:accesses", case_out_for_comments.learner_id)
    visit(site, "learners:accesses", case_out_for_comments.learner_id)
    assert site.page.locator("tbody tr").count() == 1


def test_practitioner_advice_pages_have_no_accessibility_violations(site, case_out_for_comments):
    site.sign_in("health")
    visit(site, "casework:advice-list")
    advice = case_out_for_comments.advice_requests.get()
    visit(site, "casework:advice-detail", advice.pk)


def test_family_pages_have_no_accessibility_violations(site, case_out_for_comments):
    case = case_out_for_comments
    site.sign_in("parent")
    visit(site, "casework:family-home")
    visit(site, "casework:family-case", case.pk)
    visit(site, "casework:family-draft", case.pk)


def test_the_footer_leads_to_the_accessibility_statement_and_privacy_notice(site):
    site.page.goto(site.url("accounts:sign-in"))
    for link, heading in [
        ("Accessibility statement", "Accessibility statement for"),
        ("Privacy notice", "Privacy notice"),
    ]:
        site.page.get_by_role("link", name=link).click()
        assert heading in site.page.locator("h1").inner_text()
        site.assert_accessible()


def test_money_pages_have_no_accessibility_violations(site, cast):
    site.sign_in("manager")
    visit(site, "sufficiency:dsg-plan")  # no forecast or budget yet: what to do first
    visit(site, "sufficiency:decision")
    visit(site, "sufficiency:reform-plan")  # no forecast yet
    visit(site, "sufficiency:budget", financial_year(dt.date.today()))
    visit(site, "sufficiency:overview")  # the live record against the model, with no run
    visit(site, "sufficiency:assumptions")  # unit costs, growth and the central uplift


def test_the_manager_adds_a_central_line_from_their_home_page(site, cast):
    site.sign_in("manager")
    visit(site, "home")
    page = site.page
    page.get_by_role("link", name="Money", exact=True).click()
    page.get_by_role("link", name="Add a central line").click()
    assert "Add central high-needs spend" in page.locator("h1").inner_text()
    site.assert_accessible()
    # Saved without a line or an amount: the errors, with what was typed kept.
    page.get_by_label("Partner or provider (optional)").fill("Park PRU")
    page.get_by_role("button", name="Save central spend").click()
    assert "Select what the spend pays for" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Partner or provider (optional)").input_value() == "Park PRU"
    site.assert_accessible()
    page.get_by_label("What it pays for").select_option(label="Hospital education")
    page.get_by_label("Amount, pounds").fill("450000")
    page.get_by_role("button", name="Save central spend").click()
    assert "Central high-needs spend saved" in page.locator("body").inner_text()
    table = page.locator("#central-lines").inner_text()
    assert "Hospital education" in table and "£450,000" in table and "Park PRU" in table
    site.assert_accessible()
    visit(site, "sufficiency:dsg-plan")
