"""The accessibility statement and privacy notice: linked from every page's footer, open to
anyone, naming the contacts the service is configured with and saying plainly when none is."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SENDIASS = {
    "name": "Riverside SENDIASS",
    "phone": "020 7946 0123",
    "email": "advice@sendiass.example.org",
    "website": "https://sendiass.example.org/",
}
NO_SENDIASS = dict.fromkeys(SENDIASS, "")


def test_every_page_links_to_both_from_its_footer():
    page = Client().get(reverse("accounts:sign-in")).content.decode()
    assert f'href="{reverse("accessibility")}">Accessibility statement</a>' in page
    assert f'href="{reverse("privacy")}">Privacy notice</a>' in page


@pytest.mark.parametrize("name", ["accessibility", "privacy"])
def test_open_to_anyone_not_signed_in(name):
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@override_settings(
    ACCESSIBILITY_EMAIL="access@council.example.org",
    DATA_PROTECTION_EMAIL="dpo@council.example.org",
    SENDIASS=SENDIASS,
)
def test_they_name_the_configured_contacts():
    accessibility = Client().get(reverse("accessibility")).content.decode()
    privacy = Client().get(reverse("privacy")).content.decode()
    assert 'href="mailto:access@council.example.org"' in accessibility
    assert 'href="mailto:dpo@council.example.org"' in privacy
    for page in (accessibility, privacy):
        assert "Riverside SENDIASS gives free, impartial information" in page
        assert "Telephone: 020 7946 0123" in page


@override_settings(ACCESSIBILITY_EMAIL="", DATA_PROTECTION_EMAIL="", SENDIASS=NO_SENDIASS)
def test_without_contacts_they_say_whom_to_ask():
    accessibility = Client().get(reverse("accessibility")).content.decode()
    privacy = Client().get(reverse("privacy")).content.decode()
    assert "mailto:" not in accessibility + privacy
    assert "contact the council's SEND team" in accessibility
    assert "through the council's SEND team" in privacy
    assert "Ask the council's SEND team for its contact details." in privacy
