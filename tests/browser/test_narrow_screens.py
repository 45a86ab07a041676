"""Every key page on a 375 px screen (a small phone) with no sideways scroll of the page:
wide tables scroll inside their own region, which keyboard users can reach and scroll."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

NARROW = {"width": 375, "height": 812}

# Who opens each page, and how to find its arguments from the case out for comments.
PAGES = {
    "caseworker": [
        ("home", lambda case: []),
        ("learners:list", lambda case: []),
        ("learners:record", lambda case: [case.learner_id]),
        ("provision:register", lambda case: []),
        ("casework:tray", lambda case: []),
        ("casework:caseload", lambda case: []),
        ("casework:case", lambda case: [case.pk]),
        ("casework:plan", lambda case: [case.plan.pk]),
        ("casework:plan-draft", lambda case: [case.plan.pk]),
        ("casework:reviews", lambda case: []),
        ("planning:index", lambda case: []),
        ("sufficiency:overview", lambda case: []),
    ],
    "manager": [
        ("casework:dashboard", lambda case: []),
        ("learners:accesses", lambda case: [case.learner_id]),
        ("sen2:index", lambda case: []),
        ("sen2:return", lambda case: [2026]),
        ("learners:change", lambda case: [case.learner_id]),
    ],
    "health": [
        ("casework:advice-list", lambda case: []),
        ("casework:advice-detail", lambda case: [case.advice_requests.get().pk]),
    ],
    "parent": [
        ("home", lambda case: []),
        ("casework:family-case", lambda case: [case.pk]),
        ("casework:family-draft", lambda case: [case.pk]),
    ],
}

PAGE_SCROLLS_SIDEWAYS = (
    "() => document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth"
)


@pytest.mark.parametrize("who", list(PAGES))
def test_no_page_scrolls_sideways_at_375_pixels(site, case_out_for_comments, who):
    site.page.set_viewport_size(NARROW)
    site.sign_in(who)
    scrolling = []
    for name, arguments in PAGES[who]:
        response = site.goto(name, *arguments(case_out_for_comments))
        assert response.status == 200, f"{name} gave {response.status}"
        if site.page.evaluate(PAGE_SCROLLS_SIDEWAYS):
            scrolling.append(name)
        else:
            site.assert_accessible()
    assert scrolling == [], f"pages that scroll sideways at 375 px: {scrolling}"


def test_a_wide_table_scrolls_in_a_region_reached_by_keyboard(site, case_out_for_comments):
    site.page.set_viewport_size(NARROW)
    site.sign_in("caseworker")
    site.goto("casework:tray")
    region = site.page.locator(".sp-table-scroll[tabindex='0']").first
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label").endswith("(scrolls sideways)")
    region.focus()
    site.page.keyboard.press("ArrowRight")
    site.page.wait_for_function(
        "() => document.querySelector(\".sp-table-scroll[tabindex='0']\").scrollLeft > 0"
    )
    # At a desktop width the same table fits, and is no stop in the tab order.
    site.page.set_viewport_size({"width": 1280, "height": 900})
    site.page.wait_for_function(
        "() => !document.querySelector('.sp-table-scroll').hasAttribute('tabindex')"
    )
