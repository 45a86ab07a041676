"""A commissioner finds, from their home page, the providers plans name that the Local Offer
does not list, in a real browser with axe-core on each page (ADR 0143)."""

from __future__ import annotations

import datetime as dt

import pytest

from sendplan.accounts.models import Organisation
from sendplan.casework.plans.models import Plan, PlanProvision, PlanVersion
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


def test_commissioner_reaches_the_report_of_provision_not_in_the_local_offer(site, cast):
    trust = OrganisationFactory(name="Riverside NHS Trust", kind=Organisation.Kind.HEALTH)
    plan = Plan.objects.create(
        learner=cast.learner, status=Plan.Status.MAINTAINED, issued_on=dt.date(2025, 1, 10)
    )
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        status=PlanVersion.Status.ISSUED,
        issued_on=dt.date(2025, 1, 10),
        placement_setting=cast.setting,
    )
    for section, who, organisation in [
        ("F", "Class teacher", None),
        ("G", "Speech and language therapist", trust),
    ]:
        PlanProvision.objects.create(
            version=version,
            section=section,
            what="Support",
            how_much="30 minutes",
            how_often="weekly",
            delivered_by=who,
            delivered_by_organisation=organisation,
        )
    site.sign_in("manager")
    site.goto("home")
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Provision in plans not in the Local Offer"))
    site.assert_accessible()
    page = site.page
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Provision in plans not in the Local Offer"
    )
    row = page.locator("#unmatched-table tbody tr")
    assert row.count() == 1
    assert "Riverside NHS Trust" in row.first.inner_text()
    assert cast.learner.family_name not in page.content()
    download = page.get_by_role("link", name="Download this table (CSV)")
    assert download.get_attribute("href").endswith(".csv")
