"""Suitable places on a learner's record: ranked settings with reasons, for section I."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendplan.learners.models import AuditEvent
from sendplan.provision.models import ProvisionStrand


def _url(learner, **query) -> str:
    url = reverse("planning:suitable-places", args=[learner.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_caseworker_sees_ranked_places_with_reasons(cast, area):
    learner = area.transfers[0]
    response = cast.client_for(cast.caseworker).get(_url(learner, when="september"))
    content = response.content.decode()
    assert response.status_code == 200
    # At 11 next September: Oak (one vacancy) is the cheapest suitable place; Elm (4 to 10)
    # would be cheaper but is the wrong age; Far Independent is dearer.
    assert "Oak Secondary" in content and "Cheapest suitable" in content
    assert "wrong age" in content
    assert content.index("Oak Secondary") < content.index("Far Independent")


def test_ranking_now_uses_todays_age(cast, area):
    learner = area.transfers[0]  # 10 today
    content = cast.client_for(cast.caseworker).get(_url(learner)).content.decode()
    assert "10 on 28 November 2026" in content
    # Elm frees this learner's own place, so it is suitable today.
    assert content.index("Elm Primary") < content.index("Cheapest suitable")


def test_full_setting_is_shown_as_full(cast, area):
    ProvisionStrand.objects.filter(pk=area.oak.pk).update(on_roll=10)
    content = (
        cast.client_for(cast.caseworker)
        .get(_url(area.transfers[0], when="september"))
        .content.decode()
    )
    assert "Not chosen: full" in content
    assert "No place in the register suits this learner" in content


def test_estimates_and_default_costs_are_labelled(cast, area):
    content = cast.client_for(cast.caseworker).get(_url(area.transfers[0])).content.decode()
    assert "Default cost, not the LA's figure" in content


def test_reading_suitable_places_writes_an_audit_event(cast, area):
    cast.client_for(cast.caseworker).get(_url(cast.learner))
    event = AuditEvent.objects.get(user=cast.caseworker)
    assert event.learner == cast.learner
    assert event.action == AuditEvent.Action.VIEW_RECORD


def test_la_colleague_may_read_suitable_places(cast, area):
    assert cast.client_for(cast.la_colleague).get(_url(cast.learner)).status_code == 200


@pytest.mark.parametrize("who", ["other_parent", "other_health", "other_senco"])
def test_outsider_gets_not_found(cast, who):
    assert cast.client_for(getattr(cast, who)).get(_url(cast.learner)).status_code == 404


@pytest.mark.parametrize("who", ["parent", "health", "senco"])
def test_involved_non_la_user_gets_forbidden(cast, who):
    assert cast.client_for(getattr(cast, who)).get(_url(cast.learner)).status_code == 403


def test_suitable_places_refuses_post(cast):
    assert cast.client_for(cast.caseworker).post(_url(cast.learner)).status_code == 405


def test_learner_without_a_primary_need_is_explained(cast, area):
    content = cast.client_for(cast.caseworker).get(_url(area.no_need)).content.decode()
    assert "no primary need recorded" in content
