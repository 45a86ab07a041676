"""Writes to the LA's planning figures and officers' decisions on proposals.

Planning runs are in ``runs.py`` and never change a placement; neither does anything here.
A named officer accepting a proposal (:func:`proposal_decide`; DESIGN.md: the optimiser
proposes, people decide) starts a proposed amendment of the learner's plan, and only the
amended plan, once issued, moves the learner (ADR 0139).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sendplan.accounts.models import Organisation, User
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.amendments import placement_amendment_propose
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.core.dates import govuk_date
from sendplan.core.locking import lock_check
from sendplan.learners.models import Learner, Placement
from sendplan.planning.explain import family_words, proposal_explanation
from sendplan.planning.models import AreaPlanningSettings, CandidateSite, PlanningRun, Proposal
from sendplan.provision.models import ProvisionStrand
from sendplan.provision.places import places_on


@transaction.atomic
def area_settings_update(
    *,
    la: Organisation,
    changed_by: User,
    expected_lock: int,
    cost_per_km: int,
    unplaced_cost: int,
    max_km: int,
    new_plan_months: int | None = None,
    independent_review: bool | None = None,
) -> AreaPlanningSettings:
    """Save the LA's planning figures and who may move in its runs (``None`` keeps a rule as
    it is); ``expected_lock`` is the one the form showed (0 for the unsaved defaults). Every
    version is kept with who saved it."""
    current = AreaPlanningSettings.objects.select_for_update().filter(la=la).first()
    if current is None:
        current = AreaPlanningSettings(la=la, created_by=changed_by)
    lock_check(current, expected=expected_lock)
    current.cost_per_km = cost_per_km
    current.unplaced_cost = unplaced_cost
    current.max_km = max_km
    if new_plan_months is not None:
        current.new_plan_months = new_plan_months
    if independent_review is not None:
        current.independent_review = independent_review
    current.modified_by = changed_by
    current.full_clean()
    current._history_user = changed_by  # type: ignore[attr-defined]
    current.save()
    return current


#: What a candidate site's form may set (``candidate_site_save``); the LA is the saver's.
CANDIDATE_SITE_FIELDS = frozenset(
    {
        "name", "kind", "host_setting_id", "lsoa_code", "latitude", "longitude", "needs",
        "min_age", "max_age", "block_places", "max_blocks", "capital_per_block",
        "annual_cost_per_place", "note", "is_active",
    }
)  # fmt: skip


@transaction.atomic
def candidate_site_save(
    *,
    la: Organisation,
    changed_by: User,
    expected_lock: int,
    pk: int | None = None,
    **values: Any,
) -> CandidateSite:
    """Add a candidate site to the LA's register (``pk`` None) or change one of its own
    (ADR 0140). ``values`` are :data:`CANDIDATE_SITE_FIELDS`; a save built from an older read
    is refused (``StaleEdit``); every version is kept with who saved it. Who may plan for
    ``la`` is for the caller to check (``selectors.planning_la``)."""
    unknown = set(values) - CANDIDATE_SITE_FIELDS
    if unknown:
        raise ValueError(f"not fields of a candidate site: {', '.join(sorted(unknown))}")
    if pk is None:
        row = CandidateSite(la=la, created_by=changed_by)
    else:
        row = CandidateSite.objects.select_for_update().get(pk=pk, la=la)
    lock_check(row, expected=expected_lock)
    for name, value in values.items():
        setattr(row, name, value)
    row.modified_by = changed_by
    row.full_clean()
    row._history_user = changed_by  # type: ignore[attr-defined]
    row.save()
    return row


class DecisionRefused(Exception):
    """A decision on a proposal that cannot be recorded; the message says why, in plain
    English, for the officer who tried."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@transaction.atomic
def proposal_decide(
    *,
    proposal_id: int,
    decision: Literal["accept", "reject"],
    reason: str,
    starts_on: dt.date | None,
    decided_by: User,
) -> Proposal:
    """Record a named officer's decision on one proposal.

    Rejecting records the reason only. Accepting starts the statutory route, never a move: a
    proposed amendment of the learner's plan naming the proposed place in section I from
    ``starts_on`` (ADR 0139); the placement follows only when that amendment is issued.
    Both are refused (:class:`DecisionRefused`) unless the run finished, the proposal is
    still undecided and the learner's placement is as the run saw it; accepting also needs
    a maintained plan with no draft open and a vacancy in the proposed strand now. Who may
    decide is for the caller to check.
    """
    if decision not in ("accept", "reject"):
        raise ValueError(f"decision must be 'accept' or 'reject', not {decision!r}")
    reason = reason.strip()
    # Lock the proposal: two officers deciding at once are taken one after the other.
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("run")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise DecisionRefused("There is no such proposal.")
    run = proposal.run
    if run.status != PlanningRun.Status.DONE:
        raise DecisionRefused("Only proposals from a finished planning run can be decided.")
    if run.is_what_if:
        raise DecisionRefused(
            "This run tests places the area does not have yet. Decide on proposals from a "
            "planning run of today's places."
        )
    if proposal.is_decided:
        raise DecisionRefused(
            f"This proposal was already {proposal.get_decision_display().lower()}."
        )
    current = _current_placement_as_run_saw_it(proposal, run)
    now = timezone.now()
    if decision == "reject":
        if not reason:
            raise DecisionRefused("Enter the reason for rejecting the proposal.")
        proposal.decision = Proposal.Decision.REJECTED
    else:
        proposal.amendment = _propose_amendment(proposal, current, starts_on, reason, decided_by)
        proposal.decision = Proposal.Decision.ACCEPTED
        proposal.starts_on = starts_on
    proposal.decision_reason = reason
    proposal.decided_by = decided_by
    proposal.decided_at = now
    proposal.save(
        update_fields=[
            "decision",
            "decision_reason",
            "decided_by",
            "decided_at",
            "starts_on",
            "amendment",
        ]
    )
    return proposal


def _current_placement_as_run_saw_it(proposal: Proposal, run: PlanningRun) -> Placement | None:
    """The learner's open placement, locked; refused if it is not the one the run planned
    from (optimistic check: another placement, or one created or changed since the run)."""
    current = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("setting")
        .filter(learner_id=proposal.learner_id, ended_on__isnull=True)
        .first()
    )
    since = run.started_at or run.created_at
    later = Placement.objects.filter(learner_id=proposal.learner_id).filter(
        Q(created_at__gt=since) | Q(modified_at__gt=since)
    )
    run_saw_none = proposal.current_strand_id is None and not proposal.current_setting_name
    if current is None:
        same = run_saw_none
    else:
        # A placement with no strand can only be told apart by its setting's name.
        same = not run_saw_none and current.strand_id == proposal.current_strand_id
        if same and current.strand_id is None:
            same = current.setting.name == proposal.current_setting_name
    if not same or later.exists():
        raise DecisionRefused(
            "The learner's placement has changed since this planning run. Start a new run "
            "to plan from their placement now."
        )
    return current


def _propose_amendment(
    proposal: Proposal,
    current: Placement | None,
    starts_on: dt.date | None,
    reason: str,
    officer: User,
) -> PlanVersion:
    if not proposal.placed or proposal.proposed_strand_id is None:
        raise DecisionRefused(
            "This proposal has no local place to accept. Reject it and record the decision "
            "on the learner's record."
        )
    if starts_on is None:
        raise DecisionRefused("Enter the date the learner would start at the new place.")
    if current is not None and current.strand_id == proposal.proposed_strand_id:
        raise DecisionRefused(
            "The proposal keeps the learner at their current place, so there is nothing to change."
        )
    if current is not None and starts_on <= current.started_on:
        raise DecisionRefused(
            f"The new place must start after the current one started "
            f"({govuk_date(current.started_on)})."
        )
    strand = (
        ProvisionStrand.objects.select_for_update(of=("self",))
        .select_related("setting")
        .get(pk=proposal.proposed_strand_id)
    )
    if not strand.setting.is_open:
        raise DecisionRefused(f"{strand.setting.name} is no longer open.")
    # Vacancies today as the register and sufficiency count them (ADR 0141): a place named
    # in an amendment not yet issued is held for that learner, not vacant.
    today = places_on(timezone.localdate(), strand_ids=[strand.pk])[0]
    held = today.promised
    if today.vacancies < 1:
        raise DecisionRefused(
            f"{strand.get_kind_display()} at {strand.setting.name} has no vacancy left now"
            + (f" ({held} held for proposed amendments)." if held else ".")
        )
    plan = (
        Plan.objects.filter(learner_id=proposal.learner_id, status=Plan.Status.MAINTAINED)
        .order_by("-pk")
        .first()
    )
    if plan is None:
        raise DecisionRefused(
            "The learner has no maintained EHC plan on record, so there is no section I to "
            "amend. Reject the proposal, or record the plan first."
        )
    try:
        return placement_amendment_propose(
            plan_id=plan.pk,
            strand_id=strand.pk,
            placement_from=starts_on,
            reason=reason
            or f"A place at {strand.setting.name} ({strand.get_kind_display()}) was proposed "
            f"by the area's planning run of {govuk_date(proposal.run.created_at.date())}.",
            changed_by=officer,
            explanation=family_words(
                proposal_explanation(proposal), child=Learner.objects.get(pk=proposal.learner_id)
            ),
        )
    except TransitionRefused as refused:
        raise DecisionRefused(refused.message) from refused
