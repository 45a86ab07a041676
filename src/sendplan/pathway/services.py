"""Writes of the pathway: adulthood progress at a review, destinations, and the move to
adult care and health services. Keyword-only, inside a transaction, with the optimistic lock
of the row the form was built from."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.reviews.models import Review
from sendplan.core.dates import govuk_date
from sendplan.core.locking import lock_check
from sendplan.core.models import Tracked
from sendplan.learners.models import Learner
from sendplan.pathway.models import (
    OUTCOME_FIELDS,
    AdulthoodProgress,
    Destination,
    Progress,
    Transition,
)
from sendplan.provision.models import Setting


def _stamp(row: Tracked, *, changed_by: User) -> None:
    if row.pk is None:
        row.created_by = changed_by
    row.modified_by = changed_by
    row.full_clean()
    row.save()


@transaction.atomic
def adulthood_progress_record(
    *,
    review_id: int,
    progress: dict[str, tuple[str, str]],
    changed_by: User,
    expected_lock: int,
) -> AdulthoodProgress:
    """Record progress on the four outcomes at a review from Year 9.

    ``progress`` maps each outcome (``Outcome`` values) to its progress and a note. A review
    before Year 9 is refused: the duty starts in Year 9 (Regs 20(6), 21(6)).
    """
    review = Review.objects.select_related("plan__learner").get(pk=review_id)
    on = review.meeting_on or review.due_on
    if not review.preparing_for_adulthood and not clock.pfa_applies(
        review.plan.learner.date_of_birth, on=on
    ):
        raise TransitionRefused(
            "Progress on the adulthood outcomes is recorded at reviews from Year 9."
        )
    row = AdulthoodProgress.objects.select_for_update().filter(
        review=review
    ).first() or AdulthoodProgress(review=review)
    lock_check(row, expected=expected_lock)
    missing = [o for o in OUTCOME_FIELDS if o not in progress]
    if missing:
        raise ValueError(f"progress: no answer for {', '.join(missing)}")
    for outcome, (level, note) in progress.items():
        if level not in Progress.values:
            raise ValidationError({OUTCOME_FIELDS[outcome][0]: "Choose how far it has got."})
        level_field, note_field = OUTCOME_FIELDS[outcome]
        setattr(row, level_field, level)
        setattr(row, note_field, note.strip())
    _stamp(row, changed_by=changed_by)
    return row


@transaction.atomic
def destination_record(
    *,
    learner_id: int,
    stage: str,
    changed_by: User,
    expected_lock: int,
    planned_kind: str = "",
    planned_setting_id: int | None = None,
    actual_kind: str = "",
    actual_setting_id: int | None = None,
    actual_from: dt.date | None = None,
    note: str = "",
) -> Destination:
    """Record the planned and, once known, the actual destination at one stage."""
    learner = Learner.objects.get(pk=learner_id)
    if stage not in Destination.Stage.values:
        raise ValueError(f"stage: {stage!r} is not a stage of the pathway")
    row = Destination.objects.select_for_update().filter(
        learner=learner, stage=stage
    ).first() or Destination(learner=learner, stage=stage)
    lock_check(row, expected=expected_lock)
    errors: dict[str, str] = {}
    if planned_setting_id and not planned_kind:
        errors["planned_kind"] = "Choose the kind of destination the place offers."
    if actual_setting_id and not actual_kind:
        errors["actual_kind"] = "Choose the kind of destination the place offers."
    if actual_from and not actual_kind:
        errors["actual_kind"] = "Choose where the young person went."
    if actual_from and actual_from > timezone.localdate():
        errors["actual_from"] = "The date they started cannot be in the future."
    if actual_from and actual_from < learner.date_of_birth:
        errors["actual_from"] = (
            f"The date cannot be before the date of birth ({govuk_date(learner.date_of_birth)})."
        )
    for name, pk in (
        ("planned_setting", planned_setting_id),
        ("actual_setting", actual_setting_id),
    ):
        if pk and not Setting.objects.filter(pk=pk).exists():
            errors[name] = "Choose a place from the register."
    if errors:
        raise ValidationError(errors)
    row.planned_kind, row.planned_setting_id = planned_kind, planned_setting_id or None
    row.actual_kind, row.actual_setting_id = actual_kind, actual_setting_id or None
    row.actual_from, row.note = actual_from, note.strip()
    _stamp(row, changed_by=changed_by)
    return row


@transaction.atomic
def transition_record(
    *,
    learner_id: int,
    changed_by: User,
    expected_lock: int,
    likely_needs_adult_care: bool,
    care_act_requested_on: dt.date | None = None,
    care_act_completed_on: dt.date | None = None,
    health_transition: str = Transition.Health.NOT_STARTED,
    adult_health_from: dt.date | None = None,
    adult_health_lead: str = "",
) -> Transition:
    """Record the move to adult care and health services."""
    learner = Learner.objects.get(pk=learner_id)
    row = Transition.objects.select_for_update().filter(learner=learner).first() or Transition(
        learner=learner
    )
    lock_check(row, expected=expected_lock)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    for name, value in (
        ("care_act_requested_on", care_act_requested_on),
        ("care_act_completed_on", care_act_completed_on),
    ):
        if value and value > today:
            errors[name] = "The date cannot be in the future."
        elif value and value < learner.date_of_birth:
            errors[name] = "The date cannot be before the date of birth."
    if (
        care_act_completed_on
        and care_act_requested_on
        and (care_act_completed_on < care_act_requested_on)
    ):
        errors["care_act_completed_on"] = (
            "The assessment cannot be finished before it was asked for "
            f"({govuk_date(care_act_requested_on)})."
        )
    if health_transition == Transition.Health.MOVED and not adult_health_from:
        errors["adult_health_from"] = "Enter the date care moved to adult health services."
    if errors:
        raise ValidationError(errors)
    row.likely_needs_adult_care = likely_needs_adult_care
    row.care_act_requested_on, row.care_act_completed_on = (
        care_act_requested_on,
        care_act_completed_on,
    )
    row.health_transition, row.adult_health_from = health_transition, adult_health_from
    row.adult_health_lead = adult_health_lead.strip()
    _stamp(row, changed_by=changed_by)
    return row
