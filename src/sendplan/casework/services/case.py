"""Writes on a case: the request, the decision to assess, advice, consultation, exceptions,
the decision not to issue, withdrawal and closure.

Every function is keyword-only, atomic, validates in full and refuses illegal stage moves
with :class:`~sendplan.casework.errors.TransitionRefused`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Organisation, User
from sendplan.casework import clock, notifications
from sendplan.casework.advice_access import is_addressed_to
from sendplan.casework.errors import TransitionRefused
from sendplan.casework.models import (
    OPEN_STAGES,
    TERMINAL_STAGES,
    AdviceRequest,
    AdviceSection,
    Case,
    CaseException,
    Consultation,
    Plan,
    Section,
    Stage,
)
from sendplan.casework.services._common import DateChecks, lock_case, move, require_stage, save
from sendplan.learners.models import Learner
from sendplan.provision.models import Setting


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
def advice_request(
    *,
    case_id: int,
    kind: str,
    organisation_id: int,
    requested_on: dt.date,
    changed_by: User,
    practitioner: User | None = None,
) -> AdviceRequest:
    """Ask a body for advice (Reg 6); it is due 6 weeks after the body receives the request."""
    case = lock_case(case_id)
    require_stage(
        case,
        {Stage.ASSESSING, Stage.DRAFTING},
        "Advice can only be requested once the decision to assess has been made, and before "
        "the draft plan is sent out.",
    )
    checks = DateChecks()
    checks.past("requested_on", requested_on, "of the request for advice")
    checks.not_before("requested_on", requested_on, case.decision_on, "the decision to assess")
    if kind == AdviceRequest.Kind.PFA and not clock.pfa_applies(
        case.learner.date_of_birth, on=requested_on
    ):
        checks.add(
            "kind",
            "Preparing-for-adulthood advice is for young people in Year 9 or above (Reg 6(1)).",
        )
    checks.raise_if_any()
    advice = AdviceRequest(
        case=case,
        kind=kind,
        organisation=Organisation.objects.get(pk=organisation_id),
        practitioner=practitioner,
        requested_on=requested_on,
        due_on=clock.due(clock.ADVICE, requested_on),
    )
    save(advice, changed_by=changed_by, created=True)
    notifications.advice_requested(advice)
    return advice


def _may_submit(user: User, advice: AdviceRequest) -> bool:
    if is_addressed_to(user, advice):
        return True
    # LA staff may record advice that arrived by post or email.
    return advice.case.learner.responsible_la_id in standing_for(user).la_ids


@transaction.atomic
def advice_submit(
    *,
    advice_request_id: int,
    received_on: dt.date,
    submitted_by: User,
    sections: dict[str, str],
    summary: str = "",
) -> AdviceRequest:
    """Record a body's advice, written into the plan sections it informs (e.g. C and G).

    Any unsent draft of it is cleared, however the advice arrives: what was given is now the
    record."""
    advice = (
        AdviceRequest.objects.select_for_update(of=("self",))
        .select_related("case__learner")
        .get(pk=advice_request_id)
    )
    if not _may_submit(submitted_by, advice):
        raise PermissionDenied("Only the person or organisation asked may give this advice.")
    if advice.received_on is not None:
        raise TransitionRefused(f"This advice was already given on {advice.received_on:%d %B %Y}.")
    require_stage(
        advice.case,
        {Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING},
        "This case is no longer taking advice.",
    )
    checks = DateChecks()
    checks.past("received_on", received_on, "the advice was given")
    checks.not_before("received_on", received_on, advice.requested_on, "the request for advice")
    texts = {s: t.strip() for s, t in sections.items() if t and t.strip()}
    unknown = sorted(set(texts) - set(Section.values))
    if unknown:
        checks.add("sections", f"Unknown plan sections: {', '.join(unknown)}.")
    if not texts and not summary.strip():
        checks.add("sections", "Write the advice in at least one section of the plan.")
    checks.raise_if_any()
    advice.received_on, advice.summary = received_on, summary
    advice.draft = advice.draft_saved_at = advice.draft_saved_by = None
    save(advice, changed_by=submitted_by)
    for section, text in texts.items():
        row = AdviceSection(advice_request=advice, section=section, text=text)
        save(row, changed_by=submitted_by, created=True)
    return advice


@transaction.atomic
def consultation_send(
    *, case_id: int, setting_id: int, sent_on: dt.date, changed_by: User
) -> Consultation:
    """Consult a setting on naming it in the plan; its answer is due in 15 days."""
    case = lock_case(case_id)
    require_stage(
        case,
        {Stage.CONSULTING},
        "Settings are consulted on the draft plan: send the draft for comments first.",
    )
    checks = DateChecks()
    checks.past("sent_on", sent_on, "the consultation was sent")
    checks.not_before("sent_on", sent_on, case.draft_issued_on, "the draft plan")
    checks.raise_if_any()
    if Consultation.objects.filter(case=case, setting_id=setting_id).exists():
        raise TransitionRefused("This setting has already been consulted on this case.")
    consultation = Consultation(
        case=case,
        setting=Setting.objects.get(pk=setting_id),
        sent_on=sent_on,
        response_due_on=clock.consultation_due(sent_on),
    )
    save(consultation, changed_by=changed_by, created=True)
    return consultation


@transaction.atomic
def consultation_respond(
    *,
    consultation_id: int,
    responded_on: dt.date,
    response: str,
    changed_by: User,
    reasons: str = "",
) -> Consultation:
    consultation = Consultation.objects.select_for_update(of=("self",)).get(pk=consultation_id)
    if consultation.responded_on is not None:
        raise TransitionRefused("This setting has already answered the consultation.")
    checks = DateChecks()
    checks.past("responded_on", responded_on, "of the answer")
    checks.not_before("responded_on", responded_on, consultation.sent_on, "the consultation")
    if response == Consultation.Response.CANNOT_MEET:
        checks.required("reasons", reasons, "Say why the setting cannot meet the needs.")
    checks.raise_if_any()
    consultation.responded_on, consultation.response = responded_on, response
    consultation.reasons = reasons
    save(consultation, changed_by=changed_by)
    return consultation


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
def draft_comments_record(*, case_id: int, received_on: dt.date, changed_by: User) -> Case:
    """The family's comments on the draft arrived (the final plan may then follow at once)."""
    case = lock_case(case_id)
    require_stage(case, {Stage.CONSULTING}, "There is no draft out for comments on this case.")
    checks = DateChecks()
    checks.past("received_on", received_on, "the comments arrived")
    checks.not_before("received_on", received_on, case.draft_issued_on, "the draft plan")
    checks.raise_if_any()
    case.draft_comments_received_on = received_on
    case.version += 1
    save(case, changed_by=changed_by)
    return case


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
    absence = key in ("reg10_4_d", "reg8_2_absence")
    if absence and ends_on is not None and (ends_on - starts_on).days + 1 < 28:
        checks.add("ends_on", "An absence must last at least 4 continuous weeks.")
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
