"""Writes on a case: the request, the decision to assess, the decision not to issue, lawful
exceptions, withdrawal and closure; and the helpers every casework service shares (date
checks, the case lock, stage moves, saving with who changed it).

Every function is keyword-only, atomic, validates in full and refuses illegal stage moves
with :class:`~sendplan.casework.errors.TransitionRefused`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import clock, notifications
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import OPEN_STAGES, TERMINAL_STAGES, Case, CaseException, Stage
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.plans.models import Plan
from sendplan.core.dates import govuk_date
from sendplan.core.locking import lock_bump
from sendplan.learners.models import Involvement, Learner


def today() -> dt.date:
    return timezone.localdate()


class DateChecks:
    """Collects field-level date problems and raises them together as one ValidationError."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def past(self, field: str, value: dt.date | None, what: str) -> None:
        """An event that has happened cannot be dated in the future."""
        if value is not None and value > today():
            self.add(field, f"The date {what} cannot be in the future.")

    def not_before(
        self, field: str, value: dt.date | None, earlier: dt.date | None, what: str
    ) -> None:
        if value is not None and earlier is not None and value < earlier:
            self.add(field, f"The date cannot be before {what} ({govuk_date(earlier)}).")

    def required(self, field: str, value: object, message: str) -> None:
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("learner").get(pk=case_id)


def require_stage(case: Case, allowed: Iterable[str], message: str) -> None:
    if case.stage not in set(allowed):
        raise TransitionRefused(message)


def move(case: Case, to: str, *, changed_by: User) -> None:
    """Change the stage if the state machine allows it; terminal moves are checked by callers."""
    if to not in Case.TRANSITIONS[case.stage] and to not in (Stage.CLOSED, Stage.WITHDRAWN):
        raise TransitionRefused(
            f"A case cannot go from '{Stage(case.stage).label}' to '{Stage(to).label}'."
        )
    case.stage = to
    case.modified_by = changed_by
    lock_bump(case)


def save(obj, *, changed_by: User, created: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Stamp who changed the row, validate it in full and save it."""
    if created:
        obj.created_by = changed_by
    obj.modified_by = changed_by
    obj.full_clean()
    obj.save()


def request_check(*, learner: Learner, received_on: dt.date) -> None:
    """Refuse a request that could not be recorded, without recording anything: for a
    check-your-answers page before the step that starts the clock."""
    checks = DateChecks()
    checks.past("received_on", received_on, "the request was received")
    checks.not_before("received_on", received_on, learner.date_of_birth, "the date of birth")
    checks.raise_if_any()
    open_case = Case.objects.filter(learner=learner, stage__in=OPEN_STAGES).first()
    if open_case is not None:
        raise TransitionRefused(
            f"This learner already has an open request (case {open_case.pk}); "
            "finish or withdraw it before recording another."
        )
    if Plan.objects.filter(learner=learner, status=Plan.Status.MAINTAINED).exists():
        raise TransitionRefused(
            "This learner already has a maintained plan: a new request is a request to "
            "re-assess (Reg 24), which is handled through a review."
        )


@transaction.atomic
def request_record(
    *,
    learner_id: int,
    received_on: dt.date,
    source: str,
    requested_by: str,
    changed_by: User,
    caseworker: User | None = None,
) -> Case:
    """Record a request for an EHC needs assessment; its receipt starts the legal clock."""
    learner = Learner.objects.select_for_update(of=("self",)).get(pk=learner_id)
    request_check(learner=learner, received_on=received_on)
    case = Case(
        learner=learner,
        received_on=received_on,
        source=source,
        requested_by=requested_by,
        caseworker=caseworker,
    )
    save(case, changed_by=changed_by, created=True)
    return case


@transaction.atomic
def assessment_decide(
    *,
    case_id: int,
    assess: bool,
    decided_on: dt.date,
    reasons: str,
    changed_by: User,
    rights_given: bool = False,
) -> Case:
    """Record the decision whether to assess (Reg 5), notified on ``decided_on``.

    A refusal must tell the family of their right to appeal, to mediation and to information
    and advice (Reg 5(3)); the service refuses one whose letter does not.
    """
    case = lock_case(case_id)
    require_stage(
        case,
        {Stage.REQUESTED},
        "The decision whether to assess has already been made on this case."
        if case.decision_on
        else f"A decision whether to assess cannot be made at stage '{case.get_stage_display()}'.",
    )
    checks = DateChecks()
    checks.past("decided_on", decided_on, "of the decision")
    checks.not_before("decided_on", decided_on, case.received_on, "the request")
    checks.required("reasons", reasons, "Give the reasons for the decision.")
    if not assess and not rights_given:
        checks.add(
            "rights_given",
            "A decision not to assess must tell the family of their right to appeal and to "
            "mediation (Reg 5(3)).",
        )
    checks.raise_if_any()
    case.assess, case.decision_on, case.decision_reasons = assess, decided_on, reasons
    case.rights_given = rights_given
    move(case, Stage.ASSESSING if assess else Stage.NOT_ASSESSING, changed_by=changed_by)
    save(case, changed_by=changed_by)
    notifications.decision_made(case)
    return case


@transaction.atomic
def not_to_issue_decide(
    *,
    case_id: int,
    decided_on: dt.date,
    reasons: str,
    changed_by: User,
    rights_given: bool = False,
) -> Case:
    """Record a decision, after assessment, not to issue a plan (Reg 10), with its reasons."""
    case = lock_case(case_id)
    require_stage(
        case,
        {Stage.ASSESSING},
        "A decision not to issue a plan is made after assessing and before drafting begins.",
    )
    checks = DateChecks()
    checks.past("decided_on", decided_on, "of the decision")
    checks.not_before("decided_on", decided_on, case.decision_on, "the decision to assess")
    checks.required("reasons", reasons, "Give the reasons for not issuing a plan.")
    if not rights_given:
        checks.add(
            "rights_given",
            "A decision not to issue must tell the family of their right to appeal and to "
            "mediation (Reg 10(3)).",
        )
    checks.raise_if_any()
    case.not_to_issue_on, case.not_to_issue_reasons = decided_on, reasons
    move(case, Stage.NOT_ISSUING, changed_by=changed_by)
    save(case, changed_by=changed_by)
    notifications.decision_made(case)
    return case


def _end(case: Case, *, to: str, on: dt.date, reason: str, changed_by: User) -> Case:
    if case.stage in TERMINAL_STAGES:
        raise TransitionRefused(f"This case is already {case.get_stage_display().lower()}.")
    if case.stage == Stage.FINAL_ISSUED:
        raise TransitionRefused(
            "This case has a final plan: it closes when the plan ceases to be maintained."
        )
    checks = DateChecks()
    checks.past("on", on, "of closing")
    checks.not_before("on", on, case.received_on, "the request")
    checks.required("reason", reason, "Give the reason.")
    checks.raise_if_any()
    case.closed_on, case.closed_reason = on, reason
    move(case, to, changed_by=changed_by)
    save(case, changed_by=changed_by)
    consultations_end(case, on=on, changed_by=changed_by)
    Plan.objects.filter(case=case, status=Plan.Status.DRAFTING).update(
        status=Plan.Status.WITHDRAWN, modified_by=changed_by
    )
    return case


@transaction.atomic
def case_withdraw(*, case_id: int, withdrawn_on: dt.date, reason: str, changed_by: User) -> Case:
    """The request is withdrawn (by the family, or the learner has moved away)."""
    return _end(
        lock_case(case_id),
        to=Stage.WITHDRAWN,
        on=withdrawn_on,
        reason=reason,
        changed_by=changed_by,
    )


@transaction.atomic
def case_close(*, case_id: int, closed_on: dt.date, reason: str, changed_by: User) -> Case:
    """Close a case that needs no further work (e.g. no appeal after a refusal)."""
    return _end(
        lock_case(case_id), to=Stage.CLOSED, on=closed_on, reason=reason, changed_by=changed_by
    )


@transaction.atomic
def exception_record(
    *,
    case_id: int,
    key: str,
    reason: str,
    starts_on: dt.date,
    changed_by: User,
    evidence: str = "",
    ends_on: dt.date | None = None,
    advice_request_id: int | None = None,
    family_told_on: dt.date | None = None,
) -> CaseException:
    """Record a lawful exception to a time limit (Reg 10(4)(a)–(d); Reg 8(2) for advice)."""
    case = lock_case(case_id)
    checks = DateChecks()
    advice = None
    if advice_request_id is not None:
        advice = AdviceRequest.objects.get(pk=advice_request_id, case=case)
    rule_key = clock.ADVICE if advice else clock.FINAL_PLAN
    if key not in clock.EXCEPTIONS:
        checks.add("key", "Choose one of the lawful exceptions.")
    elif not clock.exception_applies_to(key, rule_key):
        what = "advice from another body (Reg 8(2))" if advice else "the case's own time limits"
        checks.add("key", f"{clock.EXCEPTIONS[key].basis} is not an exception to {what}.")
    checks.required("reason", reason, "A lawful exception needs a reason.")
    checks.not_before("starts_on", starts_on, case.received_on, "the request")
    checks.past("family_told_on", family_told_on, "the family was told")
    checks.not_before("ends_on", ends_on, starts_on, "the start of the exception")
    _check_absence_lasted(checks, key=key, starts_on=starts_on, ends_on=ends_on)
    checks.raise_if_any()
    record = CaseException(
        case=case,
        advice_request=advice,
        key=key,
        reason=reason,
        evidence=evidence,
        starts_on=starts_on,
        ends_on=ends_on,
        family_told_on=family_told_on,
    )
    save(record, changed_by=changed_by, created=True)
    return record


def _check_absence_lasted(
    checks: DateChecks, *, key: str, starts_on: dt.date, ends_on: dt.date | None
) -> None:
    absence = key in ("reg10_4_d", "reg8_2_absence")
    if absence and ends_on is not None and (ends_on - starts_on).days + 1 < 28:
        checks.add("ends_on", "An absence must last at least 4 continuous weeks.")


@transaction.atomic
def exception_update(
    *,
    case_id: int,
    exception_id: int,
    changed_by: User,
    ends_on: dt.date | None = None,
    family_told_on: dt.date | None = None,
) -> CaseException:
    """Record later the day a lawful exception ended, or the day the family were told of it
    (CoP 9.43). Only a date not yet recorded is filled in; one already recorded stays, and
    the history keeps who recorded each.
    """
    case = lock_case(case_id)
    record = CaseException.objects.select_for_update().get(pk=exception_id, case=case)
    checks = DateChecks()
    if ends_on is None and family_told_on is None:
        checks.add("ends_on", "Enter the date the exception ended, or when the family were told.")
    for field, value, recorded in (
        ("ends_on", ends_on, record.ends_on),
        ("family_told_on", family_told_on, record.family_told_on),
    ):
        if value is not None and recorded is not None:
            checks.add(field, f"This date is already recorded ({govuk_date(recorded)}).")
        checks.not_before(field, value, record.starts_on, "the start of the exception")
    checks.past("ends_on", ends_on, "the exception ended")
    checks.past("family_told_on", family_told_on, "the family was told")
    _check_absence_lasted(checks, key=record.key, starts_on=record.starts_on, ends_on=ends_on)
    checks.raise_if_any()
    record.ends_on = ends_on or record.ends_on
    record.family_told_on = family_told_on or record.family_told_on
    save(record, changed_by=changed_by)
    return record


def consultations_end(case: Case, *, on: dt.date, changed_by: User) -> int:
    """End the settings' access that consulting them on the draft gave, once the case leaves
    consultation (the final plan issued, or the request ended). Returns how many ended."""
    open_ones = Involvement.objects.filter(
        consultation__case=case, ended_on__isnull=True
    ).select_for_update()
    ended = 0
    for involvement in open_ones:
        involvement.ended_on = max(on, involvement.started_on)
        save(involvement, changed_by=changed_by)
        ended += 1
    return ended
