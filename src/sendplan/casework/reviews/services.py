"""Writes of reviews: scheduling a review (with phase transfers), the meeting, the authority's
decision and ceasing to maintain the plan.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.case.models import Stage
from sendplan.casework.case.services import DateChecks, save
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import CeaseReason, Plan, PlanVersion
from sendplan.casework.reviews.models import Review
from sendplan.core.dates import govuk_date
from sendplan.core.locking import lock_bump, lock_check
from sendplan.engine import ADULTHOOD_RULES, cease_needs_outcomes_considered

OUTCOMES_NOT_CONSIDERED = (
    "Confirm that the education and training outcomes in the plan were considered: the young "
    f"person is 18 or over ({ADULTHOOD_RULES['cease_over_18_outcomes'].basis})."
)

#: Cease reasons after which the family has no appeal to wait for.
_NO_APPEAL = frozenset({CeaseReason.TRANSFERRED_LA, CeaseReason.LEFT_ENGLAND, CeaseReason.DECEASED})


def _lock_plan(plan_id: int) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("learner").get(pk=plan_id)


def _anchor(plan: Plan) -> dt.date:
    """The plan's issue or the last review meeting: the 12 months run from the later."""
    last = (
        plan.reviews.filter(meeting_on__isnull=False)
        .order_by("-meeting_on")
        .values_list("meeting_on", flat=True)
        .first()
    )
    assert plan.issued_on is not None
    return max(plan.issued_on, last) if last else plan.issued_on


def _plan_transfer(review: Review, plan: Plan, anchor: dt.date) -> None:
    """Make this review the phase-transfer review when the transfer deadline falls in it."""
    if review.transfer:
        deadline = clock.phase_transfer_due(
            transfer=review.transfer,  # type: ignore[arg-type]
            transfer_year=review.transfer_year,
            transfer_date=review.transfer_date,
        )
    else:
        nxt = clock.next_phase_transfer(plan.learner.date_of_birth, on=anchor)
        if nxt is None or not anchor <= nxt.due <= review.due_on:
            return
        review.transfer, review.transfer_year = nxt.transfer, nxt.transfer_year
        deadline = clock.phase_transfer_due(transfer=nxt.transfer, transfer_year=nxt.transfer_year)
    review.transfer_due_on = deadline.due


def _lock(review: Review, expected_lock: int | None) -> None:
    # Called with the plan's or the review's row lock held, before anything is changed.
    if expected_lock is None:
        lock_bump(review)
    else:
        lock_check(review, expected=expected_lock)


@transaction.atomic
def review_schedule(
    *,
    plan_id: int,
    changed_by: User,
    meeting_on: dt.date | None = None,
    invitations_sent_on: dt.date | None = None,
    transfer: str = "",
    transfer_year: int | None = None,
    transfer_date: dt.date | None = None,
    expected_lock: int | None = None,
) -> Review:
    """Open the plan's next review, or plan the meeting of the open one.

    From the schedule form, ``expected_lock`` is the lock of the open review the user read
    (0 when there was none): a save after someone else's is refused with ``StaleEdit``.
    Without it (the review opened when a plan is issued) nothing is checked.

    The review is due 12 months from the plan or the last review meeting (CFA s44); when a
    phase transfer falls in that year its deadline (Reg 18) is set too. A planned meeting needs
    invitations sent at least 2 weeks before it (Regs 20(2), 21(2)).
    """
    plan = _lock_plan(plan_id)
    if plan.status != Plan.Status.MAINTAINED:
        raise TransitionRefused("Only a maintained plan is reviewed.")
    review = plan.reviews.filter(decided_on__isnull=True).first()
    if review is None:
        anchor = _anchor(plan)
        review = Review(plan=plan, due_on=clock.due(clock.ANNUAL_REVIEW, anchor))
        created = True
    else:
        anchor, created = plan.issued_on, False  # type: ignore[assignment]
    _lock(review, expected_lock)
    if transfer:
        review.transfer, review.transfer_year, review.transfer_date = (
            transfer,
            transfer_year,
            transfer_date,
        )
    checks = DateChecks()
    if meeting_on is not None:
        checks.not_before("meeting_on", meeting_on, plan.issued_on, "the plan was issued")
        notice_by = clock.due(clock.REVIEW_INVITATIONS, meeting_on)
        sent = invitations_sent_on or review.invitations_sent_on
        checks.past("invitations_sent_on", invitations_sent_on, "the invitations were sent")
        if sent is None or sent > notice_by:
            checks.add(
                "invitations_sent_on",
                f"Invitations must go out by {govuk_date(notice_by)}, 2 weeks before the meeting "
                "(Regs 20(2), 21(2)).",
            )
        review.meeting_on = meeting_on
        review.invitations_sent_on = sent
    checks.raise_if_any()
    try:
        _plan_transfer(review, plan, anchor)  # type: ignore[arg-type]
    except ValueError as exc:
        checks.add("transfer", str(exc))
        checks.raise_if_any()
    review.preparing_for_adulthood = clock.pfa_applies(
        plan.learner.date_of_birth, on=review.meeting_on or review.due_on
    )
    save(review, changed_by=changed_by, created=created)
    return review


@transaction.atomic
def review_record_meeting(
    *,
    review_id: int,
    meeting_on: dt.date,
    changed_by: User,
    invitations_sent_on: dt.date | None = None,
    report_received_on: dt.date | None = None,
    expected_lock: int | None = None,
) -> Review:
    """The review meeting was held: the report is due in 2 weeks, the decision in 4.

    ``expected_lock`` is the lock of the review the form was read at, as for scheduling."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("plan__learner")
        .get(pk=review_id)
    )
    if review.decided_on is not None:
        raise TransitionRefused("This review has already been decided.")
    _lock(review, expected_lock)
    checks = DateChecks()
    checks.past("meeting_on", meeting_on, "of the meeting")
    checks.not_before("meeting_on", meeting_on, review.plan.issued_on, "the plan was issued")
    sent = invitations_sent_on or review.invitations_sent_on
    checks.not_before("meeting_on", meeting_on, sent, "the invitations")
    checks.past("report_received_on", report_received_on, "the report arrived")
    checks.not_before("report_received_on", report_received_on, meeting_on, "the meeting")
    checks.raise_if_any()
    review.meeting_on, review.invitations_sent_on = meeting_on, sent
    review.report_due_on = clock.due(clock.REVIEW_REPORT, meeting_on)
    review.decision_due_on = clock.due(clock.REVIEW_DECISION, meeting_on)
    review.report_received_on = report_received_on or review.report_received_on
    review.preparing_for_adulthood = clock.pfa_applies(
        review.plan.learner.date_of_birth, on=meeting_on
    )
    save(review, changed_by=changed_by)
    return review


@transaction.atomic
def review_decide(
    *,
    review_id: int,
    decision: str,
    decided_on: dt.date,
    changed_by: User,
    reasons: str = "",
    amendment_proposed_on: dt.date | None = None,
) -> Review:
    """Notify the decision after the review: maintain, amend (with the proposals) or cease.

    Amending opens a new draft copied from the issued plan, due 8 weeks from the proposals
    and no later than 12 weeks from the meeting (Reg 22; Devon 2022). The next review is
    opened at once, due 12 months from this meeting.
    """
    review = Review.objects.select_for_update(of=("self",)).select_related("plan").get(pk=review_id)
    if review.decided_on is not None:
        raise TransitionRefused("This review has already been decided.")
    if review.meeting_on is None:
        raise TransitionRefused("A review decision follows the review meeting: record it first.")
    checks = DateChecks()
    checks.past("decided_on", decided_on, "of the decision")
    checks.not_before("decided_on", decided_on, review.meeting_on, "the review meeting")
    if decision == Review.Decision.AMEND:
        checks.required(
            "amendment_proposed_on",
            amendment_proposed_on,
            "An amendment decision is sent with the proposed amendments: give their date.",
        )
        checks.not_before(
            "amendment_proposed_on", amendment_proposed_on, review.meeting_on, "the meeting"
        )
        checks.past("amendment_proposed_on", amendment_proposed_on, "the proposals were sent")
    if decision == Review.Decision.CEASE:
        checks.required("reasons", reasons, "Give the reasons for ceasing to maintain the plan.")
    if review.changes.filter(answer="").exists():
        checks.add("decision", "Accept or reject each change the review proposed first.")
    checks.raise_if_any()
    review.decision, review.decided_on, review.decision_reasons = decision, decided_on, reasons
    if decision == Review.Decision.AMEND:
        assert amendment_proposed_on is not None
        deadline = clock.amended_plan_due(
            proposed_on=amendment_proposed_on, meeting_on=review.meeting_on
        )
        review.amendment_proposed_on = amendment_proposed_on
        review.amended_plan_due_on, review.amended_plan_due_rule = deadline.due, deadline.rule
    save(review, changed_by=changed_by)
    plan = _lock_plan(review.plan_id)
    if decision == Review.Decision.CEASE:
        plan.cease_decided_on = decided_on
        save(plan, changed_by=changed_by)
        return review
    if decision == Review.Decision.AMEND:
        from sendplan.casework.plans.services import plan_version_new_draft
        from sendplan.casework.reviews.setting_services import changes_apply

        draft = plan_version_new_draft(
            plan_id=plan.pk,
            changed_by=changed_by,
            purpose=PlanVersion.Purpose.AMENDMENT,
            review=review,
        )
        # The changes the caseworker accepted from the review report (ADR 0134).
        changes_apply(review=review, draft=draft, changed_by=changed_by)
    review_schedule(plan_id=plan.pk, changed_by=changed_by)
    return review


@transaction.atomic
def plan_cease(
    *,
    plan_id: int,
    ceased_on: dt.date,
    reason: int,
    changed_by: User,
    detail: str = "",
    decided_on: dt.date | None = None,
    appeal_concluded: bool = False,
    outcomes_considered: bool = False,
) -> Plan:
    """Cease to maintain the plan, with its SEN2 cease reason (CFA s45; Regs 29–31).

    For a young person 18 or over, ``outcomes_considered`` confirms that the education and
    training outcomes were considered (the engine's ``cease_over_18_outcomes`` rule).

    The plan stays maintained until the time to appeal has passed (or an appeal has ended), so
    an earlier ceasing date is refused unless ``appeal_concluded``; no appeal is waited for
    after a move to another area or a death.
    """
    plan = _lock_plan(plan_id)
    if plan.status != Plan.Status.MAINTAINED:
        raise TransitionRefused("Only a maintained plan can cease.")
    decided = decided_on or plan.cease_decided_on
    checks = DateChecks()
    checks.required("decided_on", decided, "Record the decision to cease first.")
    checks.past("ceased_on", ceased_on, "the plan ceased")
    checks.not_before("ceased_on", ceased_on, decided, "the decision to cease")
    if reason not in CeaseReason.values:
        checks.add("reason", "Choose one of the SEN2 cease reasons.")
    if reason == CeaseReason.OTHER:
        checks.required("detail", detail, "Say why, when the reason is 'other'.")
    if reason == CeaseReason.MAXIMUM_AGE:
        end = clock.maximum_age_end(plan.learner.date_of_birth)
        if ceased_on < end:
            checks.add(
                "reason",
                f"The plan may continue to {govuk_date(end)}, the end of the academic year in "
                "which the young person turns 25.",
            )
    if (
        reason in CeaseReason.values
        and not outcomes_considered
        and cease_needs_outcomes_considered(
            date_of_birth=plan.learner.date_of_birth, on=ceased_on, reason=reason
        )
    ):
        checks.add("outcomes_considered", OUTCOMES_NOT_CONSIDERED)
    if decided and reason not in _NO_APPEAL and not appeal_concluded:
        keep_until = clock.due(clock.CEASING_MAINTAINED, decided)
        if ceased_on < keep_until:
            checks.add(
                "ceased_on",
                "The plan is maintained until the time to appeal has passed "
                f"({govuk_date(keep_until)}) or an appeal has ended.",
            )
    checks.raise_if_any()
    plan.status, plan.ceased_on, plan.cease_reason = Plan.Status.CEASED, ceased_on, reason
    plan.cease_decided_on, plan.cease_detail = decided, detail
    save(plan, changed_by=changed_by)
    plan.versions.filter(status=PlanVersion.Status.DRAFT).update(
        status=PlanVersion.Status.DISCARDED, modified_by=changed_by
    )
    # A review not yet held is a plan for the future, not a record: it goes with the plan.
    plan.reviews.filter(decided_on__isnull=True, meeting_on__isnull=True).delete()
    if plan.case is not None and plan.case.stage == Stage.FINAL_ISSUED:
        case = plan.case
        case.stage, case.closed_on = Stage.CLOSED, ceased_on
        case.closed_reason = f"Plan ceased: {CeaseReason(reason).label}"
        lock_bump(case)
        save(case, changed_by=changed_by)
    return plan
