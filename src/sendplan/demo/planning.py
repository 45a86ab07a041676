"""The demo area's planning run, with one proposal the commissioner has accepted.

The run is the one a commissioner would start from the planning page: next September's
cohort with the area's own figures. One proposal that moves a learner at a phase transfer is
accepted, which starts a proposed amendment of their plan naming the new place in section I
(ADR 0139); the caseworker finds it in the tray under "Proposed amendments", and nobody's
placement changes until the amended plan is issued.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from sendplan.accounts.models import Organisation, User
from sendplan.casework.plans.models import Plan
from sendplan.core.tasks import run_claim
from sendplan.planning.cohort import PHASE_TRANSFER, CohortDefinition, next_september, planning_date
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.planning.runs import planning_run_execute, planning_run_request
from sendplan.planning.services import DecisionRefused, proposal_decide

#: What the commissioner wrote when accepting: the family read it as the reason for the
#: proposed change, so it is written for them.
ACCEPTED_BECAUSE = (
    "Your child moves on to the next stage of their education this September. The school we propose "
    "is designated for their needs, has a place for them from September, and costs the "
    "area less than the place they have now."
)


def build_planning(*, la: Organisation, commissioner: User, as_at: dt.date) -> dict[str, int]:
    """Run the area's planning for next September and accept one phase-transfer move."""
    run = planning_run_request(
        la=la, requested_by=commissioner, cohort=CohortDefinition(on=planning_date(as_at))
    )
    run_claim(run=run)
    run = planning_run_execute(run)
    if run.status != PlanningRun.Status.DONE:
        raise RuntimeError(f"The demo's planning run failed: {run.message}")
    accepted = 0
    with_a_plan = Plan.objects.filter(status=Plan.Status.MAINTAINED).values("learner")
    movers = (
        Proposal.objects.filter(
            run=run,
            reason_in_cohort=PHASE_TRANSFER,
            proposed_strand__isnull=False,
            current_strand__isnull=False,
            proposed_cost__lt=F("current_cost"),
            learner__in=with_a_plan,
        )
        .exclude(proposed_strand__setting=F("current_strand__setting"))
        .order_by("pk")
    )
    for proposal in movers[:20]:
        try:
            proposal_decide(
                proposal_id=proposal.pk,
                decision="accept",
                reason=ACCEPTED_BECAUSE,
                starts_on=next_september(as_at),
                decided_by=commissioner,
            )
        except DecisionRefused:
            continue
        accepted = 1
        break
    return {"planning runs": 1, "proposals accepted": accepted}
