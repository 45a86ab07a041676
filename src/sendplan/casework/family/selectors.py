"""Reads behind the family's pages: the children a user is family for, and one case as the
family sees it, in plain English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.deadlines import CaseDeadline, case_queryset, deadlines_for
from sendplan.casework.disputes.models import Appealable
from sendplan.casework.family.services import family_may_act
from sendplan.casework.notifications import long_date, rights_are_young_persons
from sendplan.casework.plans.models import PlanVersion
from sendplan.core.errors import Http404
from sendplan.learners.models import Involvement, Learner

#: The steps a family sees, in order, with the stages during which each is "now".
FAMILY_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("We received the request for an assessment", ()),
    ("The council decides whether to assess", (Stage.REQUESTED,)),
    ("The assessment: collecting advice", (Stage.ASSESSING,)),
    ("Writing the draft plan", (Stage.DRAFTING,)),
    ("You comment on the draft plan", (Stage.CONSULTING,)),
    ("The final plan", (Stage.FINAL_ISSUED,)),
)


_STEP_OF_STAGE: dict[str, int] = {
    Stage.REQUESTED: 1,
    Stage.ASSESSING: 2,
    Stage.DRAFTING: 3,
    Stage.CONSULTING: 4,
    Stage.FINAL_ISSUED: 5,
}


@dataclass(frozen=True)
class Step:
    name: str
    state: str  # "Done", "Now" or "Not yet"


@dataclass
class FamilyCase:
    """Everything the family's case page says, already in plain English."""

    case: Case
    learner: Learner
    can_act: bool
    young_person_decides: bool
    status: str
    next_deadline: str
    next_deadline_late: bool
    what_next: list[str]
    steps: list[Step]
    deadline: CaseDeadline | None
    draft: PlanVersion | None = None
    comments_close: dt.date | None = None
    appeal_by: dt.date | None = None
    deadlines: list[CaseDeadline] = field(default_factory=list)


def _family_learners(user: User, today: dt.date) -> QuerySet[Learner]:
    open_now = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    involved = Involvement.objects.filter(
        open_now,
        user=user,
        kind__in=[Involvement.Kind.PARENT, Involvement.Kind.YOUNG_PERSON],
    ).values("learner_id")
    return Learner.objects.filter(pk__in=involved, archived_at__isnull=True)


def family_cases(*, fetched_by: User, today: dt.date | None = None) -> list[tuple[Learner, Case]]:
    """The latest case of each child this user is family for (two queries)."""
    today = today or timezone.localdate()
    cases = (
        Case.objects.filter(learner__in=_family_learners(fetched_by, today))
        .select_related("learner")
        .order_by("learner__given_name", "learner_id", "-received_on", "-id")
    )
    latest: dict[int, Case] = {}
    for case in cases:
        latest.setdefault(case.learner_id, case)
    return [(case.learner, case) for case in latest.values()]


def _find(deadlines: list[CaseDeadline], ident: str) -> CaseDeadline | None:
    return next((d for d in deadlines if d.id == ident), None)


def _week(case: Case, today: dt.date) -> int:
    return (today - case.received_on).days // 7 + 1


def _sentence(deadline: CaseDeadline | None, late: str, on_time: str) -> tuple[str, bool]:
    if deadline is None:
        return "", False
    when = long_date(deadline.due)
    if deadline.status == "overdue":
        return late.format(date=when), True
    return on_time.format(date=when), False


def _appeal_by(case: Case, decided: dt.date, about: tuple[str, ...]) -> dt.date:
    """The last day to appeal a decision: 2 months from it, or 1 month from a mediation
    certificate about it, whichever is later (mediations are prefetched with the case)."""
    certificates = [
        m.certificate_on
        for m in case.mediations.all()
        if m.about in about and m.certificate_on is not None and m.certificate_on >= decided
    ]
    return clock.appeal_due(decision_on=decided, certificate_on=max(certificates, default=None))


def family_case(user: User, case_id: int, *, today: dt.date | None = None) -> FamilyCase:
    """The family's view of one case: 404 unless the user is the child's parent or the young
    person themself (a parent of a young person over 16 may still read it)."""
    today = today or timezone.localdate()
    case = (
        case_queryset()
        .filter(pk=case_id, learner__in=_family_learners(user, today))
        .select_related("caseworker")
        .first()
    )
    if case is None:
        raise Http404("No case found")
    learner = case.learner
    deadlines = deadlines_for(case, today=today)
    name = learner.given_name
    stage = case.stage
    draft = None
    comments_close = appeal_by = None
    what_next: list[str] = []
    deadline: CaseDeadline | None = None
    late = False
    if stage == Stage.REQUESTED:
        deadline = _find(deadlines, "decision_to_assess")
        status = f"We have the request for an EHC needs assessment for {name}."
        next_text, late = _sentence(
            deadline,
            "The council should have decided by {date} whether to carry out an assessment. "
            "It is late. You can ask your caseworker why.",
            "The council must decide by {date} whether to carry out an assessment.",
        )
        what_next = [
            f"The council looks at what it knows about {name}.",
            "It then writes to tell you if it will carry out an assessment.",
        ]
    elif stage == Stage.ASSESSING:
        deadline = _find(deadlines, "final_plan")
        week = min(_week(case, today), 20)
        status = f"We are collecting advice about {name} (week {week} of 20)."
        next_text, late = _sentence(
            deadline,
            "The council should have sent the final plan by {date}. It is late. "
            "You can ask your caseworker why.",
            "The council must send the final plan, or tell you it will not make one, by {date}.",
        )
        what_next = [
            "Teachers, health workers, social care and an educational psychologist "
            f"send advice about {name}.",
            "Then the council decides whether to write a plan.",
        ]
    elif stage == Stage.DRAFTING:
        deadline = _find(deadlines, "final_plan")
        status = f"The council is writing a draft plan for {name}."
        next_text, late = _sentence(
            deadline,
            "The final plan was due by {date}. It is late. You can ask your caseworker why.",
            "The council must send the final plan by {date}.",
        )
        what_next = [
            "You will get the draft plan to read.",
            "You will have 15 days to comment on it.",
        ]
    elif stage == Stage.CONSULTING:
        draft = _draft(case)
        deadline = _find(deadlines, "draft_comments_close")
        comments_close = deadline.due if deadline else None
        status = f"The draft plan for {name} is ready for your comments."
        next_text = (
            f"Please send your comments by {long_date(comments_close)}." if comments_close else ""
        )
        what_next = [
            "Read the draft plan.",
            "Tell us what you think, and which school or college you would like.",
            "Then the council sends the final plan.",
        ]
    elif stage == Stage.FINAL_ISSUED:
        assert case.final_issued_on is not None
        appeal_by = _appeal_by(
            case, case.final_issued_on, (Appealable.PLAN_CONTENTS, Appealable.PLACEMENT_ONLY)
        )
        status = f"The final plan for {name} was sent on {long_date(case.final_issued_on)}."
        deadline = _find(deadlines, "annual_review") or _find(deadlines, "early_years_review")
        next_text, late = _sentence(
            deadline,
            "The plan should have been reviewed by {date}. Ask your caseworker about it.",
            "The plan must be reviewed by {date}.",
        )
        what_next = ["The plan is reviewed at least once a year."]
        if today <= appeal_by:
            what_next.append(
                f"If you disagree with the plan, you can appeal until {long_date(appeal_by)}."
            )
    elif stage in (Stage.NOT_ASSESSING, Stage.NOT_ISSUING):
        decided = case.decision_on if stage == Stage.NOT_ASSESSING else case.not_to_issue_on
        assert decided is not None
        appeal_by = _appeal_by(
            case,
            decided,
            (Appealable.NOT_TO_ASSESS,)
            if stage == Stage.NOT_ASSESSING
            else (Appealable.NOT_TO_ISSUE,),
        )
        what = "carry out an assessment" if stage == Stage.NOT_ASSESSING else "make a plan"
        status = f"On {long_date(decided)} the council decided not to {what}."
        next_text = (
            f"If you disagree, you can appeal until {long_date(appeal_by)}."
            if today <= appeal_by
            else ""
        )
        what_next = [
            "You can ask for mediation first: an independent person helps you and the "
            "council talk it through.",
            "You can appeal to the SEND Tribunal.",
        ]
    else:
        closed = case.closed_on or case.received_on
        status = f"This request was closed on {long_date(closed)}."
        next_text = ""
    current = _STEP_OF_STAGE.get(stage)
    steps = [
        Step(
            name,
            "Done"
            if current is not None and (i < current or (i == current == 5))
            else ("Now" if i == current else "Not yet"),
        )
        for i, (name, _) in enumerate(FAMILY_STEPS)
    ]
    if current is None:
        steps = steps[:2] if stage == Stage.NOT_ASSESSING else steps[:3]
        steps = [Step(s.name, "Done") for s in steps]
    return FamilyCase(
        case=case,
        learner=learner,
        can_act=family_may_act(user, learner, on=today),
        young_person_decides=rights_are_young_persons(learner, on=today),
        status=status,
        next_deadline=next_text,
        next_deadline_late=late,
        what_next=what_next,
        steps=steps,
        deadline=deadline,
        draft=draft,
        comments_close=comments_close,
        appeal_by=appeal_by,
        deadlines=deadlines,
    )


def _draft(case: Case) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(plan__case=case, status=PlanVersion.Status.DRAFT)
        .select_related("placement_setting")
        .prefetch_related("needs", "outcomes", "provision")
        .order_by("-number")
        .first()
    )


def family_draft(fc: FamilyCase) -> PlanVersion | None:
    """The draft being written, for section A views (drafting or out for comments)."""
    if fc.case.stage not in (Stage.DRAFTING, Stage.CONSULTING):
        return None
    return fc.draft or _draft(fc.case)
