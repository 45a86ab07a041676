"""The SEND manager's SEN2 return, walked from their home page: choose the collection, find
the error, follow its link to the learner's details, fix it, and see the check pass on the
return. axe on every page."""

from __future__ import annotations

import re

import pytest

from sendplan.casework.case.models import Stage
from sendplan.learners.models import Learner
from tests.casework.conftest import FINAL, at, make_case

pytestmark = pytest.mark.browser


@pytest.fixture
def two_plans(cast):
    """Two plans issued in 2025; the other learner has no UPN and no reason why (D01)."""
    with at(FINAL):
        make_case(cast, Stage.FINAL_ISSUED)
        make_case(cast, Stage.FINAL_ISSUED, learner=cast.other_learner)
    Learner.objects.update(sex="F", ethnicity="WBRI", postcode="SW2 1RW")
    return cast


def test_the_manager_fixes_a_failing_record_from_the_return(site, two_plans):
    page = site.page
    site.sign_in("manager")
    site.goto("home")
    site.assert_accessible()
    site.follow(page.get_by_role("main").get_by_role("link", name="SEN2 return", exact=True))
    assert page.locator("h1").inner_text() == "SEN2 return"
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="SEN2 2026", exact=True))
    assert page.locator("h1").inner_text() == "SEN2 return 2026"
    site.assert_accessible()
    assert "1 error to fix" in page.get_by_role("main").inner_text()
    d01 = page.locator("#rule-D01")
    assert "Fails" in d01.inner_text() and "A UPN, a ULN or a UPNunknown reason" in d01.inner_text()
    # The failing rule narrows the list to its own problems.
    site.follow(d01.get_by_role("link", name="Show these problems of rule D01"))
    assert "Showing the problems of rule D01 only." in page.get_by_role("main").inner_text()
    site.assert_accessible()

    site.follow(page.get_by_role("link", name=re.compile(r"^Change the reason for no UPN")))
    assert page.locator("h1").inner_text() == "Change details"
    assert page.url.endswith("#upn_unknown")
    site.assert_accessible()
    page.get_by_label("New to the LA, UPN or ULN not yet known").check()
    site.follow(page.get_by_role("button", name="Save changes"))
    assert "The learner's details have been saved" in page.get_by_role("main").inner_text()
    site.assert_accessible()

    site.goto("home")
    site.follow(page.get_by_role("main").get_by_role("link", name="SEN2 return", exact=True))
    site.follow(page.get_by_role("link", name="SEN2 2026", exact=True))
    site.assert_accessible()
    assert "No errors." in page.locator("#no-errors").inner_text()
    assert "Passes" in page.locator("#rule-D01").inner_text()
