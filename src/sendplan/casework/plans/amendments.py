"""Writes for an amendment proposed outside a review: a new place named in section I (from a
planning proposal a commissioner accepted), and sending the proposals to the family.

Nothing here moves a learner: the placement follows only when the amended plan is issued
(``services.plan_issue``; ADR 0139). An amendment after a review is started by the review's
decision instead, and its proposals are dated on the review.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sendplan.accounts.models import User
from sendplan.casework import clock, notifications
from sendplan.casework.case.services import DateChecks, save
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.casework.plans.services import _lock_draft, plan_version_new_draft
from sendplan.core.dates import govuk_date
from sendplan.provision.models import ProvisionStrand


@transaction.atomic
def placement_amendment_propose(
    *,
    plan_id: int,
    strand_id: int,
    placement_from: dt.date,
    reason: str,
    changed_by: User,
    explanation: str = "",
) -> PlanVersion:
    """Open a draft amendment of the learner's plan naming ``strand``'s setting in section I
    from ``placement_from``, with the reason kept for the family to read, and
    ``explanation``: why this place in plain words, frozen as it was when the proposal was
    accepted (ADR 0142).

    Refused (``TransitionRefused``) when the plan is not maintained or already has a draft:
    one amendment at a time, finished or discarded before the next.
    """
    strand = ProvisionStrand.objects.select_related("setting").get(pk=strand_id)
    draft = plan_version_new_draft(plan_id=plan_id, changed_by=changed_by)
    draft.placement_setting = strand.setting
    draft.placement_strand = strand
    draft.placement_type = strand.get_kind_display()
    draft.placement_from = placement_from
    draft.amendment_reason = reason.strip()
    draft.placement_explanation = explanation.strip()
    save(draft, changed_by=changed_by)
    return draft


@transaction.atomic
def amendment_proposals_send(
    *, version_id: int, expected_lock: int, proposed_on: dt.date, changed_by: User
) -> PlanVersion:
    """Record the day the proposed amendments went to the family, who then have 15 days to
    comment, ask for a particular school and ask for a meeting (Reg 22); tell them."""
    version = _lock_draft(version_id=version_id, expected_lock=expected_lock, changed_by=changed_by)
    if version.purpose != PlanVersion.Purpose.AMENDMENT or version.review_id is not None:
        raise TransitionRefused(
            "Only an amendment proposed outside a review is sent from here; a review's "
            "proposals are sent with its decision."
        )
    if version.proposed_on is not None:
        raise TransitionRefused(
            f"The proposals were already sent on {govuk_date(version.proposed_on)}."
        )
    checks = DateChecks()
    checks.past("proposed_on", proposed_on, "the proposals were sent")
    checks.not_before("proposed_on", proposed_on, version.created_at.date(), "the draft")
    checks.raise_if_any()
    version.proposed_on = proposed_on
    save(version, changed_by=changed_by)
    plan = Plan.objects.select_related("learner").get(pk=version.plan_id)
    notifications.amendment_proposed(
        plan.learner,
        comments_by=clock.due("amendment_representations", proposed_on),
        reference=plan.case_id or plan.pk,
        plan_id=plan.pk,
    )
    return version
