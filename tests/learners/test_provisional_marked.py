"""A record made by an online request is marked provisional to staff until a caseworker
confirms or merges it; the family's own view does not carry staff words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

TAG = '<strong class="govuk-tag govuk-tag--yellow">Provisional</strong>'


def _page(cast, user, url) -> str:
    response = cast.client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_staff_see_a_provisional_record_marked_in_the_list_and_on_the_record(cast):
    new = LearnerFactory(given_name="Amira", family_name="New-Test", responsible_la=cast.la,
                         provisional=True)  # fmt: skip
    listing = _page(cast, cast.caseworker, reverse("learners:list"))
    row = listing[listing.index("Amira") :].split("</th>")[0]
    assert TAG in row
    known = listing[listing.index(cast.learner.given_name) :].split("</th>")[0]
    assert TAG not in known
    record = _page(cast, cast.caseworker, reverse("learners:record", args=[new.pk]))
    assert TAG in record and "has not yet confirmed it" in record


def test_a_confirmed_record_is_not_marked(cast):
    record = _page(cast, cast.caseworker, reverse("learners:record", args=[cast.learner.pk]))
    assert TAG not in record
