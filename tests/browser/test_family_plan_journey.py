"""A parent reaches their child's issued plan from their home page by keyboard alone, at a
phone's width and a desktop's, with axe on each page."""

from __future__ import annotations

import pytest

from sendplan.casework.case.models import Stage
from tests.casework.conftest import make_case

pytestmark = pytest.mark.browser


def tab_to(site, name: str, limit: int = 60) -> None:
    """Press Tab until the focused element is the link called ``name``."""
    for _ in range(limit):
        site.page.keyboard.press("Tab")
        if site.page.evaluate("() => document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"no link called {name!r} reached by Tab")


@pytest.mark.parametrize("width", [375, 1280])
def test_a_parent_reads_the_issued_plan_from_home_by_keyboard(site, cast, width):
    case = make_case(cast, Stage.FINAL_ISSUED)
    site.page.set_viewport_size({"width": width, "height": 900})
    site.sign_in("parent")
    site.assert_accessible()
    tab_to(site, "Read Jamie's EHC plan")
    site.press_and_wait("Enter")
    assert site.page.url.endswith(f"/cases/plans/{case.plan.pk}/")
    assert site.page.locator("h1").inner_text() == "Education, health and care plan"
    site.assert_accessible()
    assert not site.page.evaluate(
        "() => document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth"
    )
