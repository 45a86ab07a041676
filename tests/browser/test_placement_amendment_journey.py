"""A new place goes through the plan, never around it (issue 15, ADR 0139), walked from each
person's home page: the commissioner reads why the run proposed the place (ADR 0142) and
accepts it; the caseworker finds the proposed amendment in the work tray and sends it; the
parent reads what would change and why; once the family's 15 days have passed the caseworker
issues the amended plan, and only then does the child's placement move. axe on every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sendplan.casework.case.models import Stage
from sendplan.casework.plans.models import PlanVersion
from sendplan.learners.models import Placement
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.planning.runs import planning_run_request
from tests.casework.conftest import make_case
from tests.factories import SettingFactory, StrandFactory

pytestmark = pytest.mark.browser


def _proposal(cast, strand) -> Proposal:
    """A finished run proposing a move for the cast's learner from their current place."""
    run = planning_run_request(
        la=cast.la,
        requested_by=cast.la_colleague,
        cohort=CohortDefinition(on=timezone.localdate() + dt.timedelta(days=90)),
    )
    PlanningRun.objects.filter(pk=run.pk).update(
        status=PlanningRun.Status.DONE,
        started_at=timezone.now() - dt.timedelta(minutes=5),
        finished_at=timezone.now(),
    )
    current = Placement.objects.get(learner=cast.learner, ended_on__isnull=True)
    return Proposal.objects.create(
        run=run,
        learner=cast.learner,
        need="ASD",
        age=11,
        phase="secondary",
        reason_in_cohort="transfer",
        current_strand=current.strand,
        current_setting_name=current.setting.name,
        current_cost=40_000,
        proposed_strand=strand,
        proposed_setting=strand.setting,
        proposed_setting_name=strand.setting.name,
        proposed_kind="Special school",
        placed=True,
        km=2.5,
        place_cost=30_000,
        proposed_cost=31_000,
    )


def _fill_date(site, name: str, day: dt.date) -> None:
    site.page.locator(f"input[name={name}_day]").fill(str(day.day))
    site.page.locator(f"input[name={name}_month]").fill(str(day.month))
    site.page.locator(f"input[name={name}_year]").fill(str(day.year))


def test_an_accepted_proposal_reaches_the_family_and_moves_the_child_only_when_issued(site, cast):
    make_case(cast, Stage.FINAL_ISSUED)
    # The learner's placement was recorded long ago, so the run saw it as it is.
    Placement.objects.filter(learner=cast.learner).update(
        created_at=timezone.now() - dt.timedelta(days=400),
        modified_at=timezone.now() - dt.timedelta(days=400),
    )
    oak = StrandFactory(
        setting=SettingFactory(name="Oak Secondary (test)"), capacity=10, on_roll=4, needs=["ASD"]
    )
    proposal = _proposal(cast, oak)
    starts = timezone.localdate() + dt.timedelta(days=60)
    before = Placement.objects.get(learner=cast.learner, ended_on__isnull=True)

    # The commissioner accepts from the planning page.
    site.sign_in("manager")
    site.follow(site.page.get_by_role("link", name="Placement planning").first)
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name=f"Run {proposal.run_id}"))
    site.follow(site.page.get_by_role("link", name="Decide").first)
    # Why this place: the saving split into place and transport, and what the family will read.
    assert site.page.get_by_role("heading", name="Why this place").is_visible()
    assert site.page.get_by_role("row", name=re.compile("^Transport")).is_visible()
    site.page.get_by_text("What the family will read").click()
    assert site.page.get_by_text("can give Jamie the support set out in the plan").is_visible()
    site.assert_accessible()
    site.page.get_by_label("Accept: propose this place as an amendment to the plan").check()
    site.page.get_by_label("Reason for the decision").fill(
        "Oak is nearer home and has the same support."
    )
    _fill_date(site, "starts_on", starts)
    site.follow(site.page.get_by_role("button", name="Record the decision"))
    assert site.page.get_by_text("ready for the caseworker to send to the family").is_visible()
    site.assert_accessible()
    assert Placement.objects.get(learner=cast.learner, ended_on__isnull=True) == before

    # The caseworker finds it in the work tray and sends it to the family.
    site.page.context.clear_cookies()
    site.sign_in("caseworker")
    site.follow(site.page.get_by_role("link", name="Work tray").first)
    site.page.get_by_role("heading", name="Proposed amendments").wait_for()
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name=re.compile("proposed amendment of the plan")))
    assert site.page.get_by_text("Oak is nearer home and has the same support.").is_visible()
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Send the proposed amendments"))
    assert site.page.get_by_text("Oak Secondary (test)").first.is_visible()
    site.assert_accessible()
    _fill_date(site, "proposed_on", timezone.localdate())
    site.follow(site.page.get_by_role("button", name="Record that the proposals were sent"))
    assert site.page.get_by_text("They have until").is_visible()
    assert not site.page.get_by_role("link", name="Check and issue this version").count()
    site.assert_accessible()

    # The parent reads what would change from the plan on their home page.
    site.page.context.clear_cookies()
    site.sign_in("parent")
    site.follow(site.page.get_by_role("link", name="Read Jamie's EHC plan"))
    assert site.page.get_by_text("The council proposes to change this plan.").is_visible()
    assert site.page.get_by_role(
        "heading", name="Why the council proposes this school"
    ).is_visible()
    assert site.page.get_by_text("efficient use of its resources").is_visible()
    site.assert_accessible()
    site.follow(site.page.get_by_role("link", name="Read what would change"))
    assert site.page.get_by_text("Oak Secondary (test)").first.is_visible()
    site.assert_accessible()

    # Fifteen days on (the family's time to comment has run), the caseworker issues it.
    draft = PlanVersion.objects.get(plan__learner=cast.learner, status="draft")
    PlanVersion.objects.filter(pk=draft.pk).update(
        proposed_on=timezone.localdate() - dt.timedelta(days=16)
    )
    site.page.context.clear_cookies()
    site.sign_in("caseworker")
    site.follow(site.page.get_by_role("link", name="Work tray").first)
    assert site.page.get_by_text("Ready to issue").is_visible()
    site.follow(site.page.get_by_role("link", name=re.compile("proposed amendment of the plan")))
    site.follow(site.page.get_by_role("link", name="Check and issue this version"))
    _fill_date(site, "issued_on", timezone.localdate())
    site.follow(site.page.get_by_role("button", name="Continue"))
    site.assert_accessible()
    site.follow(site.page.get_by_role("button", name="Issue the plan"))
    site.assert_accessible()
    moved = Placement.objects.get(learner=cast.learner, ended_on__isnull=True)
    assert (moved.setting_id, moved.strand_id, moved.started_on) == (oak.setting_id, oak.pk, starts)
