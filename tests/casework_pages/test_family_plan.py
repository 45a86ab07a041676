"""The family's way to the issued plan: one click from their home page, from the page about
their case, and from the email's sign-in link; earlier versions one more click away."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendplan.casework.case.models import Stage
from tests.casework_pages.portal_builders import FINAL, at, make_case

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def _read_link(case) -> str:
    return f'href="{reverse("casework:plan", args=[case.plan.pk])}">Read Jamie\'s EHC plan</a>'


def _page(cast, user, url):
    with at(FINAL):
        response = cast.client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_issued_plan_is_one_click_from_the_parents_home_page(cast):
    with at(FINAL):
        case = make_case(cast, Stage.FINAL_ISSUED)
    home = _page(cast, cast.parent, HOME)
    link = _read_link(case)
    assert link in home
    plan = _page(cast, cast.parent, reverse("casework:plan", args=[case.plan.pk]))
    assert '<h1 class="govuk-heading-l">Education, health and care plan</h1>' in plan
    assert "(current)" in plan and "Issued</strong> on 12 May 2025" in plan


def test_the_family_case_page_leads_to_the_plan(cast):
    with at(FINAL):
        case = make_case(cast, Stage.FINAL_ISSUED)
    page = _page(cast, cast.parent, reverse("casework:family-case", args=[case.pk]))
    assert _read_link(case) in page
    # One version so far: no list of earlier ones to offer.
    assert "Earlier versions of the plan" not in page


def test_no_link_before_the_plan_is_issued(cast):
    with at(FINAL):
        make_case(cast, Stage.CONSULTING)
    assert "EHC plan</a>" not in _page(cast, cast.parent, HOME)


def test_another_parent_gets_no_link_to_it(cast):
    with at(FINAL):
        case = make_case(cast, Stage.FINAL_ISSUED)
    assert reverse("casework:plan", args=[case.plan.pk]) not in _page(cast, cast.other_parent, HOME)


def test_the_family_navigation_leads_to_their_pages_not_the_staff_search(cast):
    page = _page(cast, cast.parent, HOME)
    assert f'href="{reverse("casework:family-home")}"' in page
    assert f'href="{reverse("learners:list")}"' not in page


def test_the_familys_view_of_the_record_has_no_staff_codes(cast):
    with at(FINAL):
        case = make_case(cast, Stage.FINAL_ISSUED)
    url = reverse("learners:record", args=[cast.learner.pk])
    family = _page(cast, cast.parent, url)
    staff = _page(cast, cast.caseworker, url)
    for staff_words in ("SEN2 code", "(UPN)", "(LSOA)", f"Case {case.pk}"):
        assert staff_words in staff
        assert staff_words not in family
    assert reverse("casework:family-case", args=[case.pk]) in family


def test_a_plan_with_no_case_on_record_is_still_one_click_from_home(cast):
    """A plan issued before the service (moved in, or from long ago) has no case: the family
    still reach it from their home page and from "Your children"."""
    from sendplan.casework.case.models import Case
    from sendplan.casework.plans.models import Plan

    with at(FINAL):
        case = make_case(cast, Stage.FINAL_ISSUED)
    plan = case.plan
    # The case now belongs to a child this parent is not family for: theirs has a plan only.
    Plan.objects.filter(pk=plan.pk).update(case=None)
    Case.objects.filter(pk=case.pk).update(learner=cast.other_learner)
    link = f'href="{reverse("casework:plan", args=[plan.pk])}">Read Jamie\'s EHC plan</a>'
    assert link in _page(cast, cast.parent, HOME)
    children = _page(cast, cast.parent, reverse("casework:family-home"))
    assert link in children
    assert reverse("casework:family-case", args=[case.pk]) not in children
