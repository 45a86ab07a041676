"""The demo's siting page has something to say: candidate sites at real Lambeth schools and
named sites, each located, and an exact answer that opens places for today's learners."""

from __future__ import annotations

import pytest

from sendplan.accounts.models import User
from sendplan.demo.build import build_demo, reset_demo
from sendplan.demo.siting import CANDIDATES
from sendplan.planning.models import CandidateSite
from sendplan.planning.siting import (
    CENTRAL,
    SitingQuestion,
    candidate_location,
    siting_answer,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        yield build_demo(seed=11)
        reset_demo()


def test_every_demo_candidate_is_built_at_its_host_or_site(demo):
    assert demo.counts["candidate sites"] == len(CANDIDATES) == CandidateSite.objects.count()
    for site in CandidateSite.objects.select_related("host_setting", "host_strand__setting"):
        assert candidate_location(site) is not None, site.name
        assert site.note.startswith("Demo: illustrative")
        if site.kind == CandidateSite.Kind.EXPAND_STRAND:
            assert site.host_strand.setting == site.host_setting, site.name
        elif site.kind != CandidateSite.Kind.NEW_SPECIAL_SCHOOL:
            assert site.host_setting.in_area, site.name


def test_the_commissioner_gets_an_exact_answer_that_opens_places(demo):
    commissioner = User.objects.get(username="demo.commissioner")
    answer = siting_answer(
        fetched_by=commissioner, question=SitingQuestion(None, CENTRAL, 5_000_000)
    )
    assert answer.status == "optimal" and answer.gap == 0
    assert answer.learners_today > 100
    assert 0 < answer.capital <= 5_000_000
    assert answer.places_added > 0 and answer.annual_saving > 0
    assert all(r.annual_saving and r.annual_saving > 0 for r in answer.chosen)
    assert answer.left_out == []
