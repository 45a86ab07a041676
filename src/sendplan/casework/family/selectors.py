"""Reads behind the family's pages: the children a user is family for, and one case as the
family sees it, in plain English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from sendplan.accounts.models import User
from sendplan.casework import clock
from sendplan.casework.case.models import Case, Stage
from sendplan.casework.deadlines import CaseDeadline, case_queryset, deadlines_for
from sendplan.casework.family.models import FamilyComment, FamilyPreference
from sendplan.casework.plans.models import Plan, PlanVersion
from sendplan.casework.steps import (
    FAMILY_STAGES,
    FamilyStage,
    ProgressStep,
    TimelineEvent,
    family_limits,
    family_timeline,
)
from sendplan.core.errors import Http404
from sendplan.learners.access import family_learners, family_may_act, rights_are_young_persons
from sendplan.learners.models import Learner
from sendplan.learners.services import audit_read


@dataclass
class FamilyCase:
    """Everything the family's case page needs; the words are in the stage's template
    (``casework/family/stages/``), chosen by :data:`~sendplan.casework.steps.FAMILY_STAGES`.
    """

    case: Case
    learner: Learner
    can_act: bool
    young_person_decides: bool
    stage: FamilyStage
    today: dt.date
    deadline: CaseDeadline | None
    steps: list[ProgressStep]
    timeline: list[TimelineEvent]
    limits: dict[str, clock.Length]
    week: int = 0
    decided_on: dt.date | None = None
    draft: PlanVersion | None = None
    comments_close: dt.date | None = None
    appeal_by: dt.date | None = None
    deadlines: list[CaseDeadline] = field(default_factory=list)
    #: The child's EHC plan once a version is issued, and how many versions are.
    plan: Plan | None = None
    issued_versions: int = 0

    @property
    def template(self) -> str:
        return f"casework/family/stages/{self.stage.template}.html"

    @property
    def late(self) -> bool:
        return self.deadline is not None and self.deadline.status == "overdue"

    @property
    def may_still_appeal(self) -> bool:
        return self.appeal_by is not None and self.today <= self.appeal_by


@dataclass(frozen=True)
class FamilyChild:
    """A child (or the young person) on the family's pages: their latest case, if any, and
    their EHC plan once a version is issued. A child whose plan was issued long ago may have
    no case on record; one with a request under way has no plan yet."""

    learner: Learner
    case: Case | None
    plan_id: int | None


def family_cases(*, fetched_by: User, today: dt.date | None = None) -> list[FamilyChild]:
    """Each child this user is family for who has a case or an issued plan, with the latest
    case and the newest issued plan (three queries)."""
    today = today or timezone.localdate()
    learners = {
        learner.pk: learner
        for learner in family_learners(fetched_by, on=today).order_by(
            "given_name", "family_name", "pk"
        )
    }
    cases = (
        Case.objects.filter(learner_id__in=list(learners))
        .select_related("learner")
        .order_by("learner_id", "-received_on", "-id")
    )
    latest: dict[int, Case] = {}
    for case in cases:
        latest.setdefault(case.learner_id, case)
    # Oldest first, so the newest plan of each learner is the one the dict keeps.
    plans = dict(
        _issued_plans()
        .filter(learner_id__in=list(learners))
        .order_by("pk")
        .values_list("learner_id", "pk")
    )
    return [
        FamilyChild(learner, latest.get(pk), plans.get(pk))
        for pk, learner in learners.items()
        if pk in latest or pk in plans
    ]


def _issued_plans() -> QuerySet[Plan]:
    """Plans with at least one issued version: the ones a family can read."""
    issued = PlanVersion.objects.filter(plan=OuterRef("pk"), status=PlanVersion.Status.ISSUED)
    return Plan.objects.filter(Exists(issued))


def _week(case: Case, today: dt.date) -> int:
    return (today - case.received_on).days // 7 + 1


def _decided_on(case: Case) -> dt.date | None:
    """The day of the decision the family may appeal at this stage."""
    decided: dict[str, dt.date | None] = {
        Stage.FINAL_ISSUED: case.final_issued_on,
        Stage.NOT_ASSESSING: case.decision_on,
        Stage.NOT_ISSUING: case.not_to_issue_on,
    }
    return decided.get(case.stage)


def _appeal_by(case: Case, decided: dt.date, about: tuple[str, ...]) -> dt.date:
    """The last day to appeal a decision: 2 months from it, or 1 month from a mediation
    certificate about it, whichever is later (mediations are prefetched with the case)."""
    certificates = [
        m.certificate_on
        for m in case.mediations.all()
        if m.about in about and m.certificate_on is not None and m.certificate_on >= decided
    ]
    return clock.appeal_due(decision_on=decided, certificate_on=max(certificates, default=None))


def family_case(
    user: User, case_id: int, *, purpose: str, today: dt.date | None = None
) -> FamilyCase:
    """The family's view of one case: 404 unless the user is the child's parent or the young
    person themself (a parent of a young person may still read it). The read is audited,
    ``purpose`` naming the page."""
    today = today or timezone.localdate()
    case = (
        case_queryset()
        .filter(pk=case_id, learner__in=family_learners(user, on=today))
        .select_related("caseworker")
        .first()
    )
    if case is None:
        raise Http404("No case found")
    learner = case.learner
    audit_read(user=user, learner=learner, what=purpose)
    deadlines = deadlines_for(case, today=today)
    stage = FAMILY_STAGES[case.stage]
    deadline = next((d for ident in stage.deadlines for d in deadlines if d.id == ident), None)
    decided = _decided_on(case)
    limits = family_limits()
    plan = _issued_plans().filter(learner=learner).order_by("-pk").first()
    return FamilyCase(
        case=case,
        learner=learner,
        can_act=family_may_act(user, learner, on=today),
        young_person_decides=rights_are_young_persons(learner, on=today),
        stage=stage,
        today=today,
        deadline=deadline,
        steps=stage.progress(),
        timeline=family_timeline(case),
        limits=limits,
        week=min(_week(case, today), limits[clock.FINAL_PLAN].amount),
        decided_on=decided,
        draft=_draft(case) if case.stage == Stage.CONSULTING else None,
        comments_close=deadline.due if deadline and case.stage == Stage.CONSULTING else None,
        appeal_by=_appeal_by(case, decided, stage.appeal) if decided and stage.appeal else None,
        deadlines=deadlines,
        plan=plan,
        issued_versions=(
            plan.versions.filter(status=PlanVersion.Status.ISSUED).count() if plan else 0
        ),
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


# What the family sent, as the caseworker's case page shows it (the page has audited the read).


def family_comments_of(case: Case) -> list[FamilyComment]:
    """The family's comments on the case's drafts, newest first, with the draft each is on."""
    return list(
        FamilyComment.objects.filter(case=case)
        .select_related("version", "created_by")
        .order_by("-given_on", "-id")
    )


def family_preference_of(case: Case) -> FamilyPreference | None:
    """The school or college the family would like: the latest answer stands."""
    return case.family_preferences.select_related("setting", "created_by").first()


def preference_to_consult(case: Case, preference: FamilyPreference | None) -> bool:
    """Whether the setting the family asked for still has to be consulted (CFA 2014 s39):
    the draft is out and that setting has not been asked yet."""
    if preference is None or preference.setting_id is None or case.stage != Stage.CONSULTING:
        return False
    return not case.consultations.filter(setting_id=preference.setting_id).exists()
