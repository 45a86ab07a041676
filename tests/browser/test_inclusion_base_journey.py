"""A council caseworker finds a SEN unit in the register and converts it to an inclusion
base, in a real browser with axe-core on each page (ADR 0148)."""

from __future__ import annotations

import pytest

from sendplan.provision.models import ProvisionStrand
from tests.factories import SettingFactory, StrandFactory

pytestmark = pytest.mark.browser


def test_a_register_editor_converts_a_sen_unit_to_an_inclusion_base(site, cast):
    unit = StrandFactory(
        setting=SettingFactory(name="Brixton Hill Primary School"),
        kind=ProvisionStrand.Kind.SEN_UNIT,
        capacity=12,
        min_age=4,
        max_age=11,
    )
    site.sign_in("caseworker")
    page = site.page
    site.goto("home")
    site.follow(page.get_by_role("link", name="Register of places").first)
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="Brixton Hill Primary School"))
    site.assert_accessible()
    site.follow(page.get_by_role("link", name="SEN unit"))
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="Convert to inclusion base"))
    site.assert_accessible()
    assert page.locator("h1").inner_text() == "Convert these places to an inclusion base?"
    site.follow(page.get_by_role("button", name="Convert to inclusion base"))
    site.assert_accessible()
    assert page.locator("h1").inner_text() == "Inclusion base in a mainstream school"
    assert "Converted from SEN unit" in page.locator("main").inner_text()
    # The strand's history says who converted it.
    history = page.get_by_role("table", name="Changes to these places, newest first")
    latest = history.get_by_role("row").nth(1).inner_text()
    assert "Converted to an inclusion base (was SEN unit)" in latest
    assert cast.caseworker.display_name in latest
    unit.refresh_from_db()
    assert (unit.kind, unit.converted_from) == (
        ProvisionStrand.Kind.INCLUSION_BASE,
        ProvisionStrand.Kind.SEN_UNIT,
    )
    assert unit.modified_by == cast.caseworker
