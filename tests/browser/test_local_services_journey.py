"""A council caseworker adds a local service from the register page, first with a mistake
the form shows back, in a real browser with axe-core on each page (ADR 0147)."""

from __future__ import annotations

import pytest

from sendplan.provision.models import LocalService
from tests.browser.conftest import choose

pytestmark = pytest.mark.browser


def test_a_register_editor_adds_a_local_service_from_the_register(site, cast):
    site.sign_in("caseworker")
    site.goto("provision:register")
    site.assert_accessible()
    page = site.page
    site.follow(page.get_by_role("link", name="local services"))
    site.assert_accessible()
    site.follow(page.get_by_role("button", name="Add a local service"))
    site.assert_accessible()
    page.get_by_label("Name of the service").fill("Riverside speech and language therapy")
    choose(site, "Organisation that provides it", "NHS Tr", "Test NHS Trust")
    page.get_by_label("Speech and language therapy").check()
    page.get_by_label("What the service does").fill("Therapy for children who stammer.")
    page.get_by_label("Youngest age").fill("3")
    page.get_by_label("Oldest age").fill("16")
    page.get_by_label("Speech, language and communication needs (SLCN)").check()
    page.get_by_label("By referral", exact=True).check()
    site.follow(page.get_by_role("button", name="Save"))  # no way to reach it yet
    site.assert_accessible()
    assert page.title().startswith("Error:")
    assert page.get_by_label("Name of the service").input_value() == (
        "Riverside speech and language therapy"
    )
    page.get_by_label("Service email address").fill("salt.team@example.org")
    site.follow(page.get_by_role("button", name="Save"))
    site.assert_accessible()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Riverside speech and language therapy"
    )
    assert "salt.team@example.org" in page.content()
    assert LocalService.objects.get().created_by == cast.caseworker
    site.follow(page.get_by_role("link", name="Local services"))
    assert "Riverside speech and language therapy" in page.locator("table").inner_text()
    site.assert_accessible()
