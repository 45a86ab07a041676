"""The learner record's "Sharing and consent" section in a real browser, checked by axe."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sendplan.learners.models import ConsentToShare, SharingNotice
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


def test_record_shows_consent_and_sharing_notices_accessibly(site, cast):
    ConsentToShare.objects.create(
        learner=cast.learner,
        organisation=OrganisationFactory(name="Family Support (test)"),
        given_by="Mother",
        given_on=dt.date(2025, 1, 6),
        withdrawn_on=dt.date(2025, 3, 3),
    )
    SharingNotice.objects.create(
        learner=cast.learner,
        purpose=SharingNotice.Purpose.SHARE_HEALTH,
        told="Mother",
        told_on=dt.date(2024, 1, 10),
    )
    site.sign_in("caseworker")
    response = site.goto("learners:record", cast.learner.pk)
    assert response.status == 200
    main = site.page.locator("main")
    expect(main).to_contain_text("Consent to share outside the assessment and plan")
    expect(main).to_contain_text("Withdrawn on 3 March 2025")
    expect(main).to_contain_text("Shared with health for the assessment and plan")
    site.assert_accessible()
