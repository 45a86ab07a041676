"""Choosers typed into (ADR 0127): the caseworker finds an organisation and a setting by part
of its name, chooses it with the keyboard alone and sends the form; axe-core runs with the list
of matches open. Without JavaScript the same fields are plain selects that still work."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Stage
from sendplan.casework.plans.models import Plan, PlanVersion
from tests.casework.conftest import make_case
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def health_org(cast):
    return cast.learner.involvements.get(user=cast.health).organisation


def _choose_by_keyboard(site, name: str, typed: str, expected: str) -> None:
    """Type part of a name in the chooser, then take the first match with the arrow keys."""
    box = site.page.get_by_role("combobox", name=name)
    box.focus()
    site.page.keyboard.type(typed)
    expect(site.page.get_by_role("option", name=expected)).to_be_visible()
    site.assert_accessible()
    site.page.keyboard.press("ArrowDown")
    site.page.keyboard.press("Enter")
    expect(box).to_have_value(expected)


def test_caseworker_finds_the_organisation_to_ask_for_advice_by_typing(site, cast, health_org):
    case = make_case(cast, Stage.ASSESSING)
    page = site.page
    site.sign_in("caseworker")
    site.goto("casework:action", case.pk, "request-advice")
    site.assert_accessible()
    # The select is still in the form, hidden: the chooser stands in its place.
    expect(page.locator("select#organisation-select")).to_be_hidden()

    page.get_by_label("Medical and health advice").check()
    _choose_by_keyboard(site, "Organisation asked", "nhs tr", health_org.name)
    page.locator("#requested_on_day").fill("3")
    page.locator("#requested_on_month").fill("3")
    page.locator("#requested_on_year").fill("2025")
    site.follow(page.locator("main").get_by_role("button", name="Record the request for advice"))

    expect(page.locator(".govuk-notification-banner")).to_contain_text("request for advice")
    site.assert_accessible()
    advice = AdviceRequest.objects.get(case=case)
    assert (advice.organisation, advice.practitioner) == (health_org, None)


def test_a_name_typed_that_matches_nothing_is_refused_with_the_error_summary(
    site, cast, health_org
):
    case = make_case(cast, Stage.ASSESSING)
    page = site.page
    site.sign_in("caseworker")
    site.goto("casework:action", case.pk, "request-advice")
    page.get_by_label("Medical and health advice").check()
    page.get_by_role("combobox", name="Organisation asked").fill("Nowhere at all")
    site.follow(page.locator("main").get_by_role("button", name="Record the request for advice"))

    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the organisation asked")
    site.assert_accessible()
    assert not AdviceRequest.objects.filter(case=case).exists()


def test_section_i_names_a_setting_from_the_register_found_by_typing(site, cast):
    case = make_case(cast, Stage.DRAFTING)
    plan = Plan.objects.get(case=case)
    page = site.page
    site.sign_in("caseworker")
    site.goto("casework:plan-draft-section", plan.pk, "I")
    site.assert_accessible()

    setting = cast.setting
    expected = f"{setting.name}, {setting.town}" if setting.town else setting.name
    _choose_by_keyboard(site, "Setting", "special sch", expected)
    site.follow(page.locator("main").get_by_role("button", name="Save section I"))

    site.assert_accessible()
    draft = PlanVersion.objects.get(plan=plan, status=PlanVersion.Status.DRAFT)
    assert draft.placement_setting == cast.setting


def test_without_javascript_the_chooser_is_a_plain_select_that_works(browser, live_server, cast):
    case = make_case(cast, Stage.DRAFTING)
    plan = Plan.objects.get(case=case)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + reverse("accounts:sign-in"))
        page.locator("input[name=username]").fill("caseworker")
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("main form").get_by_role("button", name="Sign in").click()
        page.goto(live_server.url + reverse("casework:plan-draft-section", args=[plan.pk, "I"]))
        chooser = page.get_by_label("Setting", exact=True)
        expect(chooser).to_have_attribute("data-module", "sp-autocomplete")
        chooser.select_option(str(cast.setting.pk))
        with page.expect_navigation():
            page.locator("main").get_by_role("button", name="Save section I").click()
    finally:
        context.close()
    draft = PlanVersion.objects.get(plan=plan, status=PlanVersion.Status.DRAFT)
    assert draft.placement_setting == cast.setting


def test_on_a_slow_connection_the_chooser_arrives_late_and_still_works(site, cast, health_org):
    """The chooser's script is fetched after the page has loaded; on a slow line the plain
    select stands there first. The harness waits for it (``Site.wait_until_ready``), as a
    person waits for the box, so no step acts on the select the chooser replaces."""
    cdp = site.page.context.new_cdp_session(site.page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 800, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    test_a_name_typed_that_matches_nothing_is_refused_with_the_error_summary(site, cast, health_org)
