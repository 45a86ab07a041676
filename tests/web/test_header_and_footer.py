"""The header carries the partnership's name, or the service's until it has one, and only a
demonstration says in the footer that its learners are synthetic."""

from __future__ import annotations

import pytest
from django.urls import reverse

SIGN_IN = reverse("accounts:sign-in")


def _page(client) -> str:
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_partnership_that_has_not_named_itself_shows_the_service_name(client, settings):
    settings.SERVICE_NAME = "SENDplan"
    settings.PARTNERSHIP_NAME = "SENDplan"
    settings.SENDPLAN_DEMO = False
    html = _page(client)
    assert 'sp-header__partnership">SENDplan</a>' in html
    assert '<p class="govuk-body-s">SENDplan.</p>' in html
    assert "synthetic" not in html


@pytest.mark.django_db
def test_the_demo_names_its_partnership_and_says_its_learners_are_synthetic(client, settings):
    settings.SERVICE_NAME = "SENDplan"
    settings.PARTNERSHIP_NAME = "Lambeth SEND Partnership (demo)"
    settings.SENDPLAN_DEMO = True
    html = _page(client)
    assert 'sp-header__partnership">Lambeth SEND Partnership (demo)</a>' in html
    assert (
        "SENDplan for Lambeth SEND Partnership (demo). All learners in this demonstration are "
        "synthetic." in html
    )
