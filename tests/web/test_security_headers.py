"""Every page says: do not store me, do not sniff me, do not frame me, and which sources to
trust (ASVS 14.3.2, 3.4)."""

from __future__ import annotations

import pytest
from django.urls import reverse


def _check(response) -> None:
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("who", "page"),
    [
        ("caseworker", "home"),
        ("caseworker", "learners:list"),
        ("caseworker", "learners:record"),
        ("caseworker", "casework:tray"),
        ("la_colleague", "provision:register"),
        ("parent", "learners:record"),
    ],
)
def test_signed_in_pages_are_not_stored(cast, who: str, page: str) -> None:
    args = [cast.learner.pk] if page == "learners:record" else []
    _check(cast.client_for(getattr(cast, who)).get(reverse(page, args=args)))


@pytest.mark.django_db
def test_the_sign_in_page_is_not_stored_either(client) -> None:
    _check(client.get(reverse("accounts:sign-in")))
