"""The run page's "Places used by this run" (ADR 0141): the run's places, roll, held places
and vacancies against the sufficiency figure for the same day, and a plain warning when they
disagree."""

from __future__ import annotations

from django.urls import reverse

from sendplan.casework.models import Plan, PlanVersion
from sendplan.core.tasks import run_claim
from sendplan.planning.cohort import CohortDefinition
from sendplan.planning.models import PlanningRun
from sendplan.planning.runs import planning_run_execute, planning_run_request
from sendplan.planning.selectors import places_check
from sendplan.provision.places import places_on
from tests.factories import LearnerFactory
from tests.planning.conftest import NOW, PLAN_ISSUED, PLANNING_DATE


def _done_run(cast) -> PlanningRun:
    run = planning_run_request(
        la=cast.la, requested_by=cast.la_colleague, cohort=CohortDefinition(on=PLANNING_DATE)
    )
    run_claim(run=run)
    run = planning_run_execute(run)
    assert run.status == PlanningRun.Status.DONE, run.message
    return run


def test_the_run_stores_and_shows_the_places_it_used(cast, area):
    run = _done_run(cast)
    used = run.summary["places"]
    # Oak: 10 places, 9 on roll, 1 vacant. Elm: 10, full, 2 of them the run's transfers.
    # Far Independent: 5, full, 1 of them the run's learner due for review. The cast's school.
    strands = [area.oak.pk, area.elm.pk, area.independent.pk]
    assert set(strands) <= set(used["strand_ids"])
    figures = places_on(NOW.date(), strand_ids=used["strand_ids"])
    assert used["places"] == sum(f.places for f in figures)
    assert used["roll"] == sum(f.roll for f in figures)
    assert used["vacancies"] == sum(f.vacancies for f in figures)
    assert used["freed"] == 3 and used["held"] == used["roll"] - 3
    assert (
        used["placed"] == run.proposals.filter(placed=True, proposed_strand__isnull=False).count()
    )
    assert 0 < used["vacancies_used"] <= used["vacancies"] and used["strands_over"] == 0
    check = places_check(run)
    assert check is not None and check.disagreements == []
    assert check.sufficiency_vacancies == used["vacancies"]

    page = cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    assert b"Places used by this run" in page.content
    assert b"strands planned, on 28 November 2026" in page.content
    assert b"The run and the sufficiency figures agree" in page.content


def test_the_page_says_plainly_when_the_figures_no_longer_agree(cast, area):
    run = _done_run(cast)
    # Since the run, Oak's last vacancy was named in another learner's proposed amendment.
    plan = Plan.objects.create(
        learner=LearnerFactory(responsible_la=cast.la),
        status=Plan.Status.MAINTAINED,
        issued_on=PLAN_ISSUED,
    )
    PlanVersion.objects.create(
        plan=plan,
        number=2,
        status=PlanVersion.Status.DRAFT,
        placement_setting=area.oak.setting,
        placement_strand=area.oak,
        placement_from=PLANNING_DATE,
    )
    check = places_check(run)
    assert check is not None
    assert check.sufficiency_vacancies == run.summary["places"]["vacancies"] - 1
    assert len(check.disagreements) == 2  # other counts, and the run fills more than remain
    page = cast.client_for(cast.la_colleague).get(reverse("planning:run", args=[run.pk]))
    assert b"The run and the sufficiency figures disagree" in page.content
    assert b"Its saving cannot all be made" in page.content
