"""The EHC process as one table: each step a case can take, and what the family is told at
each stage.

:data:`STEPS` says, for every step: the stages at which the case page offers it, the form
that asks for it, the service that does it, and how what it recorded reads in the case's
timeline, for the caseworker and (in plain English, or not at all) for the family.
:data:`FAMILY_STAGES` says, for every stage, which template holds the family's words, where
the case is in the family's list of steps, and which deadline they are told about. The
templates take their day and week counts from the engine's rules (``limits``), never from
their own text.

Adding a step to the process is a row here, a form, a service and (if it records something
new) a field on its concept's model: ADR 0115 works an example through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.advice import forms as advice_forms
from sendplan.casework.advice import services as advice_services
from sendplan.casework.case import forms as case_forms
from sendplan.casework.case import services as case_services
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.disputes import forms as dispute_forms
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.disputes.models import Appealable, Mediation
from sendplan.casework.plans import forms as plan_forms
from sendplan.casework.plans import services as plan_services
from sendplan.casework.plans.models import Plan

S = Stage
APPEALABLE_STAGES = frozenset({S.NOT_ASSESSING, S.NOT_ISSUING, S.FINAL_ISSUED, S.CLOSED})
ANY_BUT_WITHDRAWN = frozenset(set(S.values) - {S.WITHDRAWN})
STILL_OPEN = frozenset({S.REQUESTED, S.ASSESSING, S.DRAFTING, S.CONSULTING})


@dataclass(frozen=True)
class TimelineEvent:
    """Something that happened on a case, on a day.

    ``family`` is how the family's page says it, in plain English; empty when it is for the
    professionals only.
    """

    on: dt.date
    title: str
    detail: str = ""
    family: str = ""


Run = Callable[[Case, dict[str, Any], User], object]
Readings = Callable[[Case], Iterable[TimelineEvent]]


def _nothing(case: Case) -> Iterable[TimelineEvent]:
    return ()


def _always(case: Case) -> bool:
    return True


@dataclass(frozen=True)
class Step:
    """One step of the EHC process.

    ``stages`` are where the case page offers it, ``offered_if`` narrows that further,
    ``run`` calls the service with the form's answers, ``done`` is the confirmation, and
    ``timeline`` reads what the step recorded back as events. A step with no stages and no
    ``run`` is taken on its own page (the request, from the learner's record), which calls
    its service itself. A step with a ``plan_page`` has no ``run`` either: it is taken on the
    plan's pages, a check-your-answers journey there, and the case's one-page route for the
    step only sends the user to it (:meth:`plan_page_url`).
    """

    slug: str
    title: str
    button: str
    form: type[forms.Form]
    stages: frozenset[str]
    run: Run | None
    done: str
    timeline: Readings = _nothing
    offered_if: Callable[[Case], bool] = _always
    form_takes_case: bool = False
    rights: bool = False  # show the family's appeal and mediation rights beside the form
    # A step with its own check-your-answers journey on the plan's pages: the case page
    # links there (the route, taking the plan's id) rather than to a one-page form.
    plan_page: str = ""
    item: str = ""  # a related row the step may update ("mediation", "appeal")

    def offered_for(self, case: Case) -> bool:
        return case.stage in self.stages and self.offered_if(case)

    def plan_page_url(self, case: Case) -> str | None:
        """Where a step with a ``plan_page`` is taken for ``case``: that page of the case's
        plan, as the case page links it; None while the case has no plan."""
        try:
            plan = case.plan
        except Plan.DoesNotExist:
            return None
        return reverse(self.plan_page, args=[plan.pk])

    def url_for(self, case: Case) -> str:
        """Where the case page's link to this step goes: its plan page, or its own form."""
        if self.plan_page:
            url = self.plan_page_url(case)
            if url is not None:
                return url
        return reverse("casework:action", args=[case.pk, self.slug])

    def make_form(self, case: Case, data: Any = None, initial: Any = None) -> forms.Form:
        kwargs: dict[str, Any] = {"data": data, "initial": initial}
        if self.form_takes_case:
            kwargs["case"] = case
        return self.form(**kwargs)


# How each step's service is called with the form's answers.


def _simple(service: Callable[..., object]) -> Run:
    def run(case: Case, data: dict[str, Any], user: User) -> object:
        return service(case_id=case.pk, changed_by=user, **data)

    return run


def _end(service: Callable[..., object], day: str) -> Run:
    def run(case: Case, data: dict[str, Any], user: User) -> object:
        return service(case_id=case.pk, reason=data["reason"], changed_by=user, **{day: data["on"]})

    return run


# How each step reads in the timeline.


def _request_read(case: Case) -> Iterator[TimelineEvent]:
    yield TimelineEvent(
        case.received_on,
        "Request for an EHC needs assessment received",
        f"From {case.get_source_display().lower()}: {case.requested_by}",
        family="We received the request for an EHC needs assessment",
    )


def _decision_read(case: Case) -> Iterator[TimelineEvent]:
    if not case.decision_on:
        return
    if case.assess:
        yield TimelineEvent(
            case.decision_on,
            "Decided to assess",
            case.decision_reasons,
            family="The council decided to carry out an assessment",
        )
    else:
        yield TimelineEvent(
            case.decision_on,
            "Decided not to assess",
            f"{case.decision_reasons} The family were told of their right to appeal "
            "and to mediation.",
            family="The council decided not to carry out an assessment",
        )


def _advice_read(case: Case) -> Iterator[TimelineEvent]:
    for advice in case.advice_requests.all():
        kind, who = advice.get_kind_display(), advice.organisation.name
        yield TimelineEvent(
            advice.requested_on,
            f"{kind} requested",
            who,
            family=f"The council asked {who} for advice",
        )
        if advice.received_on:
            yield TimelineEvent(
                advice.received_on, f"{kind} received", who, family=f"{who} sent their advice"
            )


def _draft_sent_read(case: Case) -> Iterator[TimelineEvent]:
    if case.draft_issued_on:
        yield TimelineEvent(
            case.draft_issued_on,
            "Draft plan sent for comments",
            family="The council sent the draft plan for your comments",
        )


def _consultation_read(case: Case) -> Iterator[TimelineEvent]:
    for consultation in case.consultations.all():
        name = consultation.setting.name
        yield TimelineEvent(
            consultation.sent_on,
            "Setting consulted",
            name,
            family=f"The council asked {name} whether it can meet the needs in the plan",
        )
        if consultation.responded_on:
            yield TimelineEvent(
                consultation.responded_on,
                f"Setting answered: {consultation.get_response_display().lower()}",
                f"{name}. {consultation.reasons}".strip(),
                family=f"{name} answered the council",
            )


def _comments_read(case: Case) -> Iterator[TimelineEvent]:
    if case.draft_comments_received_on:
        yield TimelineEvent(
            case.draft_comments_received_on,
            "Family's comments on the draft received",
            family="The council received your comments on the draft plan",
        )


def _final_read(case: Case) -> Iterator[TimelineEvent]:
    if case.final_issued_on:
        yield TimelineEvent(
            case.final_issued_on, "Final plan issued", family="The council issued the final plan"
        )


def _not_to_issue_read(case: Case) -> Iterator[TimelineEvent]:
    if case.not_to_issue_on:
        yield TimelineEvent(
            case.not_to_issue_on,
            "Decided not to issue a plan",
            case.not_to_issue_reasons,
            family="The council decided not to make a plan",
        )


def exception_label(key: str) -> str:
    """The law behind a lawful exception, as the timeline names it."""
    found = clock.EXCEPTIONS.get(key)
    return found.basis.split(";")[0] if found else key


def _exception_read(case: Case) -> Iterator[TimelineEvent]:
    for exception in case.exceptions.all():
        yield TimelineEvent(
            exception.starts_on,
            f"Lawful exception recorded ({exception_label(exception.key)})",
            exception.reason,
            # The Code of Practice (9.42-9.43) expects the family to be told.
            family="A time limit does not apply for a reason the law allows. "
            "Your caseworker can explain",
        )


def _exception_update_read(case: Case) -> Iterator[TimelineEvent]:
    for exception in case.exceptions.all():
        label = exception_label(exception.key)
        if exception.ends_on:
            yield TimelineEvent(
                exception.ends_on,
                f"Lawful exception ended ({label})",
                family="The reason a time limit did not apply has ended",
            )
        if exception.family_told_on:
            yield TimelineEvent(exception.family_told_on, f"Family told of the exception ({label})")


def _end_read(case: Case) -> Iterator[TimelineEvent]:
    if case.closed_on:
        withdrawn = case.stage == Stage.WITHDRAWN
        yield TimelineEvent(
            case.closed_on,
            "Request withdrawn" if withdrawn else "Case closed",
            case.closed_reason,
            family="The request was withdrawn" if withdrawn else "The case was closed",
        )


def _mediation_read(case: Case) -> Iterator[TimelineEvent]:
    for mediation in case.mediations.all():
        about = mediation.get_about_display().lower()
        yield TimelineEvent(
            mediation.adviser_contacted_on,
            f"Mediation adviser contacted about the {about}",
            family="You contacted a mediation adviser",
        )
        if mediation.family_choice_on:
            wanted = mediation.family_choice == Mediation.Choice.MEDIATION
            yield TimelineEvent(
                mediation.family_choice_on,
                "The family asked for mediation"
                if wanted
                else "The family declined mediation and asked for a certificate",
                family="You asked for mediation"
                if wanted
                else "You chose not to have mediation and asked for a certificate",
            )
        if mediation.certificate_on:
            yield TimelineEvent(
                mediation.certificate_on,
                "Mediation certificate issued",
                family="The mediation certificate was issued",
            )
        if mediation.mediation_on:
            outcome = mediation.get_outcome_display() or "Outcome not recorded yet"
            yield TimelineEvent(
                mediation.mediation_on, "Mediation held", outcome, family="Mediation took place"
            )


def _appeal_read(case: Case) -> Iterator[TimelineEvent]:
    for appeal in case.appeals.all():
        about = appeal.get_about_display().lower()
        yield TimelineEvent(
            appeal.registered_on,
            f"Appeal registered about the {about}",
            family="The Tribunal registered the appeal",
        )
        if appeal.decided_on:
            outcome = appeal.get_outcome_display()
            yield TimelineEvent(
                appeal.decided_on, outcome, family=f"The appeal ended: {outcome.lower()}"
            )


def _order_read(case: Case) -> Iterator[TimelineEvent]:
    for appeal in case.appeals.all():
        for order in appeal.orders.all():
            what = order.get_kind_display().lower()
            if order.made_on:
                yield TimelineEvent(
                    order.made_on,
                    f"Tribunal order: {what}",
                    family=f"The Tribunal ordered the council to {what}",
                )
            if order.complied_on:
                yield TimelineEvent(
                    order.complied_on,
                    f"Order done: {what}",
                    family=f"The council did what the Tribunal ordered: {what}",
                )


# Extra conditions on when a step is offered.


def _a_setting_has_not_answered(case: Case) -> bool:
    return any(c.responded_on is None for c in case.consultations.all())


def _final_issue_lawful(case: Case) -> bool:
    return plan_services.final_issue_lawful(case, on=timezone.localdate())


def _comments_not_recorded(case: Case) -> bool:
    return not case.draft_comments_received_on


def _has_exception_to_complete(case: Case) -> bool:
    return bool(case_forms.exceptions_to_complete(case))


def _has_appeal(case: Case) -> bool:
    return bool(case.appeals.all())


def _has_order_to_comply_with(case: Case) -> bool:
    return bool(dispute_forms.compliance_choices(case))


STEPS: tuple[Step, ...] = (
    Step(
        "record-request",
        "Record a request for an EHC needs assessment",
        "Record the request",
        case_forms.RequestForm,
        frozenset(),  # from the learner's record: it starts a case rather than moving one
        None,
        "The request has been recorded",
        timeline=_request_read,
    ),
    Step(
        "decide-assessment",
        "Decide whether to assess",
        "Record the decision",
        case_forms.AssessmentDecisionForm,
        frozenset({S.REQUESTED}),
        _simple(case_services.assessment_decide),
        "The decision whether to assess has been recorded",
        timeline=_decision_read,
        rights=True,
    ),
    Step(
        "request-advice",
        "Request advice",
        "Record the request for advice",
        advice_forms.AdviceRequestForm,
        frozenset({S.ASSESSING, S.DRAFTING}),
        _simple(advice_services.advice_request),
        "The request for advice has been recorded",
        timeline=_advice_read,
    ),
    Step(
        "start-draft",
        "Decide to issue a plan and start the draft",
        "Start the draft plan",
        case_forms.ConfirmForm,
        frozenset({S.ASSESSING}),
        _simple(plan_services.plan_draft_start),
        "Drafting has started: write the plan's sections",
    ),
    Step(
        "not-to-issue",
        "Decide not to issue a plan",
        "Record the decision",
        case_forms.NotToIssueForm,
        frozenset({S.ASSESSING}),
        _simple(case_services.not_to_issue_decide),
        "The decision not to issue a plan has been recorded",
        timeline=_not_to_issue_read,
        rights=True,
    ),
    Step(
        "issue-draft",
        "Send the draft plan for comments",
        "Record that the draft was sent",
        plan_forms.DraftIssueForm,
        frozenset({S.DRAFTING}),
        _simple(plan_services.draft_issue),
        "The draft plan has been sent for comments",
        timeline=_draft_sent_read,
    ),
    Step(
        "consult-setting",
        "Consult a setting",
        "Record the consultation",
        plan_forms.ConsultationForm,
        frozenset({S.CONSULTING}),
        _simple(plan_services.consultation_send),
        "The consultation has been recorded",
        timeline=_consultation_read,
    ),
    Step(
        "setting-answer",
        "Record a setting's answer",
        "Record the answer",
        plan_forms.ConsultationResponseForm,
        frozenset({S.CONSULTING}),
        lambda case, data, user: plan_services.consultation_respond(changed_by=user, **data),
        "The setting's answer has been recorded",
        offered_if=_a_setting_has_not_answered,
        form_takes_case=True,
    ),
    Step(
        "family-comments",
        "Record the family's comments on the draft",
        "Record the comments",
        plan_forms.FamilyCommentsForm,
        frozenset({S.CONSULTING}),
        _simple(plan_services.draft_comments_record),
        "The family's comments have been recorded",
        timeline=_comments_read,
        offered_if=_comments_not_recorded,
    ),
    Step(
        "issue-final",
        "Issue the final plan",
        "Issue the final plan",
        plan_forms.IssueForm,  # on the plan's issue page, which calls ``plan_issue``
        frozenset({S.CONSULTING}),
        None,
        "The final plan has been issued",
        timeline=_final_read,
        offered_if=_final_issue_lawful,
        plan_page="casework:plan-issue",
    ),
    Step(
        "exception",
        "Record a lawful exception to a time limit",
        "Record the exception",
        case_forms.ExceptionForm,
        ANY_BUT_WITHDRAWN,
        _simple(case_services.exception_record),
        "The exception has been recorded",
        timeline=_exception_read,
        form_takes_case=True,
    ),
    Step(
        "exception-update",
        "Record that an exception ended or the family were told",
        "Save the dates",
        case_forms.ExceptionUpdateForm,
        ANY_BUT_WITHDRAWN,
        _simple(case_services.exception_update),
        "The exception has been updated",
        timeline=_exception_update_read,
        offered_if=_has_exception_to_complete,
        form_takes_case=True,
    ),
    Step(
        "withdraw",
        "Withdraw the request",
        "Withdraw the request",
        case_forms.EndForm,
        STILL_OPEN,
        _end(case_services.case_withdraw, "withdrawn_on"),
        "The request has been withdrawn",
        timeline=_end_read,  # reads withdrawal and closure alike
    ),
    Step(
        "close",
        "Close the case",
        "Close the case",
        case_forms.EndForm,
        frozenset({S.NOT_ASSESSING, S.NOT_ISSUING}),
        _end(case_services.case_close, "closed_on"),
        "The case has been closed",
    ),
    Step(
        "mediation",
        "Record mediation",
        "Save the mediation",
        dispute_forms.MediationForm,
        APPEALABLE_STAGES,
        _simple(dispute_services.mediation_record),
        "The mediation has been saved",
        timeline=_mediation_read,
        item="mediation",
    ),
    Step(
        "tribunal",
        "Record an appeal to the Tribunal",
        "Save the appeal",
        dispute_forms.TribunalForm,
        APPEALABLE_STAGES,
        _simple(dispute_services.tribunal_record),
        "The appeal has been saved",
        timeline=_appeal_read,
        item="appeal",
    ),
    Step(
        "tribunal-order",
        "Record a Tribunal order",
        "Save the order",
        dispute_forms.TribunalOrderForm,
        APPEALABLE_STAGES,
        _simple(dispute_services.tribunal_order_record),
        "The order has been saved",
        timeline=_order_read,  # reads orders made and complied with
        offered_if=_has_appeal,
        form_takes_case=True,
    ),
    Step(
        "order-complied",
        "Record that an order was complied with",
        "Record it",
        dispute_forms.ComplianceForm,
        APPEALABLE_STAGES,
        _simple(dispute_services.tribunal_order_comply),
        "The order has been recorded as done",
        offered_if=_has_order_to_comply_with,
        form_takes_case=True,
    ),
)

#: The step that starts a case, from the learner's record.
RECORD_REQUEST = STEPS[0]
#: The steps the case page may open, by the slug in their URL.
CASE_PAGE_STEPS: dict[str, Step] = {s.slug: s for s in STEPS if s.stages}


def offered_steps(case: Case) -> list[Step]:
    """The steps the case page offers at the case's stage, in the table's order."""
    return [step for step in CASE_PAGE_STEPS.values() if step.offered_for(case)]


def case_timeline(case: Case) -> list[TimelineEvent]:
    """What has happened on a case (one from ``case_for_user``), newest first.

    Dates only: the services record the day of each step, not the time, so no time is
    invented (MOJ Timeline guidance). Events on the same day keep the process's order.
    """
    events = [event for step in STEPS for event in step.timeline(case)]
    events.sort(key=lambda e: e.on, reverse=True)
    return events


def family_timeline(case: Case) -> list[TimelineEvent]:
    """What has happened, as the family's page says it: only the events with family words."""
    return [event for event in case_timeline(case) if event.family]


# What the family is told at each stage.

#: The steps a family sees on their page, in order.
FAMILY_PROGRESS: tuple[str, ...] = (
    "We received the request for an assessment",
    "The council decides whether to assess",
    "The assessment: collecting advice",
    "Writing the draft plan",
    "You comment on the draft plan",
    "The final plan",
)


@dataclass(frozen=True)
class ProgressStep:
    name: str
    state: str  # "Done", "Now" or "Not yet"


@dataclass(frozen=True)
class FamilyStage:
    """What the family's page says at one stage of the case.

    ``template`` holds the words (``casework/family/stages/<template>.html``); ``now`` is the
    step of :data:`FAMILY_PROGRESS` under way (None when the process stopped, after
    ``reached`` steps); ``deadlines`` are the deadline ids the family is told about, the
    first found; ``appeal`` the decisions the family may appeal at this stage.
    """

    template: str
    now: int | None
    deadlines: tuple[str, ...] = ()
    appeal: tuple[str, ...] = ()
    reached: int = 0

    def progress(self) -> list[ProgressStep]:
        """Each step the family sees, with where the case is."""
        if self.now is None:
            return [ProgressStep(name, "Done") for name in FAMILY_PROGRESS[: self.reached]]
        return [
            ProgressStep(name, "Done" if i < self.now else "Now" if i == self.now else "Not yet")
            for i, name in enumerate(FAMILY_PROGRESS)
        ]


FAMILY_STAGES: dict[str, FamilyStage] = {
    S.REQUESTED: FamilyStage("requested", now=1, deadlines=("decision_to_assess",)),
    S.ASSESSING: FamilyStage("assessing", now=2, deadlines=("final_plan",)),
    S.DRAFTING: FamilyStage("drafting", now=3, deadlines=("final_plan",)),
    S.CONSULTING: FamilyStage("consulting", now=4, deadlines=("draft_comments_close",)),
    S.FINAL_ISSUED: FamilyStage(
        "final_issued",
        now=None,
        reached=len(FAMILY_PROGRESS),
        deadlines=("annual_review", "early_years_review"),
        appeal=(Appealable.PLAN_CONTENTS, Appealable.PLACEMENT_ONLY),
    ),
    S.NOT_ASSESSING: FamilyStage(
        "not_assessing", now=None, reached=2, appeal=(Appealable.NOT_TO_ASSESS,)
    ),
    S.NOT_ISSUING: FamilyStage(
        "not_issuing", now=None, reached=3, appeal=(Appealable.NOT_TO_ISSUE,)
    ),
    S.CLOSED: FamilyStage("closed", now=None, reached=3),
    S.WITHDRAWN: FamilyStage("closed", now=None, reached=3),
}


def family_limits() -> dict[str, clock.Length]:
    """The lengths of the time limits the family's words mention, from the engine's rules,
    by rule key (``limits.final_plan.amount`` is 20, in weeks)."""
    return {key: clock.RULES[key].length for key in (clock.FINAL_PLAN, clock.DRAFT_COMMENTS)}
